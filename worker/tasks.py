"""Celery tasks: thin, idempotent, taking job ids. The work is in services/ (the job engine,
services/jobs.py, and the kinds' handlers it runs)."""

import logging
import threading
from functools import lru_cache
from typing import Any

from celery.signals import worker_process_init, worker_ready, worker_shutdown
from sqlalchemy import Engine

import db
from ketluan.settings import get_settings
from services import jobs, meeting_jobs, tracking_jobs
from services.jobs import STAGE_TRACKING, TASK_FOR_STAGE
from tracking.daily import daily_warnings
from worker.app import QUEUE_FOR_STAGE, WARN_TASK, app

KINDS = (meeting_jobs, tracking_jobs)  # imported for their handlers' registration
log = logging.getLogger(__name__)
_sweeper_stop = threading.Event()


def _run(job_id: int, stage: str) -> str:
    outcome = jobs.run(engine(), get_settings(), job_id, stage, send)
    log.info("job %s %s stage: %s", job_id, stage, outcome)
    return outcome


@app.task(name=TASK_FOR_STAGE["gpu"], acks_late=True, ignore_result=True)
def gpu_stage(job_id: int) -> str:
    """Transcribe (and diarize) job `job_id`, or make an enrolment's voiceprint. One at a
    time per GPU worker."""
    return _run(job_id, "gpu")


@app.task(name=TASK_FOR_STAGE["cpu"], acks_late=True, ignore_result=True)
def cpu_stage(job_id: int) -> str:
    """Draft the notice for job `job_id`."""
    return _run(job_id, "cpu")


@app.task(name=TASK_FOR_STAGE[STAGE_TRACKING], acks_late=True, ignore_result=True)
def tracking_job(job_id: int) -> str:
    """Parse an uploaded notice into a preview, or write an Excel / Word report."""
    return _run(job_id, STAGE_TRACKING)


def send(job_id: int, stage: str) -> None:
    """Publish the message for a job's stage (used by the sweeper and the stages)."""
    app.send_task(TASK_FOR_STAGE[stage], args=[job_id], queue=QUEUE_FOR_STAGE[stage], retry=True)


@app.task(name=WARN_TASK, ignore_result=True)
def tracking_warn() -> str:
    """Beat's periodic check: today's warnings, once a day (the database decides)."""
    outcome = daily_warnings(engine(), get_settings())
    log.info("daily warnings: %s", outcome)
    return outcome


@lru_cache
def engine() -> Engine:
    return db.connect(get_settings().db_url)


@worker_process_init.connect
def _fresh_engine_after_fork(**_kwargs: Any) -> None:
    # Prefork (cpu queue) children must not share the parent's database connections.
    engine.cache_clear()


@worker_ready.connect
def _start_sweeper(**_kwargs: Any) -> None:
    # Every worker sweeps (every job table); the guarded UPDATEs make concurrent sweeps harmless.
    threading.Thread(
        target=jobs.run_forever,
        args=(engine(), send, get_settings(), _sweeper_stop),
        name="ketluan-sweeper",
        daemon=True,
    ).start()


@worker_shutdown.connect
def _stop_sweeper(**_kwargs: Any) -> None:
    _sweeper_stop.set()
