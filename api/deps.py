"""Dependencies: database session, the signed-in user, role checks, meeting visibility, audit.

Every route declares its roles with `Depends(Allow(...))`; the authorization test
walks app.routes and fails on any route without one (see tests/test_api_authz.py).
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

import db
from db import accounts, throttle
from ketluan.errors import AccessDenied, AuthError, NotFoundError
from ketluan.roles import CAPABILITIES, Can, Role, can, role_name
from ketluan.settings import Settings

SESSION_COOKIE = "ketluan_session"

ADMIN, VAN_THU, TONG_HOP, THEO_DOI, LANH_DAO, DON_VI = (
    Role.ADMIN,
    Role.VAN_THU,
    Role.TONG_HOP,
    Role.THEO_DOI,
    Role.LANH_DAO,
    Role.DON_VI,
)


async def get_db(request: Request) -> AsyncIterator[Session]:
    # async: creating a session does no I/O, so no thread-pool hop on the way in; on the way
    # out only a session that holds a connection needs one (its rollback talks to the server).
    s = request.app.state.sessions()
    try:
        yield s
    finally:
        if s.in_transaction():
            await run_in_threadpool(_end, s)
        else:
            s.close()


def _end(s: Session) -> None:
    s.rollback()  # routes commit what they mean to keep
    s.close()


DB = Annotated[Session, Depends(get_db)]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def bearer_or_cookie(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE)


def current_user(request: Request, s: DB) -> db.User:
    token = bearer_or_cookie(request)
    if not token:
        raise AuthError("Bạn chưa đăng nhập.", "Đăng nhập rồi thử lại.")
    user = accounts.user_for_token(s, token)
    if user is None:
        raise AuthError("Phiên đăng nhập đã hết hạn hoặc mã truy cập không hợp lệ.", "Đăng nhập lại.")
    return user


class Allow:
    """A route's access rule: the roles that may call it (signed-in users only)."""

    def __init__(self, *roles: str) -> None:
        self.roles = frozenset(Role(r) for r in roles)  # ValueError on an unknown role

    @classmethod
    def to(cls, capability: Can) -> "Allow":
        """The rule for one capability of ketluan/roles.py (how every route declares it)."""
        return cls(*CAPABILITIES[capability])

    async def __call__(self, user: Annotated[db.User, Depends(current_user)]) -> db.User:
        # async: no I/O here, so no thread-pool hop on every request
        if user.role_code not in self.roles:
            allowed = ", ".join(role_name(r) for r in sorted(self.roles))
            raise AccessDenied(
                f"Vai trò '{role_name(user.role_code)}' không được làm việc này.",
                f"Việc này dành cho: {allowed}.",
            )
        return user

    def __repr__(self) -> str:
        return f"Allow({', '.join(sorted(self.roles))})"


# Who may call a route: one alias per capability of ketluan/roles.py (routes use these, and
# only these, in their signatures).
Account = Annotated[db.User, Depends(Allow.to(Can.ACCOUNT))]
OfficeReader = Annotated[db.User, Depends(Allow.to(Can.READ_MEETINGS))]
Recorder = Annotated[db.User, Depends(Allow.to(Can.RECORD))]
Listener = Annotated[db.User, Depends(Allow.to(Can.LISTEN))]
Preparer = Annotated[db.User, Depends(Allow.to(Can.PREPARE))]
Drafter = Annotated[db.User, Depends(Allow.to(Can.DRAFT))]
TrackingReader = Annotated[db.User, Depends(Allow.to(Can.READ_TRACKING))]
Tracker = Annotated[db.User, Depends(Allow.to(Can.TRACK))]
TaskUpdater = Annotated[db.User, Depends(Allow.to(Can.UPDATE_TASKS))]
Admin = Annotated[db.User, Depends(Allow.to(Can.ADMINISTER))]


def all_units(user: db.User) -> bool:
    """Whether the user sees and acts for every unit (else only their own)."""
    return can(user.role_code, Can.ALL_UNITS)


def visible_meeting(s: Session, user: db.User, meeting_id: int) -> db.Meeting:
    """The meeting if this user's unit owns it (admins see all); 404 otherwise, not 403,
    so that other units' meeting ids are not revealed."""
    meeting = s.get(db.Meeting, meeting_id)
    if meeting is None or (not all_units(user) and meeting.unit_id != user.unit_id):
        raise NotFoundError(
            f"Không tìm thấy cuộc họp #{meeting_id}.",
            "Kiểm tra lại mã cuộc họp, hoặc cuộc họp thuộc đơn vị khác.",
        )
    return meeting


