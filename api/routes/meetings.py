"""Meetings: create, list, get, update, delete (within the user's unit)."""

import unicodedata
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select

import db
from api.deps import (
    DB,
    OfficeReader,
    Preparer,
    Recorder,
    all_units,
    audit,
    visible_meeting,
)
from api.middleware import LARGE_BODY
from api.schemas import (
    JobOut,
    MeetingDetail,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MeetingsState,
    NoticePatch,
)
from db import accounts
from db.audio import check_not_busy
from db.cleanup import remove_now
from ketluan.errors import ConflictError, InputError
from services.drafts import latest_version

router = APIRouter(prefix="/api/meetings", tags=["Cuộc họp"])


@router.post("", response_model=MeetingOut, status_code=201, openapi_extra=LARGE_BODY)
def create_meeting(body: MeetingIn, request: Request, user: Recorder, s: DB) -> db.Meeting:
    """Tạo cuộc họp (văn thư nhập thông tin cuộc họp)."""
    unit_id = user.unit_id
    if all_units(user) and body.unit_code:
        unit_id = accounts.ensure_unit(s, body.unit_code).id
    if unit_id is None:
        raise InputError("Chưa chọn đơn vị sở hữu cuộc họp.", "Quản trị viên cần gửi unit_code.")
    meeting = db.Meeting(unit_id=unit_id, created_by=user.id, **body.model_dump(exclude={"unit_code"}))
    s.add(meeting)
    s.flush()
    audit(s, request, user, "create", "meeting", meeting.id, meeting.id)
    s.commit()
    return meeting


@router.get("", response_model=list[MeetingOut])
def list_meetings(
    user: OfficeReader,
    s: DB,
    q: Annotated[str | None, Query(max_length=200, description="Tìm trong tiêu đề.")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[db.Meeting]:
    """Các cuộc họp của đơn vị mình, mới nhất trước."""
    query = select(db.Meeting)
    if not all_units(user):
        query = query.where(db.Meeting.unit_id == user.unit_id)
    if q and fold(q):
        # Vietnamese capitals ("HỌP") and words typed without diacritics ("giai ngan") match:
        # both sides folded in Python, as neither SQLite's LIKE nor PostgreSQL's ILIKE does it
        wanted = fold(q)
        titles = s.execute(query.with_only_columns(db.Meeting.id, db.Meeting.title))
        ids = [i for i, title in titles if wanted in fold(title or "")]
        query = query.where(db.Meeting.id.in_(ids))
    query = query.order_by(db.Meeting.id.desc()).offset(offset).limit(limit)
    return list(s.scalars(query))


def fold(text: str) -> str:
    """Lower case, no diacritics, one space: "Họp  GIẢI NGÂN" → "hop giai ngan" (NFC or not)."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d").replace("Đ", "d"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


@router.get("/changes", response_model=MeetingsState)
def meetings_state(user: OfficeReader, s: DB) -> MeetingsState:
    """Dấu hiệu thay đổi của các cuộc họp mình xem được: trang danh sách hỏi định kỳ và chỉ tải
    lại danh sách khi `key` đổi (có cuộc họp mới, bị xóa, được sửa, công việc mới hoặc vừa xong)."""
    meetings = select(func.count(db.Meeting.id), func.max(db.Meeting.id), func.max(db.Meeting.updated_at))
    jobs = select(func.max(db.Job.id), func.count(db.Job.id).filter(db.Job.state.in_(db.FINAL_STATES))).join(
        db.Meeting, db.Meeting.id == db.Job.meeting_id
    )
    if not all_units(user):
        meetings = meetings.where(db.Meeting.unit_id == user.unit_id)
        jobs = jobs.where(db.Meeting.unit_id == user.unit_id)
    count, latest, updated = s.execute(meetings).one()
    latest_job, finished = s.execute(jobs).one()
    return MeetingsState.of(count, latest, updated, latest_job, finished)


@router.get("/{meeting_id}", response_model=MeetingDetail)
def get_meeting(meeting_id: int, user: OfficeReader, s: DB) -> MeetingDetail:
    """Một cuộc họp, với công việc gần nhất và số phiên bản chép lời/dự thảo."""
    meeting = visible_meeting(s, user, meeting_id)
    job = s.scalars(select(db.Job).where(db.Job.meeting_id == meeting.id).order_by(db.Job.id.desc())).first()
    detail = MeetingDetail.model_validate(meeting)
    detail.latest_job = JobOut.of(job) if job else None
    detail.transcript_version = latest_version(s, db.TranscriptVersion, meeting.id)
    detail.draft_version = latest_version(s, db.DraftVersion, meeting.id)
    return detail


@router.patch("/{meeting_id}", response_model=MeetingOut, openapi_extra=LARGE_BODY)
def update_meeting(meeting_id: int, body: MeetingPatch, request: Request, user: Recorder, s: DB) -> db.Meeting:
    """Sửa thông tin cuộc họp (chỉ các trường gửi lên)."""
    meeting = visible_meeting(s, user, meeting_id)
    changes = body.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None and key not in ("date",):
            continue
        setattr(meeting, key, value)
    audit(s, request, user, "update", "meeting", meeting.id, meeting.id, fields=sorted(changes))
    s.commit()
    return meeting


@router.patch("/{meeting_id}/notice", response_model=MeetingOut)
def update_notice(meeting_id: int, body: NoticePatch, request: Request, user: Preparer, s: DB) -> db.Meeting:
    """Sửa số thông báo, người kết luận, người ký và nơi nhận của thông báo."""
    meeting = visible_meeting(s, user, meeting_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    for key, value in changes.items():
        setattr(meeting, key, value)
    audit(s, request, user, "update", "meeting", meeting.id, meeting.id, fields=sorted(changes))
    s.commit()
    return meeting


@router.delete("/{meeting_id}", status_code=204)
def delete_meeting(meeting_id: int, request: Request, user: Recorder, s: DB) -> None:
    """Xóa cuộc họp cùng công việc, bản chép lời, dự thảo và các tệp của nó (bản ghi âm được
    giữ nếu một cuộc họp hay giọng nói khác còn dùng). Không xóa được khi đang xử lý."""
    meeting = visible_meeting(s, user, meeting_id)
    try:
        check_not_busy(s, meeting)
    except ConflictError as e:
        raise ConflictError(e.message, "Chờ công việc xong, hoặc bấm “Hủy” ở danh sách cuộc họp rồi xóa.") from None
    audio_ids = {i for i in s.scalars(select(db.Job.audio_id).where(db.Job.meeting_id == meeting.id)) if i}
    if meeting.audio_id:
        audio_ids.add(meeting.audio_id)
    paths = list(s.scalars(select(db.DraftVersion.storage_path).where(db.DraftVersion.meeting_id == meeting.id)))
    audit(
        s,
        request,
        user,
        "delete",
        "meeting",
        meeting.id,
        meeting.id,
        title=meeting.title,
        audio=meeting.audio.original_name if meeting.audio else None,
    )
    s.delete(meeting)
    s.commit()
    remove_now(s, request.app.state.store, sorted(audio_ids), paths)
    s.commit()
