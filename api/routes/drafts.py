"""Drafts of the notice (.docx): generate (drafting/ on the cpu queue), list, download, upload."""

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

import db
from api.deps import ADMIN, DB, EVERYONE, TONG_HOP, Allow, audit, visible_meeting
from api.routes.audio import UPLOAD_DOC
from api.schemas import DraftOut, JobOut
from api.upload import receive_file
from db.audio import check_not_busy
from db.models import STAGE_CPU
from ketluan.errors import DocumentError, NotFoundError
from ketluan.officefile import check_office_file
from services import jobs, meeting_jobs

router = APIRouter(prefix="/api/meetings/{meeting_id}/drafts", tags=["Dự thảo thông báo"])
Reader = Annotated[db.User, Depends(Allow(*EVERYONE))]
Drafter = Annotated[db.User, Depends(Allow(ADMIN, TONG_HOP))]
MAX_DOCX_BYTES = 50 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.post("", response_model=JobOut, status_code=202)
def generate_draft(meeting_id: int, request: Request, user: Drafter, s: DB) -> JobOut:
    """Soạn dự thảo thông báo kết luận từ bản chép lời mới nhất (chạy ở hàng đợi cpu)."""
    meeting = visible_meeting(s, user, meeting_id)
    if meeting.audio_id is None or not _latest(s, db.TranscriptVersion, meeting.id):
        raise NotFoundError(
            "Cuộc họp chưa có bản chép lời.", "Tải bản ghi lên và chờ chép lời xong."
        )
    check_not_busy(s, meeting)
    job = meeting_jobs.create(s, meeting.id, meeting.audio_id, user.id)
    job.stage, job.state = STAGE_CPU, db.DRAFTING
    audit(s, request, user, "create", "draft_job", job.id, meeting.id)
    s.commit()
    jobs.dispatch(request.app.state.send, job)
    return JobOut.of(job)


@router.get("", response_model=list[DraftOut])
def list_drafts(meeting_id: int, user: Reader, s: DB) -> list[db.DraftVersion]:
    """Các phiên bản dự thảo, cũ nhất trước."""
    meeting = visible_meeting(s, user, meeting_id)
    return list(
        s.scalars(
            select(db.DraftVersion)
            .where(db.DraftVersion.meeting_id == meeting.id)
            .order_by(db.DraftVersion.version)
        )
    )


@router.get("/{version}", response_class=FileResponse)
def download_draft(
    meeting_id: int, version: int, request: Request, user: Reader, s: DB
) -> FileResponse:
    """Tải một phiên bản dự thảo (.docx); được ghi vào nhật ký truy cập."""
    meeting = visible_meeting(s, user, meeting_id)
    draft = s.scalar(
        select(db.DraftVersion).where(
            db.DraftVersion.meeting_id == meeting.id, db.DraftVersion.version == version
        )
    )
    if draft is None:
        raise NotFoundError(
            f"Cuộc họp #{meeting.id} chưa có dự thảo phiên bản {version}.",
            "Xem danh sách dự thảo.",
        )
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
        await run_in_threadpool(check_docx, tmp, got.filename)
        await run_in_threadpool(check_our_notice, tmp, got.filename, meeting)
        return await run_in_threadpool(_save_upload, request, s, user, meeting, got)


def check_docx(path, shown: str) -> None:
    """The office-file safety check (zip bomb, macros, XML tricks, path names), then python-docx
    must open it: anything Word would not open is refused."""
    from docx import Document

    check_office_file(path, "docx", DocumentError, shown)
    try:
        Document(str(path))
    except Exception:
        raise DocumentError(
            f"Tệp '{shown}' không phải tệp Word .docx đọc được.",
            "Lưu lại văn bản trong Word hoặc LibreOffice dưới dạng .docx rồi tải lên lại.",
        ) from None


def check_our_notice(path, shown: str, meeting: db.Meeting) -> None:
    """The edited draft must be this meeting's notice: a "THÔNG BÁO" whose properties ketluan
    wrote for this meeting's date, or whose trích yếu or number is this meeting's. Anything else
    (the transcript export, the minutes, another meeting's notice) is refused by name."""
    from docx import Document

    from drafting.reader import stored_date
    from tracking.units import key

    doc = Document(str(path))
    lines = [" ".join(p.text.split()) for p in doc.paragraphs if p.text.strip()]
    cells = [" ".join(c.text.split()) for t in doc.tables[:1] for r in t.rows for c in r.cells]
    at = next((k for k, line in enumerate(lines[:20]) if line.upper() == "THÔNG BÁO"), None)
    is_notice = at is not None
    # the trích yếu (the lines under THÔNG BÁO) and the header: not the body, which may
    # mention other meetings
    summary = []
    for line in lines[at + 1:at + 4] if at is not None else []:
        if re.fullmatch(r"[-_*\s]+", line) or line.lower().startswith("ngày "):
            break  # the rule under the trích yếu, or the body's first sentence
        summary.append(line)
    text = key(" ".join(summary + cells))
    ours = "ketluan" in (doc.core_properties.comments or "") and (
        meeting.date is None or stored_date(doc) == meeting.date)
    title = key(meeting.title or "")
    number = key(meeting.notice_number or "")
    same = ours or (len(title) >= 8 and title in text) or (
        bool(number) and re.search(r"số:?\s*" + re.escape(number), text) is not None)
    if not (is_notice and same):
        raise DocumentError(
            f"Tệp '{shown}' không phải thông báo kết luận của cuộc họp này.",
            f"Hãy chọn bản dự thảo của cuộc họp “{meeting.title}”: tải về bằng nút “Tải .docx” "
            "ở danh sách phiên bản dự thảo, sửa trong Word rồi tải lên lại (không chọn bản chép "
            "lời, biên bản hay thông báo của cuộc họp khác).")


def _save_upload(request: Request, s, user: db.User, meeting: db.Meeting, got) -> db.DraftVersion:
    relative = request.app.state.store.commit(got.path, got.sha256, ".docx")
    draft = db.DraftVersion(
        meeting_id=meeting.id,
        version=(_latest(s, db.DraftVersion, meeting.id) or 0) + 1,
        source="uploaded",
        sha256=got.sha256,
        size=got.size,
        storage_path=relative,
        original_name=got.filename,
        created_by=user.id,
    )
    s.add(draft)
    s.flush()
    audit(s, request, user, "create", "draft", draft.id, meeting.id, version=draft.version)
    s.commit()
    return draft


def _latest(s, model, meeting_id: int) -> int | None:
    return s.scalar(select(func.max(model.version)).where(model.meeting_id == meeting_id))
