"""The Celery application, configured from ketluan settings.

Start a worker with `ketluan worker --queue gpu` (one per GPU) or `--queue cpu`;
`celery -A worker.app worker` also works.
"""

from celery import Celery
from kombu import Queue

from ketluan.settings import Settings, get_settings
from services.jobs import QUEUE_FOR_STAGE, TASK_FOR_STAGE

# The job messages (services/jobs.py: one task per stage) and tracking's daily warnings.
GPU_TASK, CPU_TASK, TRACKING_TASK = (TASK_FOR_STAGE[s] for s in ("gpu", "cpu", "tracking"))
WARN_TASK = "ketluan.tracking_warn"
__all__ = ["QUEUE_FOR_STAGE", "TASK_FOR_STAGE", "WARN_TASK", "app", "make_app"]


def make_app(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    app = Celery("ketluan", broker=settings.celery_broker_url, include=["worker.tasks"])
    app.conf.update(
        task_acks_late=True,  # a message is removed only after its task ran
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a GPU worker holds one job, not a batch
        task_ignore_result=True,  # results live in the database
        task_queues=(Queue("gpu"), Queue("cpu")),
        task_default_queue="cpu",
        task_routes={
            GPU_TASK: {"queue": "gpu"},
            CPU_TASK: {"queue": "cpu"},
            TRACKING_TASK: {"queue": "cpu"},
            WARN_TASK: {"queue": "cpu"},
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # keep trying through a Redis restart
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        enable_utc=True,
    )
    if settings.celery_broker_url.startswith(("redis", "rediss")):
        # Long meetings take hours on CPU; the sweeper, not redelivery, recovers lost jobs.
        app.conf.broker_transport_options = {"visibility_timeout": 12 * 3600}
    _tracking_schedule(app, settings)
    return app


def _tracking_schedule(app: Celery, settings: Settings) -> None:
    """Celery beat (`ketluan worker --beat`, or `celery -A worker.app beat`) asks for the daily
    warnings every check interval; the database lets one run a day through (tracking/daily.py),
    so a missed hour is caught up at the next check and two beats do no harm."""
    every = settings.tracking_warn_check_seconds
    app.conf.beat_schedule = {
        "tracking-daily-warnings": {
            "task": WARN_TASK,
            "schedule": every,
            # A check nobody took for a while is worthless (the next one comes): let it expire,
            # but not so soon that a busy worker drops every check.
            "options": {"queue": "cpu", "expires": max(every, 300.0)},
        }
    }
    app.conf.beat_schedule_filename = str(settings.data_dir / "celerybeat-schedule")


app = make_app()
