"""The job state machine, kept in the database.

    queued → transcribing → diarizing → drafting → done;  failed, cancelled
    enrolment (kind "enrol", gpu stage only): queued → diarizing → done;  failed, cancelled

A worker *claims* a job with a conditional UPDATE that takes a lease; every
later write is guarded by that lease, so a worker that lost its job (swept
after it stalled, or cancelled by a user) stops at its next write instead of
adding rows. The sweeper (worker/sweeper.py) frees expired leases and re-sends.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, or_, select, update
from sqlalchemy.orm import Session

from db import (
    ACTIVE_STATES,
    CANCELLED,
    DIARIZING,
    DONE,
    DRAFTING,
    FAILED,
    FINAL_STATES,
    QUEUED,
    TRANSCRIBING,
    FileStore,
    Job,
    TranscriptVersion,
    utcnow,
)
from db.engine import rowcount
from db.models import KIND_ENROL, STAGE_CPU, STAGE_GPU
from ketluan.errors import InputError

log = logging.getLogger(__name__)

# The states a job can be in while it waits for, or runs, each stage.
STAGE_STATES = {STAGE_GPU: (QUEUED, TRANSCRIBING, DIARIZING), STAGE_CPU: (DRAFTING,)}
STAGE_ENTRY = {STAGE_GPU: QUEUED, STAGE_CPU: DRAFTING}
STAGE_FIRST_STATE = {STAGE_GPU: TRANSCRIBING, STAGE_CPU: DRAFTING}

Send = Callable[[int, str], None]


class LeaseLost(Exception):
    """The job was cancelled, finished, or taken over; the worker must stop quietly."""


def create(s: Session, meeting_id: int, audio_id: int, user_id: int | None) -> Job:
    return _queued(s, Job(meeting_id=meeting_id, audio_id=audio_id, created_by=user_id))


def create_enrolment(
    s: Session, speaker_id: int, clip: str, clip_name: str, user_id: int | None
) -> Job:
    """A job making a voiceprint for `speaker_id` from the clip at `clip` in the file store
    (removed when the job ends: a voiceprint is kept, never the audio)."""
    job = Job(
        kind=KIND_ENROL,
        speaker_id=speaker_id,
        params={"clip": clip, "clip_name": clip_name},
        created_by=user_id,
    )
    return _queued(s, job)


def _queued(s: Session, job: Job) -> Job:
    """Any new job starts queued for the gpu stage (an enrolment also runs on a GPU worker)."""
    job.state, job.stage, job.enqueued_at, job.log = QUEUED, STAGE_GPU, utcnow(), []
    s.add(job)
    s.flush()
    return job


def dispatch(send: Send, job: Job) -> None:
    """Send the Celery message for a job's pending stage. A failure is logged, not raised:
    the job stays queued in the database and the sweeper sends it again later."""
    for attempt in (1, 2):
        try:
            send(job.id, job.stage)
            return
        except Exception as exc:  # broker down: the row is the truth, the sweeper re-sends
            if attempt == 2:
                log.warning("job %s: could not send to the %s queue: %s", job.id, job.stage, exc)
            # Once more at once: a passing clash, e.g. the embedded SQLite broker's queue table
            # being created by the worker at the same moment (UNIQUE constraint on kombu_queue).


def claim(engine: Engine, job_id: int, stage: str, owner: str, lease_s: float) -> Job | None:
    """Take the job for `stage` if nobody holds it; None when it is not ours to run."""
    now = utcnow()
    with Session(engine, expire_on_commit=False) as s, s.begin():
        result = s.execute(
            update(Job)
            .where(
                Job.id == job_id,
                Job.stage == stage,
                Job.state.in_(STAGE_STATES[stage]),
                or_(Job.lease_until.is_(None), Job.lease_until < now),
            )
            .values(
                # an enrolment has no transcription: it starts with the diarization models
                state=case((Job.kind == KIND_ENROL, DIARIZING), else_=STAGE_FIRST_STATE[stage]),
                progress=0.0,
                lease_owner=owner,
                lease_until=now + timedelta(seconds=lease_s),
                attempts=Job.attempts + 1,
                started_at=now,
                error_code="",
                error_message="",
                error_hint="",
            )
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            return None
        return s.get(Job, job_id)


def touch(
    engine: Engine,
    job_id: int,
    owner: str,
    lease_s: float,
    state: str | None = None,
    progress: float | None = None,
) -> None:
    """Extend the lease (and set state/progress); raise LeaseLost if the job is no longer ours."""
    values: dict = {"lease_until": utcnow() + timedelta(seconds=lease_s)}
    if state is not None:
        values["state"] = state
    if progress is not None:
        values["progress"] = round(min(max(progress, 0.0), 1.0), 4)
    _guarded(engine, job_id, owner, values)


def add_note(engine: Engine, job_id: int, owner: str, note: str) -> None:
    with Session(engine, expire_on_commit=False) as s, s.begin():
        job = s.get(Job, job_id, with_for_update=True)
        if job is None or job.lease_owner != owner or job.state not in ACTIVE_STATES:
            raise LeaseLost(job_id)
        job.log = [*job.log, note]


def release_to(s: Session, job_id: int, owner: str, stage: str | None) -> Job:
    """Inside the caller's transaction: finish our stage and hand over to `stage` (None: done)."""
    job = s.get(Job, job_id, with_for_update=True)
    if job is None or job.lease_owner != owner or job.state not in ACTIVE_STATES:
        raise LeaseLost(job_id)
    now = utcnow()
    job.lease_owner = None
    job.lease_until = None
    if stage is None:
        job.state, job.progress, job.finished_at = DONE, 1.0, now
    else:
        job.stage, job.state, job.progress, job.enqueued_at = stage, STAGE_ENTRY[stage], 0.0, now
        # The next stage's claim adds one: it continues this attempt, it is not a retry.
        job.attempts -= 1
    return job


