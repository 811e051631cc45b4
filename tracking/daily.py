"""The daily warnings, run once a day whoever asks and however often.

Celery beat asks every `tracking_warn_check_seconds` (worker/app.py); cron may call
`ketluan tracking warn --daily`. From `tracking_warn_hour` (offices' time zone) on, the first
caller of the day inserts the day's DailyRun row and runs tracking.warnings.notify; every
other caller, on any node, finds the row and does nothing. A run whose worker died (row not
finished, lease past) is taken over. notify itself also creates each notification, and sends
its e-mail, only once, so even a taken-over run sends nothing twice.

    daily_warnings(engine, settings)    → "12 cảnh báo mới" | "đã chạy hôm nay" | "chưa đến giờ"
"""

import logging
import os
import socket
import threading
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import session
from db.engine import rowcount
from db.models import utcnow
from db.tracking import DailyRun
from ketluan.settings import Settings
from tracking.mail import mailer_from
from tracking.status import rules_from
from tracking.warnings import notify

log = logging.getLogger(__name__)

WARNINGS = "warnings"
LEASE = timedelta(hours=1)  # longer than any notify run (SMTP included); then taken over


def daily_warnings(engine: Engine, settings: Settings, at: datetime | None = None, mailer=None) -> str:
    """Today's warnings, if nobody ran them yet today. `at`: the moment to act as (tests)."""
    local = (at or utcnow()).astimezone(zone(settings.tracking_timezone))
    if local.hour < settings.tracking_warn_hour:
        return f"chưa đến giờ ({settings.tracking_warn_hour}:00)"
    day = local.date()
    owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    if not claim(engine, WARNINGS, day, owner):
        return "đã chạy hôm nay"
    try:
        with session(engine) as s:
            created = notify(s, day, rules_from(settings), mailer or mailer_from(settings))
            detail = {
                "created": len(created),
                "emailed": sum(bool(n.emailed_to) for n in created),
                "email_errors": sum(bool(n.email_error) for n in created),
            }
    except Exception:
        release(engine, WARNINGS, day, owner)  # the next check tries again
        raise
    finish(engine, WARNINGS, day, owner, detail)
    log.info("daily warnings %s: %s", day, detail)
    return f"{detail['created']} cảnh báo mới"


def claim(engine: Engine, name: str, day: date, owner: str) -> bool:
    """True for exactly one caller per (name, day), unless that caller's lease ran out."""
    now = utcnow()
    try:
        with Session(engine) as s, s.begin():
            s.add(DailyRun(name=name, day=day, owner=owner, started_at=now, lease_until=now + LEASE, detail={}))
        return True
    except IntegrityError:
        pass  # somebody has the day: finished, running, or dead
    with Session(engine) as s, s.begin():
        taken = s.execute(
            update(DailyRun)
            .where(
                DailyRun.name == name,
                DailyRun.day == day,
                DailyRun.finished_at.is_(None),
                DailyRun.lease_until < now,
            )
            .values(owner=owner, started_at=now, lease_until=now + LEASE, attempts=DailyRun.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    return rowcount(taken) == 1


def finish(engine: Engine, name: str, day: date, owner: str, detail: dict) -> None:
    with Session(engine) as s, s.begin():
        s.execute(
            update(DailyRun)
            .where(DailyRun.name == name, DailyRun.day == day, DailyRun.owner == owner)
            .values(finished_at=utcnow(), lease_until=None, detail=detail)
            .execution_options(synchronize_session=False)
        )


def release(engine: Engine, name: str, day: date, owner: str) -> None:
    """Give the day back after a failure, so that the next check runs it."""
    with Session(engine) as s, s.begin():
        s.execute(
            update(DailyRun)
            .where(DailyRun.name == name, DailyRun.day == day, DailyRun.owner == owner, DailyRun.finished_at.is_(None))
            .values(lease_until=utcnow() - timedelta(seconds=1))
            .execution_options(synchronize_session=False)
        )


def zone(name: str) -> tzinfo | None:
    """The offices' time zone; the machine's own when the zone database lacks it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("time zone %r not found; using the machine's local time", name)
        return None


def local_today(settings: Settings) -> date:
    """Today's date in the offices' time zone (the day warnings are for)."""
    return utcnow().astimezone(zone(settings.tracking_timezone)).date()