def visible_speaker(s: Session, user: db.User, speaker_id: int) -> db.Speaker:
    """A person of this user's unit's speaker registry (admins: any unit); 404 otherwise."""
    speaker = s.get(db.Speaker, speaker_id)
    if speaker is None or (not all_units(user) and speaker.unit_id != user.unit_id):
        raise NotFoundError(
            f"Không có người #{speaker_id} trong danh bạ người nói của đơn vị.",
            "Chọn người trong danh bạ, hoặc thêm người mới.",
        )
    return speaker


def visible_job(s: Session, user: db.User, job_id: int) -> db.Job:
    """The job if its meeting (an enrolment: its speaker) is visible to this user (one
    query: polled often)."""
    row = s.execute(_JOB_WITH_UNIT, {"job_id": job_id}).first()
    if row is None or (not all_units(user) and row[1] != user.unit_id):
        raise NotFoundError(f"Không tìm thấy công việc #{job_id}.", "Kiểm tra lại mã công việc.")
    return row[0]


_JOB_WITH_UNIT = (  # built once: job status is the most frequent request
    select(db.Job, func.coalesce(db.Meeting.unit_id, db.Speaker.unit_id))
    .outerjoin(db.Meeting, db.Meeting.id == db.Job.meeting_id)
    .outerjoin(db.Speaker, db.Speaker.id == db.Job.speaker_id)
    .where(db.Job.id == bindparam("job_id"))
)


def check_password(request: Request, s: Session, username: str, password: str) -> db.User | None:
    """accounts.authenticate behind the sign-in throttle (db/throttle.py): a locked account or
    address is refused (429) before the password is checked; the attempt is counted (and
    committed) before its password is checked, so parallel attempts cannot outrun the count;
    the failure that starts a lock is audited and refused."""
    policy = throttle.Policy.of(request.app.state.settings)
    ip = request.client.host if request.client else ""
    user_key, ip_key = throttle.keys(username, ip)
    limits = {user_key: policy.max_failures, ip_key: policy.ip_max_failures}
    throttle.check(s, [user_key, ip_key])
    attempts = []
    for key, limit in limits.items():
        attempt = throttle.reserve(s, key, limit, policy)
        if attempt is None:  # locked by a parallel attempt since check(): undo ours, refuse
            s.rollback()
            throttle.check(s, [user_key, ip_key])
            raise throttle.refusal(throttle.Lock(key, 1, limit))
        attempts.append(attempt)
    s.commit()
    user = accounts.authenticate(s, username, password)
    if user is not None:
        for attempt in attempts:
            throttle.succeeded(s, attempt, clear_count=attempt.key == user_key)
        s.commit()
        return user
    failed = [throttle.failed(s, a, limits[a.key], policy) for a in attempts]
    locks = [lock for lock in failed if lock is not None]
    if locks:  # the account, when it exists; the key names what was locked either way
        wanted = username.strip().lower()  # the lock ignores letter case, so does this
        known = s.scalar(select(db.User).where(func.lower(db.User.username) == wanted).limit(1))
    for lock in locks:
        audit(
            s,
            request,
            known,
            "lockout",
            "user",
            known.id if known else None,
            seconds=lock.seconds,
            scope=lock.scope,
            key=lock.key,
            failures=lock.failures,
        )
    s.commit()
    if locks:
        raise throttle.refusal(max(locks, key=lambda lock: lock.seconds))
    return None


def audit(
    s: Session,
    request: Request,
    user: db.User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    meeting_id: int | None = None,
    **detail,
) -> None:
    """Record who did what, when, from where. Behind nginx, uvicorn's proxy headers
    support (--forwarded-allow-ips) makes request.client the real client."""
    s.add(
        db.AuditEvent(
            user_id=user.id if user else None,
            username=user.username if user else "",
            action=action,
            object_type=object_type,
            object_id=object_id,
            meeting_id=meeting_id,
            ip=request.client.host if request.client else "",
            user_agent=request.headers.get("user-agent", "")[:255],
            detail=detail,
        )
    )
