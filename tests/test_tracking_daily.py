"""The daily warnings: scheduled by Celery beat, run once a day whoever asks and however often,
on SQLite and PostgreSQL; a real `ketluan worker --beat` on Redis and PostgreSQL runs them."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

import db
from ketluan.settings import Settings
from tests.tracking_helpers import render, smtp_fixture  # noqa: F401
from tracking import imports, read_docx
from tracking.daily import WARNINGS, daily_warnings

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2026, 10, 5, 8, 0, tzinfo=VN)  # Sở Tài chính 5 days late, the city 20


def _settings(tmp_path, engine, smtp=None, **extra) -> Settings:
    mail = {"smtp_host": "127.0.0.1", "smtp_port": smtp.server_address[1]} if smtp else {}
    return Settings(data_dir=tmp_path / "data", database_url=engine.url.render_as_string(False), **mail, **extra)


def _seed(engine, tmp_path) -> None:
    with db.session(engine) as s:
        office = db.Unit(code="VP-TU", name="Văn phòng Tỉnh ủy")
        s.add(office)
        s.flush()
        notice = read_docx(render(tmp_path / "tb.docx"), received_on=date(2026, 8, 27))
        imports.confirm(s, imports.preview(s, [notice], office.id).id)
        finance = s.scalar(select(db.Unit).where(db.Unit.name == "Sở Tài chính"))
        s.add_all(
            [
                db.UnitContact(unit_id=finance.id, email="gd@stc.gov.vn", head=True),
                db.UnitContact(unit_id=finance.id, email="vanthu@stc.gov.vn"),
            ]
        )


def _count(engine, model) -> int:
    with db.session(engine) as s:
        return s.query(model).count()


def test_twice_a_day_sends_nothing_twice(engine, tmp_path, smtp):
    _seed(engine, tmp_path)
    settings = _settings(tmp_path, engine, smtp)
    assert daily_warnings(engine, settings, MORNING.replace(hour=6, minute=59)) == "chưa đến giờ (7:00)"
    assert _count(engine, db.DailyRun) == 0
    assert daily_warnings(engine, settings, MORNING) == "5 cảnh báo mới"
    notes, mails = _count(engine, db.Notification), len(smtp.messages)
    assert (notes, mails) == (5, 2)  # Sở Tài chính's staff and head; no address for the city
    for hour in (8, 13, 23):
        assert daily_warnings(engine, settings, MORNING.replace(hour=hour)) == "đã chạy hôm nay"
    assert (_count(engine, db.Notification), len(smtp.messages)) == (notes, mails)
    with db.session(engine) as s:
        run = s.get(db.DailyRun, (WARNINGS, date(2026, 10, 5)))
        assert run.finished_at is not None and run.attempts == 1
        assert run.detail == {"created": 5, "emailed": 2, "email_errors": 0}
    # Next day: a new run, but the same warnings (same task, level, deadline) are not sent again.
    assert daily_warnings(engine, settings, MORNING + timedelta(days=1)) == "0 cảnh báo mới"
    assert (_count(engine, db.Notification), len(smtp.messages)) == (notes, mails)
    # The day is the offices' day: 01:30 UTC on the 7th is 08:30 in Hà Nội, a new day.
    utc = datetime(2026, 10, 7, 1, 30, tzinfo=ZoneInfo("UTC"))
    assert daily_warnings(engine, settings, utc) == "0 cảnh báo mới"
    with db.session(engine) as s:
        assert {r.day for r in s.query(db.DailyRun)} == {date(2026, 10, d) for d in (5, 6, 7)}


def test_many_nodes_at_once_run_it_once(engine, tmp_path, smtp):
    _seed(engine, tmp_path)
    settings = _settings(tmp_path, engine, smtp)
    start, outcomes = threading.Barrier(4), []

    def node():
        start.wait()
        outcomes.append(daily_warnings(engine, settings, MORNING))

    threads = [threading.Thread(target=node) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sorted(outcomes) == ["5 cảnh báo mới"] + ["đã chạy hôm nay"] * 3
    assert (_count(engine, db.Notification), len(smtp.messages)) == (5, 2)


def test_a_run_whose_worker_died_is_taken_over(engine, tmp_path):
    _seed(engine, tmp_path)
    settings = _settings(tmp_path, engine)
    day = MORNING.date()
    with db.session(engine) as s:  # a worker claimed the day, then died: no finish, lease over
        s.add(
            db.DailyRun(
                name=WARNINGS, day=day, owner="dead:1:1", detail={}, lease_until=db.utcnow() + timedelta(minutes=5)
            )
        )
    assert daily_warnings(engine, settings, MORNING) == "đã chạy hôm nay"  # still its lease
    with db.session(engine) as s:
        s.get(db.DailyRun, (WARNINGS, day)).lease_until = db.utcnow() - timedelta(seconds=1)
    assert daily_warnings(engine, settings, MORNING) == "5 cảnh báo mới"
    with db.session(engine) as s:
        run = s.get(db.DailyRun, (WARNINGS, day))
        assert (run.attempts, run.finished_at is not None, run.owner != "dead:1:1") == (2, True, True)


def test_the_schedule_asks_on_the_cpu_queue_and_serve_runs_one_beat(tmp_path):
    from cli.worker import embedded_workers, worker_argv
    from worker.app import WARN_TASK, make_app
    from worker.tasks import app as worker_app

    settings = Settings(data_dir=tmp_path, tracking_warn_check_seconds=600)
    app = make_app(settings)
    entry = app.conf.beat_schedule["tracking-daily-warnings"]
    assert entry["task"] == WARN_TASK and WARN_TASK in worker_app.tasks
    assert entry["schedule"] == 600 and entry["options"] == {"queue": "cpu", "expires": 600}
    short = make_app(Settings(data_dir=tmp_path, tracking_warn_check_seconds=1))
    assert short.conf.beat_schedule["tracking-daily-warnings"]["options"]["expires"] == 300
    assert app.conf.beat_schedule_filename == str(tmp_path / "celerybeat-schedule")
    assert app.amqp.router.route({}, WARN_TASK)["queue"].name == "cpu"
    argv = worker_argv(["cpu"], 1, True, tmp_path)
    assert argv[argv.index("-B") + 1 : argv.index("-B") + 3] == ["-s", str(tmp_path / "celerybeat-schedule")]
    assert "-B" not in worker_argv(["gpu"], 0, False, tmp_path)
    beats = [cmd for cmd in embedded_workers() if "--beat" in cmd]
    assert len(beats) == 1 and beats[0][beats[0].index("--queue") + 1] == "cpu"


def test_a_worker_with_beat_sends_the_warnings_once(pg_url, tmp_path):
    """`ketluan worker --queue cpu --beat`, asking every second: today's warnings once."""
    from tests.service_fixtures import RedisServer, free_port, make_service, wait_for
    from tracking.source import ParsedNotice, ParsedTask

    # A Redis of its own: the session's shared worker must not take these checks.
    redis = RedisServer(free_port(), tmp_path)
    redis.start()
    service = make_service(
        tmp_path / "svc", pg_url, redis.url, KETLUAN_TRACKING_WARN_CHECK_SECONDS="1", KETLUAN_TRACKING_WARN_HOUR="0"
    )
    engine = db.connect(pg_url)
    today = datetime.now(VN).date()
    with db.session(engine) as s:
        s.query(db.DailyRun).delete()  # the session's database is shared with other tests
        office = s.scalar(select(db.Unit).where(db.Unit.code == "VP-BEAT")) or db.Unit(
            code="VP-BEAT", name="Văn phòng thử lịch"
        )
        s.add(office)
        s.flush()
        late = ParsedNotice(
            f"{today:%d%m}-TB/BEAT",
            today - timedelta(days=30),
            [
                ParsedTask(
                    "Báo cáo quá hạn để thử lịch", "Sở Thử Lịch", deadline_kind="co_han", due=today - timedelta(days=2)
                )
            ],
        )
        imports.confirm(s, imports.preview(s, [late], office.id).id)
        task_id = s.query(db.TrackedTask).order_by(db.TrackedTask.id.desc()).first().id
    try:
        worker = service.start_worker("cpu", "--concurrency", "1", "--beat")

        def finished():
            with db.session(engine) as s:
                run = s.get(db.DailyRun, (WARNINGS, today))
                return run is not None and run.finished_at is not None

        wait_for(finished, 60, "the daily warnings run by beat")
        wait_for(lambda: worker.text().count("daily warnings: đã chạy hôm nay") >= 3, 30, "three more checks by beat")
        with db.session(engine) as s:
            notes = s.query(db.Notification).filter_by(task_id=task_id).all()
            assert [(n.level, n.audience) for n in notes] == [("do", "unit"), ("do", "unit_head")]
            assert s.get(db.DailyRun, (WARNINGS, today)).attempts == 1
    finally:
        service.stop()
        redis.stop()
        engine.dispose()
