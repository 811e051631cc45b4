"""Celery tasks: thin, idempotent, taking job ids. The work is in worker/pipeline.py."""

import logging
import threading
from functools import lru_cache

from celery.signals import worker_process_init, worker_ready, worker_shutdown
from sqlalchemy import Engine

import db
from ketluan.settings import get_settings
from tracking.daily import daily_warnings
from worker import pipeline, tracking_jobs
from worker.app import QUEUE_FOR_STAGE, TASK_FOR_STAGE, TRACKING_TASK, WARN_TASK, app
from worker.tracking_jobs import run_forever

log = logging.getLogger(__name__)
_sweeper_stop = threading.Event()


@app.task(name="ketluan.gpu_stage", acks_late=True, ignore_result=True)
def gpu_stage(job_id: int) -> str:
    """Transcribe (and diarize) job `job_id`. One at a time per GPU worker."""
    outcome = pipeline.run(engine(), get_settings(), job_id, "gpu")
    log.info("job %s gpu stage: %s", job_id, outcome)
    return outcome


@app.task(name="ketluan.cpu_stage", acks_late=True, ignore_result=True)
def cpu_stage(job_id: int) -> str:
    """Draft the notice for job `job_id`."""
    outcome = pipeline.run(engine(), get_settings(), job_id, "cpu")
    log.info("job %s cpu stage: %s", job_id, outcome)
    return outcome


def send(job_id: int, stage: str) -> None:
    """Publish the message for a job's stage (used by the API, the sweeper and the pipeline)."""
    app.send_task(TASK_FOR_STAGE[stage], args=[job_id], queue=QUEUE_FOR_STAGE[stage], retry=True)


# -- tracking: imports and exports on the cpu queue, the daily warnings -------------------


@app.task(name=TRACKING_TASK, acks_late=True, ignore_result=True)
def tracking_job(job_id: int) -> str:
    """Parse an uploaded notice into a preview, or write an Excel / Word report."""
    outcome = tracking_jobs.run(engine(), get_settings(), job_id)
    log.info("tracking job %s: %s", job_id, outcome)
    return outcome


@app.task(name=WARN_TASK, ignore_result=True)
def tracking_warn() -> str:
    """Beat's periodic check: today's warnings, once a day (the database decides)."""
    outcome = daily_warnings(engine(), get_settings())
    log.info("daily warnings: %s", outcome)
    return outcome


@worker_ready.connect
def _start_tracking_sweeper(**_kwargs) -> None:
    threading.Thread(
        target=run_forever,
        args=(engine(), send, get_settings(), _sweeper_stop),
        name="ketluan-tracking-sweeper",
        daemon=True,
    ).start()


@lru_cache
def engine() -> Engine:
    return db.connect(get_settings().db_url)


@worker_process_init.connect
def _fresh_engine_after_fork(**_kwargs) -> None:
    # Prefork (cpu queue) children must not share the parent's database connections.
    engine.cache_clear()


@worker_ready.connect
def _start_sweeper(**_kwargs) -> None:
    # Every worker sweeps; the guarded UPDATEs make concurrent sweeps harmless.
    from worker.sweeper import run_forever

    settings = get_settings()
    threading.Thread(
        target=run_forever,
        args=(engine(), send, settings, _sweeper_stop),
        name="ketluan-sweeper",
        daemon=True,
    ).start()


@worker_shutdown.connect
def _stop_sweeper(**_kwargs) -> None:
    _sweeper_stop.set()
