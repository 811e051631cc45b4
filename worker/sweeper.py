"""Re-send jobs that the database says are queued or running but that no worker holds.

A running job whose lease expired lost its worker (SIGKILL, power cut, OOM).
A queued job nobody claimed for `requeue_after_seconds` may have lost its
message (Redis restarted without persistence). Both are freed and sent again;
a duplicate message is harmless because workers claim jobs in the database.
It also removes the clip of an enrolment that ended without its worker doing so.

Every `orphan_cleanup_interval_seconds` it also removes stored files no row refers to
(db/cleanup.py), once they are older than `orphan_grace_seconds`.
"""

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.orm import Session

from db import ACTIVE_STATES, FINAL_STATES, FileStore, Job, cleanup, utcnow
from db.engine import rowcount
from db.models import KIND_ENROL
from ketluan.settings import Settings
from worker import jobs

log = logging.getLogger(__name__)


def sweep(engine: Engine, send: jobs.Send, settings: Settings) -> list[int]:
    """One pass; returns the ids of the jobs sent again."""
    now = utcnow()
    stale_queue = now - timedelta(seconds=settings.requeue_after_seconds)
    lost = or_(
        Job.lease_until < now,
        and_(
            Job.lease_until.is_(None), or_(Job.enqueued_at.is_(None), Job.enqueued_at < stale_queue)
        ),
    )
    resent = []
    with Session(engine, expire_on_commit=False) as s:
        candidates = s.scalars(select(Job).where(Job.state.in_(ACTIVE_STATES), lost)).all()
    for job in candidates:
        with Session(engine, expire_on_commit=False) as s, s.begin():
            # Conditional on what we saw, so that two sweepers never both re-send.
            result = s.execute(
                update(Job)
                .where(
                    Job.id == job.id,
                    Job.state.in_(ACTIVE_STATES),
                    _same(Job.lease_until, job.lease_until),
                    _same(Job.enqueued_at, job.enqueued_at),
                )
                .values(
                    state=jobs.STAGE_ENTRY[job.stage],
                    progress=0.0,
                    lease_owner=None,
                    lease_until=None,
                    enqueued_at=now,
                )
                .execution_options(synchronize_session=False)
            )
        if rowcount(result) == 1:
            why = "worker lost" if job.lease_until is not None else "message not taken"
            log.warning("job %s: %s, sending to the %s queue again", job.id, why, job.stage)
            job.enqueued_at = now
            jobs.dispatch(send, job)
            resent.append(job.id)
    return resent


def drop_ended_clips(engine: Engine, settings: Settings) -> int:
    """Remove the clips of enrolments that ended without their worker removing them (a
    job cancelled while queued whose message was lost, a database hiccup at the end)."""
    store, dropped = FileStore(settings.files_dir), 0
    recent = utcnow() - timedelta(days=7)
    with Session(engine, expire_on_commit=False) as s, s.begin():
        ended = s.scalars(
            select(Job).where(
                Job.kind == KIND_ENROL, Job.state.in_(FINAL_STATES), Job.finished_at > recent
            )
        )
        for job in ended:
            if (job.params or {}).get("clip"):
                jobs.drop_clip(s, store, job)
                dropped += 1
    return dropped


def run_forever(engine: Engine, send: jobs.Send, settings: Settings, stop: threading.Event) -> None:
    next_cleanup = time.monotonic() + settings.sweep_interval_seconds
    while not stop.wait(settings.sweep_interval_seconds):
        try:
            sweep(engine, send, settings)
            drop_ended_clips(engine, settings)
        except Exception as exc:  # database or broker down: try again next round
            log.warning("sweeper: %s", exc)
        if time.monotonic() >= next_cleanup:
            next_cleanup = time.monotonic() + settings.orphan_cleanup_interval_seconds
            try:
                cleanup.remove_orphans(engine, FileStore(settings.files_dir), settings.orphan_grace_seconds)
            except Exception as exc:  # storage not mounted, database down: next time
                log.warning("orphan cleanup: %s", exc)


def _same(column, value):
    return column.is_(None) if value is None else column == value
