"""Sign in and out: a session cookie for the web UI, the same token as a bearer for the API."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

import db
from api import csrf
from api.deps import DB, DON_VI, EVERYONE, SESSION_COOKIE, Allow, audit, bearer_or_cookie, check_password
from api.middleware import SMALL_BODY
from api.schemas import LoginIn, LoginOut, TokenIn, TokenOut, UserOut
from db import accounts
from ketluan.errors import AuthError

router = APIRouter(prefix="/api/auth", tags=["Tài khoản"])
Me = Annotated[db.User, Depends(Allow(*EVERYONE, DON_VI))]  # units too: me, logout, tokens


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
def logout(request: Request, response: Response, user: Me, s: DB) -> None:
    """Đăng xuất: thu hồi phiên hiện tại."""
    accounts.revoke(s, bearer_or_cookie(request) or "")
    s.commit()
    response.delete_cookie(SESSION_COOKIE)


@router.get("/me", response_model=UserOut)
def me(user: Me) -> UserOut:
    """Người dùng đang đăng nhập."""
    return UserOut.of(user)


@router.post("/tokens", response_model=TokenOut, status_code=201)
def create_token(body: TokenIn, request: Request, user: Me, s: DB) -> TokenOut:
    """Tạo mã truy cập API (bearer) không hết hạn cho người dùng hiện tại."""
    token = accounts.issue_token(s, user, "api", None, label=body.label)
    audit(s, request, user, "create", "token", user.id, label=body.label)
    s.commit()
    return TokenOut(token=token, label=body.label)
