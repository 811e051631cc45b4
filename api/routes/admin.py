"""Administration: users, units, the audit trail, and the speaker registry."""

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select

import db
from api.deps import ADMIN, DB, Admin, Drafter, Preparer, all_units, audit
from api.schemas import (
    AuditOut,
    SpeakerIn,
    SpeakerOut,
    TokenInfo,
    UnitIn,
    UnitOut,
    UserIn,
    UserOut,
    UserPatch,
)
from db import accounts
from ketluan.errors import ConflictError, InputError, NotFoundError

router = APIRouter(tags=["Quản trị"])


@router.get("/api/users", response_model=list[UserOut])
def list_users(user: Admin, s: DB) -> list[UserOut]:
    """Tất cả tài khoản."""
    return [UserOut.of(u) for u in s.scalars(select(db.User).order_by(db.User.username))]


@router.post("/api/users", response_model=UserOut, status_code=201)
def create_user(body: UserIn, request: Request, user: Admin, s: DB) -> UserOut:
    """Tạo tài khoản (mật khẩu được băm bằng argon2)."""
    created = accounts.create_user(s, body.username, body.password, body.role, body.unit_code, body.full_name)
    audit(s, request, user, "create", "user", created.id, role=body.role)
    s.commit()
    return UserOut.of(created)


@router.patch("/api/users/{user_id}", response_model=UserOut)
def update_user(user_id: int, body: UserPatch, request: Request, user: Admin, s: DB) -> UserOut:
    """Sửa một tài khoản: khóa (`active: false`) hoặc mở lại, họ tên, vai trò, đơn vị, đặt lại
    mật khẩu. Khóa hay đặt lại mật khẩu thì mọi phiên đăng nhập và mã truy cập API của người đó
    bị thu hồi ngay."""
    target = s.get(db.User, user_id)
    if target is None:
        raise NotFoundError(f"Không có tài khoản #{user_id}.", "Xem danh sách tài khoản.")
    if target.id == user.id and (body.active is False or (body.role and body.role != ADMIN)):
        raise InputError(
            "Không thể tự khóa hay bỏ quyền quản trị của mình.", "Nhờ một quản trị viên khác làm việc này."
        )
    changed = sorted(k for k, v in body.model_dump(exclude_none=True).items() if k != "password")
    if body.unit_code is not None or body.role is not None:
        unit_code = body.unit_code if body.unit_code is not None else (target.unit.code if target.unit else "")
        role = body.role or target.role_code
        unit = s.scalar(select(db.Unit).where(db.Unit.code == unit_code)) if unit_code else None
        if unit_code and unit is None:
            raise InputError(f"Không có đơn vị mã '{unit_code}'.", "Chọn đơn vị trong danh sách.")
        if unit is None and role != ADMIN:
            raise InputError("Người dùng cần thuộc một đơn vị.", "Chọn đơn vị ở ô Đơn vị.")
        target.role_code, target.unit = role, unit
    if body.full_name is not None:
        target.full_name = body.full_name.strip()
    if body.password is not None:
        accounts.set_password(s, target, body.password)  # the policy, and every session revoked
        changed.append("password")
    if body.active is not None:
        accounts.set_active(s, target, body.active)
    audit(s, request, user, "update", "user", target.id, fields=changed, active=body.active)
    s.commit()
    return UserOut.of(target)


@router.get("/api/users/{user_id}/tokens", response_model=list[TokenInfo])
def user_tokens(user_id: int, user: Admin, s: DB) -> list[db.AuthToken]:
    """Các phiên và mã truy cập còn hiệu lực của một tài khoản (thu hồi: DELETE /api/auth/tokens/{id})."""
    if s.get(db.User, user_id) is None:
        raise NotFoundError(f"Không có tài khoản #{user_id}.", "Xem danh sách tài khoản.")
    return accounts.tokens_of(s, user_id)


@router.get("/api/units", response_model=list[UnitOut])
def list_units(user: Admin, s: DB) -> list[db.Unit]:
    """Các đơn vị / văn phòng."""
    return list(s.scalars(select(db.Unit).order_by(db.Unit.code)))


