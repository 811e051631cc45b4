"""Tracking dashboard queries with 10,000 tasks across 50 units, on SQLite and PostgreSQL.

    python bench/tracking.py                  # both backends
    python bench/tracking.py --backend sqlite --tasks 10000 --repeat 200

Measured (p50 / p95 / max, milliseconds, after 5 warm-up runs):
- overdue by unit: tracking.warnings.overdue_by_unit, as an office's leader sees it;
- warnings list: tracking.warnings.warnings_list (every warning, levels computed in Python);
- warning counts: the per-level counts the dashboard shows, as one SQL aggregate;
- a unit's warnings: the list scoped to one unit (role don_vi);
- GET /api/tracking/dashboard: overdue by unit + warning counts through FastAPI (TestClient),
  auth included; GET /api/tracking/tasks: the first page (200) of the JSON task list.

PostgreSQL: a throw-away database on KETLUAN_BENCH_POSTGRES_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres), dropped afterwards.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import db  # noqa: E402
from db import accounts  # noqa: E402
from tracking.status import CONDITIONAL, FIXED, RECURRING, UNSET, WITHIN_DAYS, Rules  # noqa: E402
from tracking.warnings import overdue_by_unit, warning_counts, warnings_list  # noqa: E402

TODAY = date(2026, 10, 15)
PG_ADMIN = os.environ.get("KETLUAN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        with _database(backend) as url:
            run(backend, url, args.tasks, args.units, args.repeat)


def run(backend: str, url: str, n_tasks: int, n_units: int, repeat: int) -> None:
    from fastapi.testclient import TestClient

    from api import create_app
    from ketluan.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=url)
        t0 = time.perf_counter()
        app = create_app(settings, send=lambda job_id, stage: None)
        engine = app.state.engine
        leader, unit_user, open_tasks = _seed(engine, n_tasks, n_units)
        seed_s = time.perf_counter() - t0
        rules = Rules()
        with db.session(engine) as s:
            leader_row = s.get(db.User, leader[0])
            unit_row = s.get(db.User, unit_user[0])
            n_warn = len(warnings_list(s, TODAY, rules, leader_row))
            n_over = sum(n for _, _, n, _ in overdue_by_unit(s, TODAY, leader_row, rules))
        print(
            f"\n## {backend}: {n_tasks} tasks, {n_units} units, {open_tasks} open with a deadline; "
            f"{n_over} overdue, {n_warn} warnings on {TODAY} (seeded in {seed_s:.1f} s)"
        )
        results = {}
        with db.session(engine) as s:
            results["overdue by unit"] = _time(
                lambda: overdue_by_unit(s, TODAY, s.get(db.User, leader[0]), rules), repeat
            )
            results["warnings list"] = _time(lambda: warnings_list(s, TODAY, rules, s.get(db.User, leader[0])), repeat)
            results["warning counts (dashboard)"] = _time(
                lambda: warning_counts(s, TODAY, rules, s.get(db.User, leader[0])), repeat
            )
            results["one unit's warnings"] = _time(
                lambda: warnings_list(s, TODAY, rules, s.get(db.User, unit_user[0])), repeat
            )
        del leader_row, unit_row
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {leader[1]}"}

            def dashboard():
                r = client.get("/api/tracking/dashboard", params={"on": TODAY.isoformat()}, headers=headers)
                assert r.status_code == 200, r.text

            results["GET /api/tracking/dashboard"] = _time(dashboard, repeat)

            def first_page():
                r = client.get("/api/tracking/tasks", params={"on": TODAY.isoformat()}, headers=headers)
                assert r.status_code == 200 and len(r.json()["items"]) == 200, r.text

            results["GET /api/tracking/tasks (first 200)"] = _time(first_page, repeat // 2)
        print(f"| query ({backend}) | p50 ms | p95 ms | max ms |")
        print("|---|---|---|---|")
        for name, (p50, p95, worst) in results.items():
            print(f"| {name} | {p50:.1f} | {p95:.1f} | {worst:.1f} |")
        engine.dispose()


def _seed(engine, n_tasks: int, n_units: int):
    """Units, two assigning offices, notices of 20 tasks, tasks with mixed deadlines/progress."""
    rnd = random.Random(7)
    kinds = [FIXED] * 6 + [WITHIN_DAYS] * 2 + [RECURRING, CONDITIONAL, UNSET]
    with db.session(engine) as s:
        office = accounts.ensure_unit(s, "VP-TU", "Văn phòng Tỉnh ủy")
        other = accounts.ensure_unit(s, "VP-UBND", "Văn phòng UBND tỉnh")
        units = [accounts.ensure_unit(s, f"DV{k:02d}", f"Sở số {k:02d}") for k in range(n_units)]
        leader = accounts.create_user(s, "lanh.dao", "mat-khau-thu", "lanh_dao", "VP-TU")
        unit_user = accounts.create_user(s, "don.vi", "mat-khau-thu", "don_vi", "DV00")
        tokens = (
            (leader.id, accounts.issue_token(s, leader, "api", None)),
            (unit_user.id, accounts.issue_token(s, unit_user, "api", None)),
        )
        notices = []
        for k in range(n_tasks // 20 + 1):
            issued = TODAY - timedelta(days=rnd.randint(0, 360))
            notices.append(
                db.TrackedNotice(
                    unit_id=(office if k % 2 == 0 else other).id,
                    number=f"{k + 1}-TB/TU",
                    issued_on=issued,
                    received_on=issued + timedelta(days=2),
                )
            )
        s.add_all(notices)
        s.flush()
        rows, open_dated = [], 0
        for k in range(n_tasks):
            notice = notices[k // 20]
            unit = units[rnd.randrange(n_units)]
            kind = rnd.choice(kinds)
            due = notice.issued_on + timedelta(days=rnd.randint(5, 200)) if kind in (FIXED, WITHIN_DAYS) else None
            done = due is not None and due < TODAY and rnd.random() < 0.6
            state = "submitted" if not done and rnd.random() < 0.1 else "none"
            open_dated += due is not None and not done
            rows.append(
                {
                    "code": f"{notice.number}/{notice.issued_on.year}-{k % 20 + 1:02d}.{k}",
                    "notice_id": notice.id,
                    "seq": k % 20 + 1,
                    "content": f"Nhiệm vụ số {k}: rà soát, báo cáo tình hình thực hiện",
                    "lead_unit_id": unit.id,
                    "lead_name": unit.name,
                    "supports": [],
                    "sector": "",
                    "deadline_kind": kind,
                    "deadline_phrase": "",
                    "due_on": due,
                    "progress": 100 if done else rnd.randint(0, 90),
                    "progress_note": "",
                    "result": "Đã xong" if done or state == "submitted" else "",
                    "result_state": "submitted" if done else state,
                    "reported_on": due - timedelta(days=1) if due and (done or state == "submitted") else None,
                    "done": done,
                    "completed_on": due + timedelta(days=rnd.randint(-10, 5)) if done else None,
                    "documents": "",
                    "quote": "",
                    "withdrawn": False,
                    "created_at": db.utcnow(),
                    "updated_at": db.utcnow(),
                }
            )
        s.execute(db.TrackedTask.__table__.insert(), rows)
    with engine.begin() as c:
        c.exec_driver_sql("ANALYZE")  # fresh statistics, as autovacuum / a DBA would keep them
    return tokens[0], tokens[1], open_dated


def _time(fn, repeat: int) -> tuple[float, float, float]:
    for _ in range(5):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95, samples[-1]


@contextmanager
def _database(backend: str):
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite"
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"ketluan_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
