"""The job engine: every background job, kept in the database, run by a worker.

    job = meeting_jobs.create(s, meeting_id, audio_id, user_id)   # or create_enrolment,
    s.commit(); dispatch(send, job)                                # tracking_jobs.create_import...
    run(engine, settings, job_id, stage, send)                    # in the worker (worker/tasks.py)

Two tables hold jobs: `jobs` (a meeting's recording through the gpu and cpu stages, or an
enrolment) and `tracking_jobs` (imports and exports); one engine runs both, with one state
vocabulary (db/models.py): queued → the kind's running state(s) → done | failed | cancelled.

A *stage* is what a message names (`send(job_id, stage)`): which table the job is in, which
queue runs it and which states it may be claimed from. A *handler* does one kind's work in
one stage; adding a job kind is one handler plus its `register(...)` (ARCHITECTURE.md).

A worker *claims* a job with a conditional UPDATE that takes a lease, keeps it alive with a
heartbeat, and guards every later write by that lease: a worker that lost its job (swept after
it stalled, or cancelled by a user) stops at its next write instead of adding rows. The
sweeper (`run_forever`, in every worker) frees expired leases and sends the jobs again.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine, and_, case, or_, select, update
from sqlalchemy.orm import Session

from db import (
    ACTIVE_STATES,
    CANCELLED,
    DIARIZING,
    DONE,
    DRAFTING,
    FAILED,
    QUEUED,
    RUNNING,
    TRANSCRIBING,
    FileStore,
    Job,
    cleanup,
    utcnow,
)
from db.engine import rowcount
from db.models import STAGE_CPU, STAGE_GPU
from db.tracking import TrackingJob
from ketluan.errors import InputError, KetluanError
from ketluan.settings import Settings

log = logging.getLogger(__name__)

Send = Callable[[int, str], None]
JobRow = Job | TrackingJob
# Job or TrackingJob (the class): Any, because mypy sees a union of ORM classes through
# Session.get and update() as plain Base.
JobTable = Any
NewJob = TypeVar("NewJob", Job, TrackingJob)

STAGE_TRACKING = "tracking"
# The message contract between the API (which sends) and the worker (which runs): the Celery
# task and queue for each stage. worker/app.py routes with these; api/app.py sends with them.
TASK_FOR_STAGE = {
    STAGE_GPU: "ketluan.gpu_stage",
    STAGE_CPU: "ketluan.cpu_stage",
    STAGE_TRACKING: "ketluan.tracking_job",
}
QUEUE_FOR_STAGE = {STAGE_GPU: "gpu", STAGE_CPU: "cpu", STAGE_TRACKING: "cpu"}


class LeaseLost(Exception):
    """The job was cancelled, finished, or taken over; the worker must stop quietly."""


@dataclass(frozen=True)
class Stage:
    """What one message name means: the table, the state a job waits in, the states it may be
    claimed from (waiting, or running under a lease that ran out)."""

    name: str
    table: JobTable
    entry: str
    states: tuple[str, ...]
    # Said to the user when a job fails: `noun` names it, the hints say what to do.
    noun: str = "công việc"
    attempts_hint: str = ""
    internal_hint: str = ""


@dataclass(frozen=True)
class Handler:
    """One kind's work in one stage: `work(run)` does it and finishes the job (`release`);
    `state` is the state a claim puts the job in; `ended(engine, settings, job_id)` runs after
    every claimed run, whatever happened (remove what an ended job must not keep)."""

    kind: str
    stage: str
    work: Callable[["Run"], None]
    state: str
    ended: Callable[[Engine, Settings, int], None] | None = None


STAGES: dict[str, Stage] = {
    STAGE_GPU: Stage(
        STAGE_GPU,
        Job,
        QUEUED,
        (QUEUED, TRANSCRIBING, DIARIZING),
        attempts_hint="Kiểm tra tệp ghi âm và bộ nhớ của máy xử lý, rồi bấm Chạy lại.",
        internal_hint="Bấm Chạy lại; nếu lỗi lặp lại, gửi nhật ký máy xử lý cho quản trị viên.",
    ),
    STAGE_CPU: Stage(
        STAGE_CPU,
        Job,
        DRAFTING,
        (DRAFTING,),
        attempts_hint="Kiểm tra tệp ghi âm và bộ nhớ của máy xử lý, rồi bấm Chạy lại.",
        internal_hint="Bấm Chạy lại; nếu lỗi lặp lại, gửi nhật ký máy xử lý cho quản trị viên.",
    ),
    STAGE_TRACKING: Stage(
        STAGE_TRACKING,
        TrackingJob,
        QUEUED,
        (QUEUED, RUNNING),
        noun="việc",
        attempts_hint="Kiểm tra tệp rồi thử lại; nếu lỗi lặp lại, báo quản trị viên.",
        internal_hint="Thử lại; nếu lỗi lặp lại, gửi nhật ký máy xử lý cho quản trị viên.",
    ),
}
HANDLERS: dict[tuple[str, str], Handler] = {}
# Housekeeping each sweep does besides re-sending (removing files ended jobs left behind).
HOUSEKEEPING: list[Callable[[Engine, Settings], Any]] = []


def register(handler: Handler) -> Handler:
    HANDLERS[(handler.kind, handler.stage)] = handler
    return handler


def stage_of(job: JobRow) -> str:
    return job.stage if isinstance(job, Job) else STAGE_TRACKING


# -- creating and sending (API side) ----------------------------------------------------------


def queue(s: Session, job: NewJob, stage: str) -> NewJob:
    """Add a new job, waiting for `stage`."""
    job.state, job.enqueued_at = STAGES[stage].entry, utcnow()
    if isinstance(job, Job):
        job.stage, job.log = stage, []
    s.add(job)
    s.flush()
    return job


def dispatch(send: Send, job: JobRow) -> None:
    """Send the message for a job's pending stage. A failure is logged, not raised: the job
    stays queued in the database and the sweeper sends it again later."""
    stage = stage_of(job)
    for attempt in (1, 2):
        try:
            send(job.id, stage)
            return
        except Exception as exc:  # broker down: the row is the truth, the sweeper re-sends
            if attempt == 2:
                log.warning("job %s: could not send to the %s queue: %s", job.id, stage, exc)
            # Once more at once: a passing clash, e.g. the embedded SQLite broker's queue table
            # being created by the worker at the same moment (UNIQUE constraint on kombu_queue).


def cancel(s: Session, job: Job) -> Job:
    if job.state not in ACTIVE_STATES:
        raise InputError(
            f"Công việc #{job.id} đang ở trạng thái '{job.state}', không hủy được.",
            "Chỉ hủy được công việc đang chờ hoặc đang chạy.",
        )
    job.state, job.finished_at = CANCELLED, utcnow()
    job.lease_owner, job.lease_until = None, None
    return job


# -- claiming, the lease, guarded writes (worker side) -----------------------------------------


def claim(engine: Engine, job_id: int, stage: str, owner: str, lease_s: float) -> Any:
    """Take the job for `stage` if nobody holds it; None when it is not ours to run."""
    spec, now = STAGES[stage], utcnow()
    table = spec.table
    # Each kind's running state (an enrolment starts with the diarization models, a meeting
    # with transcription); a kind no handler runs here stays waiting and fails in run().
    running = {h.kind: h.state for h in HANDLERS.values() if h.stage == stage}
    state: Any = spec.entry
    if running:
        state = case(*((table.kind == k, v) for k, v in running.items()), else_=spec.entry)
    q = update(table).where(
        table.id == job_id,
        table.state.in_(spec.states),
        or_(table.lease_until.is_(None), table.lease_until < now),
    )
    if table is Job:
        q = q.where(Job.stage == stage)
    with Session(engine, expire_on_commit=False) as s, s.begin():
        result = s.execute(
            q.values(
                state=state,
                progress=0.0,
                lease_owner=owner,
                lease_until=now + timedelta(seconds=lease_s),
                attempts=table.attempts + 1,
                started_at=now,
                error_code="",
                error_message="",
                error_hint="",
            ).execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            return None
        return s.get(table, job_id)


def touch(
    engine: Engine,
    job_id: int,
    owner: str,
    lease_s: float,
    state: str | None = None,
    progress: float | None = None,
    table: JobTable = Job,
) -> None:
    """Extend the lease (and set state/progress); raise LeaseLost if the job is no longer ours."""
    values: dict[str, Any] = {"lease_until": utcnow() + timedelta(seconds=lease_s)}
    if state is not None:
        values["state"] = state
    if progress is not None:
        values["progress"] = round(min(max(progress, 0.0), 1.0), 4)
    guarded(engine, table, job_id, owner, values)


def guarded(engine: Engine, table: JobTable, job_id: int, owner: str | None, values: dict[str, Any]) -> None:
    """Write `values` if the job is active and (owner given) still held by `owner`."""
    with Session(engine, expire_on_commit=False) as s, s.begin():
        q = update(table).where(table.id == job_id, table.state.in_(ACTIVE_STATES))
        if owner is not None:
            q = q.where(table.lease_owner == owner)
        result = s.execute(q.values(**values).execution_options(synchronize_session=False))
        if rowcount(result) != 1:
            raise LeaseLost(job_id)


def mine(s: Session, table: JobTable, job_id: int, owner: str) -> Any:
    """Inside the caller's transaction: the job row, locked, if this run still holds it."""
    job = s.get(table, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.lease_owner != owner or job.state not in ACTIVE_STATES:
        raise LeaseLost(job_id)
    return job


def release(s: Session, table: JobTable, job_id: int, owner: str, stage: str | None) -> Any:
    """Inside the caller's transaction (the one saving the result): finish our stage and hand
    over to `stage` (None: done)."""
    job = mine(s, table, job_id, owner)
    now = utcnow()
    job.lease_owner = None
    job.lease_until = None
    if stage is None:
        job.state, job.progress, job.finished_at = DONE, 1.0, now
    else:
        job.stage, job.state, job.progress, job.enqueued_at = stage, STAGES[stage].entry, 0.0, now
        # The next stage's claim adds one: it continues this attempt, it is not a retry.
        job.attempts -= 1
    return job


def release_to(s: Session, job_id: int, owner: str, stage: str | None) -> Job:
    """release() for a meeting job."""
    job: Job = release(s, Job, job_id, owner, stage)
    return job


def add_note(engine: Engine, job_id: int, owner: str, note: str) -> None:
    with Session(engine, expire_on_commit=False) as s, s.begin():
        job = mine(s, Job, job_id, owner)
        job.log = [*job.log, note]


def fail(
    engine: Engine,
    job_id: int,
    owner: str | None,
    code: str,
    message: str,
    hint: str,
    table: JobTable = Job,
) -> bool:
    """Mark the job failed if it is still ours; False when it no longer was."""
    values = {
        "state": FAILED,
        "error_code": code[:32],
        "error_message": message,
        "error_hint": hint,
        "finished_at": utcnow(),
        "lease_owner": None,
        "lease_until": None,
    }
    try:
        guarded(engine, table, job_id, owner, values)
        return True
    except LeaseLost:
        log.info("job %s: not marked failed, it is no longer ours", job_id)
        return False


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dataclass
class Run:
    """One claimed run of a stage: the lease heartbeat, throttled progress, notes. Handlers get
    it; `send` passes the next stage on."""

    engine: Engine
    settings: Settings
    job_id: int
    owner: str
    send: Send
    table: JobTable = Job
    job: Any = None  # the row as claimed (detached)

    def __post_init__(self) -> None:
        self.store = FileStore(self.settings.files_dir)
        self._last_write = 0.0
        self._lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def touch(self, state: str | None = None, progress: float | None = None) -> None:
        if self._lost.is_set():
            raise LeaseLost(self.job_id)
        touch(
            self.engine,
            self.job_id,
            self.owner,
            self.settings.job_lease_seconds,
            state=state,
            progress=progress,
            table=self.table,
        )
        self._last_write = time.monotonic()

    def progress(self, fraction: float) -> None:
        """A progress callback: written at most once per progress_interval_seconds."""
        if self._lost.is_set():
            raise LeaseLost(self.job_id)
        if time.monotonic() - self._last_write >= self.settings.progress_interval_seconds:
            self.touch(progress=fraction)

    def note(self, text: str) -> None:
        log.info("job %s: %s", self.job_id, text)
        add_note(self.engine, self.job_id, self.owner, text)

    def mine(self, s: Session) -> Any:
        return mine(s, self.table, self.job_id, self.owner)

    def release(self, s: Session, stage: str | None = None) -> Any:
        return release(s, self.table, self.job_id, self.owner, stage)

    def start_heartbeat(self) -> None:
        self._thread = threading.Thread(target=self._beat, name=f"lease-{self.job_id}", daemon=True)
        self._thread.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _beat(self) -> None:
        # Decoding a long file gives no progress callbacks; the lease must live through it.
        interval = max(self.settings.job_lease_seconds / 3, 0.5)
        while not self._stop.wait(interval):
            try:
                touch(self.engine, self.job_id, self.owner, self.settings.job_lease_seconds, table=self.table)
            except LeaseLost:
                self._lost.set()
                return
            except Exception as exc:  # database briefly unreachable: try again next beat
                log.warning("job %s: lease heartbeat failed: %s", self.job_id, exc)


def run(engine: Engine, settings: Settings, job_id: int, stage: str, send: Send) -> str:
    """Run one stage of a job; returns what happened (for logs). Never raises KetluanError."""
    spec = STAGES[stage]
    owner = owner_name()
    job = claim(engine, job_id, stage, owner, settings.job_lease_seconds)
    if job is None:
        return "skipped: not claimable (done, failed, cancelled, or held by another worker)"
    handler = HANDLERS.get((job.kind, stage))
    ctx = Run(engine, settings, job_id, owner, send, spec.table, job)
    try:
        if handler is None:
            raise KetluanError(
                f"Không có bộ xử lý cho loại việc '{job.kind}' ở bước {stage}.",
                "Cập nhật máy xử lý cùng phiên bản với máy chủ.",
            )
        if job.attempts > settings.max_attempts:
            fail(
                engine,
                job_id,
                owner,
                "attempts",
                f"Đã thử {settings.max_attempts} lần mà {spec.noun} vẫn không xong (máy xử lý bị dừng giữa chừng).",
                spec.attempts_hint,
                spec.table,
            )
            return "failed: too many attempts"
        ctx.start_heartbeat()
        handler.work(ctx)
        return "done"
    except LeaseLost:
        return "stopped: cancelled or taken over"
    except KetluanError as exc:
        fail(engine, job_id, owner, exc.code, exc.message, exc.hint, spec.table)
        return f"failed: {exc}"
    except Exception as exc:
        log.exception("job %s: unexpected error in the %s stage", job_id, stage)
        fail(
            engine,
            job_id,
            owner,
            "internal",
            f"Lỗi không mong đợi khi xử lý ({type(exc).__name__}: {exc}).",
            spec.internal_hint,
            spec.table,
        )
        return "failed: unexpected error"
    finally:
        ctx.stop_heartbeat()
        if handler is not None and handler.ended is not None:
            try:
                handler.ended(engine, settings, job_id)
            except Exception as exc:  # database briefly down: the sweeper's housekeeping retries
                log.warning("job %s: cleanup after the run failed: %s", job_id, exc)


# -- the sweeper ----------------------------------------------------------------------------


def sweep(engine: Engine, send: Send, settings: Settings) -> list[int]:
    """One pass over every job table: re-send the jobs that the database says are queued or
    running but that no worker holds; returns the ids sent again.

    A running job whose lease expired lost its worker (SIGKILL, power cut, OOM). A queued job
    nobody claimed for `requeue_after_seconds` may have lost its message (Redis restarted
    without persistence). Both are freed and sent again; a duplicate message is harmless
    because workers claim jobs in the database. Then the kinds' housekeeping (HOUSEKEEPING:
    files that ended jobs leave behind)."""
    resent: list[int] = []
    for table in (Job, TrackingJob):
        resent += _sweep_table(engine, send, settings, table)
    for chore in HOUSEKEEPING:
        try:
            chore(engine, settings)
        except Exception as exc:  # database or storage down: next round
            log.warning("sweeper: %s: %s", getattr(chore, "__name__", chore), exc)
    return resent


def _sweep_table(engine: Engine, send: Send, settings: Settings, table: JobTable) -> list[int]:
    now = utcnow()
    stale_queue = now - timedelta(seconds=settings.requeue_after_seconds)
    lost = or_(
        table.lease_until < now,
        and_(
            table.lease_until.is_(None),
            or_(table.enqueued_at.is_(None), table.enqueued_at < stale_queue),
        ),
    )
    resent = []
    with Session(engine, expire_on_commit=False) as s:
        candidates = s.scalars(select(table).where(table.state.in_(ACTIVE_STATES), lost)).all()
    for job in candidates:
        stage = stage_of(job)
        with Session(engine, expire_on_commit=False) as s, s.begin():
            # Conditional on what we saw, so that two sweepers never both re-send.
            result = s.execute(
                update(table)
                .where(
                    table.id == job.id,
                    table.state.in_(ACTIVE_STATES),
                    _same(table.lease_until, job.lease_until),
                    _same(table.enqueued_at, job.enqueued_at),
                )
                .values(
                    state=STAGES[stage].entry,
                    progress=0.0,
                    lease_owner=None,
                    lease_until=None,
                    enqueued_at=now,
                )
                .execution_options(synchronize_session=False)
            )
        if rowcount(result) == 1:
            why = "worker lost" if job.lease_until is not None else "message not taken"
            log.warning("job %s: %s, sending to the %s queue again", job.id, why, stage)
            job.enqueued_at = now
            dispatch(send, job)
            resent.append(job.id)
    return resent


def run_forever(engine: Engine, send: Send, settings: Settings, stop: threading.Event) -> None:
    """The sweeper thread every worker runs: sweep (with the kinds' housekeeping), and every
    `orphan_cleanup_interval_seconds` the stored files no row refers to (db/cleanup.py)."""
    next_cleanup = time.monotonic() + settings.sweep_interval_seconds
    while not stop.wait(settings.sweep_interval_seconds):
        try:
            sweep(engine, send, settings)
        except Exception as exc:  # database or broker down: try again next round
            log.warning("sweeper: %s", exc)
        if time.monotonic() >= next_cleanup:
            next_cleanup = time.monotonic() + settings.orphan_cleanup_interval_seconds
            try:
                cleanup.remove_orphans(engine, FileStore(settings.files_dir), settings.orphan_grace_seconds)
            except Exception as exc:  # storage not mounted, database down: next time
                log.warning("orphan cleanup: %s", exc)


def _same(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value