@router.post("/api/units", response_model=UnitOut, status_code=201)
def create_unit(body: UnitIn, request: Request, user: Admin, s: DB) -> db.Unit:
    """Tạo đơn vị."""
    accounts.check_unit_code(body.code)
    if s.scalar(select(db.Unit.id).where(db.Unit.code == body.code)):
        raise ConflictError(f"Đơn vị mã '{body.code}' đã có.", "Chọn mã khác.")
    unit = accounts.ensure_unit(s, body.code, body.name)
    audit(s, request, user, "create", "unit", unit.id)
    s.commit()
    return unit


@router.get("/api/audit", response_model=list[AuditOut])
def list_audit(
    request: Request,
    user: Admin,
    s: DB,
    meeting_id: Annotated[int | None, Query()] = None,
    username: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    action: Annotated[str | None, Query(max_length=32, description="read, download, update…")] = None,
    object_type: Annotated[str | None, Query(max_length=32, description="audio, transcript, draft, meeting…")] = None,
    since: Annotated[dt.date | None, Query(description="Từ ngày (giờ địa phương), kể cả ngày đó.")] = None,
    until: Annotated[dt.date | None, Query(description="Đến ngày (giờ địa phương), kể cả ngày đó.")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[db.AuditEvent]:
    """Nhật ký truy cập: ai đọc/tải gì, lúc nào, từ đâu. Mới nhất trước; lọc theo người, việc
    (đọc, tải về, sửa…), loại (bản ghi, bản chép lời, dự thảo…), cuộc họp và khoảng ngày."""
    q = select(db.AuditEvent)
    if meeting_id is not None:
        q = q.where(db.AuditEvent.meeting_id == meeting_id)
    if username:
        q = q.where(db.AuditEvent.username == username)
    if action:
        q = q.where(db.AuditEvent.action == action)
    if object_type:
        q = q.where(db.AuditEvent.object_type == object_type)
    zone = ZoneInfo(request.app.state.settings.tracking_timezone)
    if since is not None:
        q = q.where(db.AuditEvent.at >= dt.datetime.combine(since, dt.time(), zone))
    if until is not None:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone)
        q = q.where(db.AuditEvent.at < end)
    return list(s.scalars(q.order_by(db.AuditEvent.id.desc()).offset(offset).limit(limit)))


@router.get("/api/speakers", response_model=list[SpeakerOut])
def list_speakers(user: Preparer, s: DB) -> list[SpeakerOut]:
    """Danh bạ người nói của đơn vị (dùng để gán tên theo giọng)."""
    q = (
        select(db.Speaker, func.count(db.Voiceprint.id), db.Unit.name)
        .outerjoin(db.Voiceprint)
        .join(db.Unit, db.Unit.id == db.Speaker.unit_id)
    )
    if not all_units(user):
        q = q.where(db.Speaker.unit_id == user.unit_id)
    rows = s.execute(q.group_by(db.Speaker.id, db.Unit.name).order_by(db.Speaker.name))
    return [
        SpeakerOut(
            id=sp.id,
            name=sp.name,
            title=sp.title,
            organisation=sp.organisation,
            voiceprints=n,
            unit_name=unit,
        )
        for sp, n, unit in rows
    ]


@router.post("/api/speakers", response_model=SpeakerOut, status_code=201)
def create_speaker(body: SpeakerIn, request: Request, user: Drafter, s: DB) -> SpeakerOut:
    """Thêm một người vào danh bạ người nói của đơn vị (rồi ghi danh giọng nói của họ:
    `POST /api/speakers/{id}/voiceprints`)."""
    unit_id = user.unit_id
    if all_units(user) and body.unit_code:
        unit = s.scalar(select(db.Unit).where(db.Unit.code == body.unit_code))
        if unit is None:
            raise InputError(f"Không có đơn vị mã '{body.unit_code}'.", "Chọn đơn vị trong danh sách.")
        unit_id = unit.id
    if unit_id is None:
        raise InputError("Chưa chọn đơn vị sở hữu danh bạ người nói.", "Quản trị viên cần chọn đơn vị (unit_code).")
    sp = db.Speaker(unit_id=unit_id, **body.model_dump(exclude={"unit_code"}))
    s.add(sp)
    s.flush()
    audit(s, request, user, "create", "speaker", sp.id)
    s.commit()
    return SpeakerOut(
        id=sp.id,
        name=sp.name,
        title=sp.title,
        organisation=sp.organisation,
        unit_name=s.get_one(db.Unit, unit_id).name,
    )
