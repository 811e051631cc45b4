"""Celery tasks: thin, idempotent, taking job ids. The work is in worker/pipeline.py."""

import logging
import threading
from functools import lru_cache

from celery.signals import worker_process_init, worker_ready, worker_shutdown
from sqlalchemy import Engine

from ketluan.settings import get_settings
from worker.app import TASK_FOR_STAGE, app

log = logging.getLogger(__name__)
_sweeper_stop = threading.Event()


@app.task(name="ketluan.gpu_stage", acks_late=True, ignore_result=True)
def gpu_stage(job_id: int) -> str:
    """Transcribe (and diarize) job `job_id`. One at a time per GPU worker."""
    from worker import pipeline

    outcome = pipeline.run(engine(), get_settings(), job_id, "gpu")
    log.info("job %s gpu stage: %s", job_id, outcome)
    return outcome


@app.task(name="ketluan.cpu_stage", acks_late=True, ignore_result=True)
def cpu_stage(job_id: int) -> str:
    """Draft the notice for job `job_id`."""
    from worker import pipeline

    outcome = pipeline.run(engine(), get_settings(), job_id, "cpu")
    log.info("job %s cpu stage: %s", job_id, outcome)
    return outcome


def send(job_id: int, stage: str) -> None:
    """Publish the message for a job's stage (used by the API, the sweeper and the pipeline)."""
    app.send_task(TASK_FOR_STAGE[stage], args=[job_id], queue=stage, retry=True)


@lru_cache
def engine() -> Engine:
    import db

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