def fail(
    engine: Engine, job_id: int, owner: str | None, code: str, message: str, hint: str
) -> None:
    values = {
        "state": FAILED,
        "error_code": code,
        "error_message": message,
        "error_hint": hint,
        "finished_at": utcnow(),
        "lease_owner": None,
        "lease_until": None,
    }
    try:
        _guarded(engine, job_id, owner, values)
    except LeaseLost:
        log.info("job %s: not marked failed, it is no longer ours", job_id)


def cancel(s: Session, job: Job) -> Job:
    if job.state not in ACTIVE_STATES:
        raise InputError(
            f"Công việc #{job.id} đang ở trạng thái '{job.state}', không hủy được.",
            "Chỉ hủy được công việc đang chờ hoặc đang chạy.",
        )
    job.state, job.finished_at = CANCELLED, utcnow()
    job.lease_owner, job.lease_until = None, None
    return job


def retry(s: Session, job: Job) -> Job:
    """Run a failed or cancelled job again, from drafting if its transcript already exists."""
    if job.state not in (FAILED, CANCELLED):
        raise InputError(
            f"Công việc #{job.id} đang ở trạng thái '{job.state}', không cần chạy lại.",
            "Chỉ chạy lại được công việc bị lỗi hoặc đã hủy.",
        )
    if job.kind == KIND_ENROL:
        raise InputError(
            f"Công việc ghi danh giọng nói #{job.id} không chạy lại được: đoạn ghi âm đã được "
            "xóa khi công việc kết thúc (chỉ lưu vân tay giọng, không lưu âm thanh).",
            "Tải đoạn ghi âm lên lại để ghi danh.",
        )
    has_transcript = s.scalar(
        select(TranscriptVersion.id).where(TranscriptVersion.job_id == job.id)
    )
    job.stage = STAGE_CPU if has_transcript and job.stage == STAGE_CPU else STAGE_GPU
    job.state, job.progress, job.attempts = STAGE_ENTRY[job.stage], 0.0, 0
    job.error_code, job.error_message, job.error_hint = "", "", ""
    job.finished_at, job.enqueued_at = None, utcnow()
    return job


def drop_clip(s: Session, store: FileStore, job: Job) -> None:
    """Inside the caller's transaction: remove an ended enrolment's clip from the file store."""
    params = job.params or {}
    clip = params.get("clip")
    if job.kind != KIND_ENROL or job.state not in FINAL_STATES or not clip:
        return
    store.path(clip).unlink(missing_ok=True)
    job.params = {**params, "clip": None}


def held_elsewhere(job: Job, now: datetime) -> bool:
    return job.lease_until is not None and job.lease_until >= now


def _guarded(engine: Engine, job_id: int, owner: str | None, values: dict[str, Any]) -> None:
    with Session(engine, expire_on_commit=False) as s, s.begin():
        q = update(Job).where(Job.id == job_id, Job.state.in_(ACTIVE_STATES))
        if owner is not None:
            q = q.where(Job.lease_owner == owner)
        result = s.execute(q.values(**values).execution_options(synchronize_session=False))
        if rowcount(result) != 1:
            raise LeaseLost(job_id)
