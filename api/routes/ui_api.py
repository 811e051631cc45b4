"""JSON endpoints the web pages need beyond the service API: password change, restoring a
transcript version, a draft's conclusion (items and tasks), editing a draft's tasks, what
changed in an uploaded .docx, and the installed models. Same rules as every route: Allow(...)."""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

import db
from api.deps import DB, Account, Admin, Drafter, OfficeReader, audit, check_password, visible_meeting
from api.middleware import LARGE_BODY, SMALL_BODY
from api.schemas import DraftOut, In, Name, TranscriptOut
from db import accounts
from drafting.docxkit import PageStyle
from ketluan.errors import InputError
from models.store import ModelStore
from services import drafts, transcripts

router = APIRouter(tags=["Giao diện web"])


class PasswordIn(In):
    old_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class RestoreIn(In):
    version: int = Field(ge=1)


class TaskEditIn(In):
    id: str = Field(default="", max_length=64)
    leads: list[Name] = Field(default_factory=list, max_length=50)
    supports: list[Name] = Field(default_factory=list, max_length=50)
    action: str = Field(min_length=1, max_length=5000)
    deadline_phrase: str = Field(default="", max_length=255)


class DraftEditIn(In):
    base_version: int = Field(ge=1, description="Phiên bản dự thảo có phần kết luận được sửa.")
    tasks: list[TaskEditIn] = Field(max_length=500)


class ConclusionOut(BaseModel):
    version: int
    source: str
    conclusion: dict[str, Any] | None


class ChangesOut(BaseModel):
    version: int
    compared_with: int | None
    added: list[str]
    removed: list[str]
    changed: list[dict[str, str]]
    unchanged: int


class ModelOut(BaseModel):
    name: str
    kind: str
    installed: bool
    default: bool
    size: int
    description: str


@router.post("/api/auth/password", status_code=204, openapi_extra=SMALL_BODY)
def change_password(body: PasswordIn, request: Request, user: Account, s: DB) -> None:
    """Đổi mật khẩu của chính mình (cần mật khẩu cũ)."""
    if check_password(request, s, user.username, body.old_password) is None:
        # 400, not 401: the session is fine, only the typed password is wrong.
        raise InputError("Mật khẩu hiện tại không đúng.", "Nhập lại mật khẩu hiện tại.")
    if body.new_password == body.old_password:
        raise InputError("Mật khẩu mới trùng mật khẩu cũ.", "Chọn một mật khẩu khác.")
    accounts.set_password(s, user, body.new_password)
    audit(s, request, user, "update", "password", user.id)
    s.commit()


@router.post("/api/meetings/{meeting_id}/transcript/restore", response_model=TranscriptOut)
def restore_transcript(meeting_id: int, body: RestoreIn, request: Request, user: Drafter, s: DB) -> TranscriptOut:
    """Khôi phục một phiên bản cũ: chép nó thành phiên bản mới nhất (không xóa gì)."""
    meeting = visible_meeting(s, user, meeting_id)
    tv = transcripts.restore(s, meeting, body.version, user.id)
    audit(s, request, user, "update", "transcript", tv.id, meeting.id, restored=body.version)
    s.commit()
    return TranscriptOut.of(tv)


@router.get("/api/meetings/{meeting_id}/drafts/{version}/conclusion", response_model=ConclusionOut)
def draft_conclusion(meeting_id: int, version: int, request: Request, user: OfficeReader, s: DB) -> ConclusionOut:
    """Phần kết luận và bảng nhiệm vụ của một phiên bản dự thảo (bản tải lên: đọc từ .docx)."""
    meeting = visible_meeting(s, user, meeting_id)
    draft = drafts.find(s, meeting.id, version)
    data = drafts.conclusion_of(request.app.state.store, draft)
    audit(s, request, user, "read", "draft", draft.id, meeting.id, version=draft.version, part="conclusion")
    s.commit()
    return ConclusionOut(version=draft.version, source=draft.source, conclusion=data)


@router.post(
    "/api/meetings/{meeting_id}/drafts/edit", response_model=DraftOut, status_code=201, openapi_extra=LARGE_BODY
)
async def edit_draft(meeting_id: int, body: DraftEditIn, request: Request, user: Drafter, s: DB):
    """Sửa bảng nhiệm vụ của một dự thảo đã soạn và tạo lại tệp .docx (phiên bản mới)."""
    return await run_in_threadpool(_edit_draft, meeting_id, body, request, user, s)


def _edit_draft(meeting_id: int, body: DraftEditIn, request: Request, user: db.User, s: Session):
    meeting = visible_meeting(s, user, meeting_id)
    page = PageStyle.from_settings(request.app.state.settings)
    draft = drafts.edit(s, request.app.state.store, meeting, body.base_version, body.tasks, user.id, page)
    audit(s, request, user, "create", "draft", draft.id, meeting.id, edited=body.base_version)
    s.commit()
    return draft


@router.get("/api/meetings/{meeting_id}/drafts/{version}/changes", response_model=ChangesOut)
def draft_changes(meeting_id: int, version: int, request: Request, user: OfficeReader, s: DB) -> ChangesOut:
    """Nhiệm vụ thêm, bỏ, sửa trong phiên bản này so với phiên bản trước đó."""
    meeting = visible_meeting(s, user, meeting_id)
    draft = drafts.find(s, meeting.id, version)
    found = drafts.changes(s, request.app.state.store, draft)
    audit(s, request, user, "read", "draft", draft.id, meeting.id, version=draft.version, part="changes")
    s.commit()
    return ChangesOut(
        version=draft.version,
        compared_with=found.compared_with,
        added=found.added,
        removed=found.removed,
        changed=found.changed,
        unchanged=found.unchanged,
    )


@router.get("/api/models", response_model=list[ModelOut])
def list_models(request: Request, user: Admin) -> list[ModelOut]:
    """Các mô hình trong kho mô hình cục bộ (chỉ xem)."""
    store = ModelStore(request.app.state.settings.model_store_dir)
    return [
        ModelOut(
            name=m.name,
            kind=m.kind,
            installed=m.installed,
            default=m.default,
            size=m.size,
            description=m.description,
        )
        for m in store.status()
    ]
