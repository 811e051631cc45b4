"""Upload a meeting's recording (streamed, sniffed, de-duplicated, queued) and download it."""

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

import db
from api.deps import DB, Listener, Recorder, audit, visible_meeting
from api.schemas import AudioOut, JobOut, UploadOut
from api.upload import receive_file
from db.audio import check_not_busy, find_duplicate, store_audio
from ketluan.errors import ConflictError, NotFoundError
from services import jobs, meeting_jobs
from transcribe.sniff import sniff

router = APIRouter(prefix="/api/meetings/{meeting_id}/audio", tags=["Bản ghi âm"])

UPLOAD_DOC = {  # also marks the route as an upload: api/middleware.py BodyLimit
    "x-upload": True,
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    },
}


@router.post("", response_model=UploadOut, status_code=202, openapi_extra=UPLOAD_DOC)
async def upload_audio(meeting_id: int, request: Request, user: Recorder, s: DB) -> UploadOut:
    """Tải bản ghi lên (multipart, trường `file`) và xếp hàng chép lời.

    Tệp được ghi thẳng xuống đĩa theo từng khối, kiểm tra bằng PyAV trước khi xếp hàng;
    tệp trùng (cùng SHA-256) trong đơn vị bị từ chối với mã 409.
    """
    state = request.app.state
    meeting = await run_in_threadpool(visible_meeting, s, user, meeting_id)
    await run_in_threadpool(check_not_busy, s, meeting)
    with state.store.incoming() as tmp:  # removed on every error path
        got = await receive_file(request, tmp, state.settings.max_upload_bytes)
        info = await run_in_threadpool(sniff, tmp, got.filename)
        job = await run_in_threadpool(_register, request, s, user, meeting, got, info)
    jobs.dispatch(state.send, job)
    return UploadOut(meeting_id=meeting.id, audio=AudioOut.model_validate(meeting.audio), job=JobOut.of(job))


@router.get("", response_class=FileResponse)
def download_audio(meeting_id: int, request: Request, user: Listener, s: DB) -> FileResponse:
    """Tải bản ghi gốc về (được ghi vào nhật ký truy cập)."""
    meeting = visible_meeting(s, user, meeting_id)
    if meeting.audio is None:
        raise NotFoundError("Cuộc họp chưa có bản ghi âm.", "Văn thư cần tải bản ghi lên trước.")
    audit(s, request, user, "download", "audio", meeting.audio.id, meeting.id)
    s.commit()
    path = request.app.state.store.path(meeting.audio.storage_path)
    return FileResponse(path, filename=meeting.audio.original_name or f"ban-ghi-{meeting.id}")


def _register(request: Request, s, user: db.User, meeting: db.Meeting, got, info) -> db.Job:
    store = request.app.state.store
    for attempt in (1, 2):
        _refuse_duplicate(s, user, meeting, got.sha256)
        try:
            audio = store_audio(s, store, got.path, got.sha256, got.size, info, got.filename, user.id, meeting.unit_id)
            meeting.audio_id = audio.id
            s.flush()
            job = meeting_jobs.create(s, meeting.id, audio.id, user.id)
            audit(
                s,
                request,
                user,
                "create",
                "audio",
                audio.id,
                meeting.id,
                sha256=got.sha256,
                size=got.size,
                name=got.filename,
            )
            s.commit()
            s.refresh(meeting)
            return job
        except IntegrityError:
            # A concurrent upload of the same recording in this unit won the race between our
            # check and insert (rows are unique per unit and SHA-256): the check now says 409.
            s.rollback()
            if attempt == 2:
                raise
        except BaseException:
            s.rollback()
            # A stored file no row refers to must not stay behind (but never remove one
            # that a concurrent upload of the same content has just registered).
            if not s.scalar(select(db.AudioFile.id).where(db.AudioFile.sha256 == got.sha256)):
                store.path(f"{got.sha256[:2]}/{got.sha256[2:4]}/{got.sha256}").unlink(missing_ok=True)
            raise
    raise AssertionError("unreachable")


def _refuse_duplicate(s, user: db.User, meeting: db.Meeting, sha256: str) -> None:
    """409 if the meeting's own unit already has this recording. Other units' uploads of the
    same bytes are neither refused nor revealed: each unit has its own row (db/audio.py)."""
    duplicate = find_duplicate(s, sha256, meeting.unit_id)
    if duplicate is not None:
        raise ConflictError(
            f"Bản ghi này đã được tải lên cho cuộc họp #{duplicate.id} «{duplicate.title}».",
            "Mở cuộc họp đó để xem kết quả, hoặc chọn đúng tệp của cuộc họp này.",
            extra={"meeting_id": duplicate.id},
        )
