"""Drafts of the notice (.docx): generate (drafting/ on the cpu queue), list, download, upload."""

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

import db
from api.deps import DB, Drafter, OfficeReader, audit, visible_meeting
from api.routes.audio import UPLOAD_DOC
from api.schemas import DraftOut, JobOut
from api.upload import Received, receive_file
from db.audio import check_not_busy
from db.models import STAGE_CPU
from ketluan.errors import NotFoundError
from services import drafts, jobs, meeting_jobs

router = APIRouter(prefix="/api/meetings/{meeting_id}/drafts", tags=["Dự thảo thông báo"])
MAX_DOCX_BYTES = 50 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.post("", response_model=JobOut, status_code=202)
def generate_draft(meeting_id: int, request: Request, user: Drafter, s: DB) -> JobOut:
    """Soạn dự thảo thông báo kết luận từ bản chép lời mới nhất (chạy ở hàng đợi cpu)."""
    meeting = visible_meeting(s, user, meeting_id)
    if meeting.audio_id is None or not drafts.latest_version(s, db.TranscriptVersion, meeting.id):
        raise NotFoundError("Cuộc họp chưa có bản chép lời.", "Tải bản ghi lên và chờ chép lời xong.")
    check_not_busy(s, meeting)
    job = meeting_jobs.create(s, meeting.id, meeting.audio_id, user.id)
    job.stage, job.state = STAGE_CPU, db.DRAFTING
    audit(s, request, user, "create", "draft_job", job.id, meeting.id)
    s.commit()
    jobs.dispatch(request.app.state.send, job)
    return JobOut.of(job)


@router.get("", response_model=list[DraftOut])
def list_drafts(meeting_id: int, user: OfficeReader, s: DB) -> list[db.DraftVersion]:
    """Các phiên bản dự thảo, cũ nhất trước."""
    meeting = visible_meeting(s, user, meeting_id)
    return list(
        s.scalars(
            select(db.DraftVersion).where(db.DraftVersion.meeting_id == meeting.id).order_by(db.DraftVersion.version)
        )
    )


@router.get("/{version}", response_class=FileResponse)
def download_draft(meeting_id: int, version: int, request: Request, user: OfficeReader, s: DB) -> FileResponse:
    """Tải một phiên bản dự thảo (.docx); được ghi vào nhật ký truy cập."""
    meeting = visible_meeting(s, user, meeting_id)
    draft = drafts.find(s, meeting.id, version)
    audit(s, request, user, "download", "draft", draft.id, meeting.id, version=version)
    s.commit()
    return FileResponse(
        request.app.state.store.path(draft.storage_path),
        media_type=DOCX,
        filename=f"du-thao-{meeting.id}-v{draft.version}.docx",
    )


@router.post("/upload", response_model=DraftOut, status_code=201, openapi_extra=UPLOAD_DOC)
async def upload_draft(meeting_id: int, request: Request, user: Drafter, s: DB) -> db.DraftVersion:
    """Tải lên bản .docx đã chỉnh sửa (trường `file`); lưu thành phiên bản dự thảo mới."""
    state = request.app.state
    meeting = await run_in_threadpool(visible_meeting, s, user, meeting_id)
    with state.store.incoming() as tmp:
        got = await receive_file(request, tmp, min(MAX_DOCX_BYTES, state.settings.max_upload_bytes))
        await run_in_threadpool(drafts.check_upload, tmp, got.filename, meeting)
        return await run_in_threadpool(_save_upload, request, s, user, meeting, got)


def _save_upload(request: Request, s: Session, user: db.User, meeting: db.Meeting, got: Received) -> db.DraftVersion:
    relative = request.app.state.store.commit(got.path, got.sha256, drafts.DOCX_SUFFIX)
    draft = drafts.add_version(
        s,
        meeting,
        "uploaded",
        drafts.Stored(relative, got.sha256, got.size),
        original_name=got.filename,
        created_by=user.id,
    )
    audit(s, request, user, "create", "draft", draft.id, meeting.id, version=draft.version)
    s.commit()
    return draft
