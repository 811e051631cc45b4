"""Job status (polling or Server-Sent Events), cancel, retry, and re-running a meeting."""

import asyncio
import json

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

import db
from api.deps import (
    DB,
    OfficeReader,
    Preparer,
    audit,
    visible_job,
    visible_meeting,
)
from api.schemas import JobOut
from db.audio import check_not_busy
from ketluan.errors import InputError
from services import jobs, meeting_jobs

router = APIRouter(tags=["Công việc"])
SSE_POLL_SECONDS = 0.5
SSE_KEEPALIVE_SECONDS = 15.0
SSE_MAX_SECONDS = 6 * 3600.0


@router.get("/api/jobs/{job_id}", response_model=JobOut)
async def get_job(job_id: int, user: OfficeReader, s: DB) -> JobOut:
    """Trạng thái và tiến độ (0–1 trong trạng thái hiện tại) của một công việc."""
    # The most frequent request (polled): async, with its query in one thread-pool hop. As a
    # plain def, FastAPI would spend one hop on the handler and another validating the result.
    return await run_in_threadpool(_status, s, user, job_id)


def _status(s, user: db.User, job_id: int) -> JobOut:
    job = JobOut.of(visible_job(s, user, job_id))
    s.rollback()  # end the read in this thread: no further hop to give the connection back
    return job


@router.get("/api/meetings/{meeting_id}/jobs", response_model=list[JobOut])
def list_jobs(meeting_id: int, user: OfficeReader, s: DB) -> list[JobOut]:
    """Các công việc của một cuộc họp, mới nhất trước."""
    meeting = visible_meeting(s, user, meeting_id)
    rows = s.scalars(select(db.Job).where(db.Job.meeting_id == meeting.id).order_by(db.Job.id.desc()))
    return [JobOut.of(j) for j in rows]


@router.get(
    "/api/jobs/{job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def job_events(job_id: int, request: Request, user: OfficeReader, s: DB) -> StreamingResponse:
    """Server-Sent Events: một sự kiện `job` mỗi khi trạng thái hoặc tiến độ đổi;
    luồng kết thúc khi công việc xong, lỗi hoặc bị hủy."""
    visible_job(s, user, job_id)
    sessions = request.app.state.sessions
    return StreamingResponse(
        _events(request, sessions, job_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},  # nginx: do not buffer
    )


@router.post("/api/jobs/{job_id}/cancel", response_model=JobOut)
def cancel_job(job_id: int, request: Request, user: Preparer, s: DB) -> JobOut:
    """Hủy công việc đang chờ hoặc đang chạy; máy xử lý dừng ở lần ghi tiến độ kế tiếp."""
    job = jobs.cancel(s, visible_job(s, user, job_id))
    meeting_jobs.drop_clip(s, request.app.state.store, job)  # an enrolment keeps no audio
    audit(s, request, user, "cancel", "job", job.id, job.meeting_id)
    s.commit()
    return JobOut.of(job)


@router.post("/api/jobs/{job_id}/retry", response_model=JobOut)
def retry_job(job_id: int, request: Request, user: Preparer, s: DB) -> JobOut:
    """Chạy lại công việc bị lỗi hoặc đã hủy."""
    job = meeting_jobs.retry(s, visible_job(s, user, job_id))
    audit(s, request, user, "retry", "job", job.id, job.meeting_id)
    s.commit()
    jobs.dispatch(request.app.state.send, job)
    return JobOut.of(job)


async def _events(request: Request, sessions, job_id: int):
    yield "retry: 2000\n\n"
    last = None
    loop = asyncio.get_running_loop()
    started = idle = loop.time()
    while loop.time() - started < SSE_MAX_SECONDS:
        if await request.is_disconnected():
            return
        job = await run_in_threadpool(_load, sessions, job_id)
        if job is None:
            yield _event("gone", {"id": job_id})
            return
        payload = JobOut.of(job).model_dump(mode="json")
        key = (payload["state"], payload["progress"], payload["attempts"])
        if key != last:
            last, idle = key, loop.time()
            yield _event("job", payload)
            if job.state in db.FINAL_STATES:
                return
        elif loop.time() - idle > SSE_KEEPALIVE_SECONDS:
            idle = loop.time()
            yield ": keep-alive\n\n"
        await asyncio.sleep(SSE_POLL_SECONDS)


def _load(sessions, job_id: int) -> db.Job | None:
    with sessions() as s:
        return s.get(db.Job, job_id)


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/api/meetings/{meeting_id}/rerun", response_model=JobOut, status_code=202)
def rerun_meeting(meeting_id: int, request: Request, user: Preparer, s: DB) -> JobOut:
    """Xử lý lại bản ghi của cuộc họp từ đầu (chép lời, nhận diện người nói, dự thảo), ví dụ
    sau khi sửa từ điển. Bản chép lời và dự thảo cũ được giữ; kết quả mới thành phiên bản mới."""
    meeting = visible_meeting(s, user, meeting_id)
    if meeting.audio_id is None:
        raise InputError(
            f"Cuộc họp #{meeting.id} chưa có bản ghi âm để xử lý lại.",
            "Bấm «Tải bản ghi lên» ở danh sách cuộc họp.",
        )
    check_not_busy(s, meeting)
    job = meeting_jobs.create(s, meeting.id, meeting.audio_id, user.id)
    audit(s, request, user, "rerun", "job", job.id, meeting.id)
    s.commit()
    jobs.dispatch(request.app.state.send, job)
    return JobOut.of(job)
