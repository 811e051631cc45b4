"""Local accounts: argon2 password hashes, session and API tokens (stored as SHA-256 only)."""

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, lazyload

from db.models import ROLES, AuthToken, Unit, User, UTCDateTime, utcnow
from db.passwords import check_password
from ketluan.errors import InputError

_hasher = PasswordHasher()
_USERNAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
_UNIT_CODE = re.compile(r"[A-Z0-9_-]{1,64}")
UNIT_CODE_RULE = (
    "Mã đơn vị gồm chữ in hoa không dấu (A–Z), chữ số, dấu '-' hoặc '_', không có khoảng trắng (ví dụ VP-TU, STC)."
)


def check_unit_code(code: str) -> str:
    """The code of a new unit, or InputError saying the rule."""
    if not _UNIT_CODE.fullmatch(code or ""):
        raise InputError(f"Mã đơn vị '{code}' không hợp lệ.", UNIT_CODE_RULE)
    return code


def create_user(
    s: Session,
    username: str,
    password: str,
    role: str,
    unit_code: str | None = None,
    full_name: str = "",
) -> User:
    username = username.strip()
    if not _USERNAME.fullmatch(username):
        raise InputError(
            f"Tên đăng nhập '{username}' không hợp lệ.",
            "Dùng chữ, số, dấu chấm hoặc gạch dưới, tối đa 64 ký tự.",
        )
    if role not in ROLES:
        raise InputError(f"Vai trò '{role}' không có.", f"Chọn trong: {', '.join(ROLES)}.")
    if s.scalar(select(User.id).where(User.username == username)):
        raise InputError(f"Tên đăng nhập '{username}' đã có.", "Chọn tên khác.")
    check_password(password, username)
    unit = ensure_unit(s, unit_code) if unit_code else None
    if unit is None and role != "admin":
        raise InputError(
            "Người dùng cần thuộc một đơn vị.",
            "Chọn đơn vị của người dùng ở ô Đơn vị rồi bấm tạo lại.",
            cli_hint="Thêm --unit MÃ_ĐƠN_VỊ.",
        )
    user = User(
        username=username,
        full_name=full_name,
        password_hash=_hasher.hash(password),
        role_code=role,
        unit_id=unit.id if unit else None,
    )
    s.add(user)
    s.flush()
    return user


def set_password(s: Session, user: User | str, password: str) -> User:
    """A new password (argon2); every session and token of the user is revoked, so a
    changed password signs out everywhere, this browser included."""
    if isinstance(user, str):
        found = s.scalar(select(User).where(User.username == user.strip()))
        if found is None:
            raise InputError(f"Không có tài khoản '{user}'.", "Kiểm tra lại tên đăng nhập.")
        user = found
    check_password(password, user.username)
    user.password_hash = _hasher.hash(password)
    for token in s.scalars(select(AuthToken).where(AuthToken.user_id == user.id)):
        token.revoked = True
    s.flush()
    return user


def ensure_unit(s: Session, code: str, name: str = "") -> Unit:
    unit = s.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        check_unit_code(code)
        unit = Unit(code=code, name=name or code)
        s.add(unit)
        s.flush()
    return unit


def authenticate(s: Session, username: str, password: str) -> User | None:
    user = s.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        _hasher.hash(password)  # same cost either way: no user enumeration by timing
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def issue_token(s: Session, user: User, kind: str, hours: float | None, label: str = "") -> str:
    """A new random token; only its hash is stored. `hours=None`: no expiry (API tokens)."""
    token = secrets.token_urlsafe(32)
    s.add(
        AuthToken(
            user_id=user.id,
            token_hash=token_hash(token),
            kind=kind,
            label=label,
            expires_at=utcnow() + timedelta(hours=hours) if hours else None,
        )
    )
    s.flush()
    return token


def user_for_token(s: Session, token: str) -> User | None:
    """The active user holding this unexpired, unrevoked token (checked in one query)."""
    return s.scalar(_USER_FOR_TOKEN, {"hash": token_hash(token), "now": utcnow()})


# Built once: this runs on every request, and building the statement costs more than running it.
_USER_FOR_TOKEN = (
    select(User)
    .join(AuthToken, AuthToken.user_id == User.id)
    .where(
        AuthToken.token_hash == bindparam("hash"),
        AuthToken.revoked.is_(False),
        or_(AuthToken.expires_at.is_(None), AuthToken.expires_at >= bindparam("now", type_=UTCDateTime)),
        User.active.is_(True),
    )
    .options(lazyload(User.role))  # the role's name comes from ROLES; the unit is joined
)


def revoke(s: Session, token: str) -> None:
    row = s.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash(token)))
    if row is not None:
        row.revoked = True


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_active(s: Session, user: User, active: bool) -> None:
    """Deactivate (or reactivate) an account; deactivating revokes every session and token."""
    user.active = active
    if not active:
        for token in s.scalars(select(AuthToken).where(AuthToken.user_id == user.id)):
            token.revoked = True
    s.flush()


def tokens_of(s: Session, user_id: int) -> list[AuthToken]:
    """The user's unrevoked sessions and API tokens, newest first."""
    q = select(AuthToken).where(AuthToken.user_id == user_id, AuthToken.revoked.is_(False))
    return list(s.scalars(q.order_by(AuthToken.id.desc())))
