"""Sign in and out: a session cookie for the web UI, the same token as a bearer for the API."""

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

import db
from api import csrf
from api.deps import DB, SESSION_COOKIE, Account, all_units, audit, bearer_or_cookie, check_password
from api.middleware import SMALL_BODY
from api.schemas import LoginIn, LoginOut, TokenIn, TokenInfo, TokenOut, UserOut
from db import accounts
from ketluan.errors import AuthError, NotFoundError

router = APIRouter(prefix="/api/auth", tags=["Tài khoản"])


@router.post("/login", response_model=LoginOut, openapi_extra=SMALL_BODY)
def login(body: LoginIn, request: Request, response: Response, s: DB) -> LoginOut:
    """Đăng nhập: trả về mã truy cập và đặt cookie phiên.

    Sai mật khẩu nhiều lần liên tiếp (theo tài khoản hoặc theo địa chỉ máy) thì bị tạm khóa
    đăng nhập, thời gian khóa tăng gấp đôi sau mỗi lần sai tiếp: trả 429 kèm `Retry-After`."""
    user = check_password(request, s, body.username, body.password)
    if user is None:
        raise AuthError("Sai tên đăng nhập hoặc mật khẩu.", "Kiểm tra lại rồi đăng nhập lại.")
    hours = request.app.state.settings.session_hours
    token = accounts.issue_token(s, user, "session", hours)
    audit(s, request, user, "login", "user", user.id)
    s.commit()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(hours * 3600),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
    )
    return LoginOut(token=token, csrf_token=csrf.token_for(token), user=UserOut.of(user))


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, user: Account, s: DB) -> None:
    """Đăng xuất: thu hồi phiên hiện tại."""
    accounts.revoke(s, bearer_or_cookie(request) or "")
    s.commit()
    response.delete_cookie(SESSION_COOKIE)


@router.get("/me", response_model=UserOut)
def me(user: Account) -> UserOut:
    """Người dùng đang đăng nhập."""
    return UserOut.of(user)


@router.post("/tokens", response_model=TokenOut, status_code=201)
def create_token(body: TokenIn, request: Request, user: Account, s: DB) -> TokenOut:
    """Tạo mã truy cập API (bearer) không hết hạn cho người dùng hiện tại."""
    token = accounts.issue_token(s, user, "api", None, label=body.label)
    row = s.scalars(select(db.AuthToken).where(db.AuthToken.token_hash == accounts.token_hash(token))).one()
    audit(s, request, user, "create", "token", row.id, label=body.label)
    s.commit()
    return TokenOut(id=row.id, token=token, label=body.label)


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(user: Account, s: DB) -> list[db.AuthToken]:
    """Các phiên đăng nhập và mã truy cập API còn hiệu lực của chính mình (không hiện mã)."""
    return accounts.tokens_of(s, user.id)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, request: Request, user: Account, s: DB) -> None:
    """Thu hồi một mã truy cập (hoặc một phiên) của chính mình; quản trị viên: của bất kỳ ai."""
    row = s.get(db.AuthToken, token_id)
    if row is None or (row.user_id != user.id and not all_units(user)):
        raise NotFoundError(f"Không có mã truy cập #{token_id}.", "Xem danh sách: GET /api/auth/tokens.")
    row.revoked = True
    audit(s, request, user, "delete", "token", row.id, owner=row.user_id)
    s.commit()
