"""API hardening (issue 11): warnings only for today (finding 12), out-of-range values are
clear 4xx answers, never 500 (finding 11), every text field is bounded (finding 13), users can
be deactivated and single tokens revoked, interrupted uploads leave nothing (finding 16)."""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import db
from api import create_app
from db import accounts
from ketluan.settings import Settings
from tests.service_fixtures import new_database

PASSWORD = "mat-khau-dung"
ROLES = {"admin": ("quantri", None), "theo_doi": ("theodoi", "VP"), "van_thu": ("vanthu", "VP")}


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request, tmp_path) -> Iterator[TestClient]:
    """An app on each database, one user per role in ROLES, one overdue tracked task."""
    import contextlib

    with contextlib.ExitStack() as stack:
        url = (f"sqlite:///{tmp_path / 'k.sqlite'}" if request.param == "sqlite"
               else stack.enter_context(new_database()))
        app = create_app(Settings(data_dir=tmp_path, database_url=url), send=lambda job_id, stage: None)
        tokens = {}
        with db.session(app.state.engine) as s:
            for role, (name, unit) in ROLES.items():
                user = accounts.create_user(s, name, PASSWORD, role, unit)
                tokens[role] = {"Authorization": f"Bearer {accounts.issue_token(s, user, 'api', None)}"}
            _overdue_task(s)
        client = stack.enter_context(TestClient(app))
        client.tokens = tokens
        client.kind = request.param
        yield client
        app.state.engine.dispose()


def _overdue_task(s) -> None:
    from tracking import imports
    from tracking.source import ParsedNotice, ParsedTask

    office = accounts.ensure_unit(s, "VP")
    today = date.today()
    notice = ParsedNotice("3-TB/VP", today - timedelta(days=40), [ParsedTask(
        "Báo cáo tiến độ giải ngân", "Sở Tài chính", deadline_kind="co_han", due=today - timedelta(days=20))])
    imports.confirm(s, imports.preview(s, [notice], office.id).id)


def _notifications(c) -> int:
    with db.session(c.app.state.engine) as s:
        return s.scalar(select(func.count(db.Notification.id)))


# -- finding 12: warnings only for today ------------------------------------------------------


def test_a_tracker_cannot_create_warnings_for_another_day(api):
    c, t = api, api.tokens
    future = (date.today() + timedelta(days=90)).isoformat()
    r = c.post("/api/tracking/warnings/notify", params={"on": future}, headers=t["theo_doi"])
    assert r.status_code == 400, r.text
    assert "Chỉ tạo cảnh báo cho hôm nay" in r.json()["detail"]["message"]
    assert "dry_run" in r.json()["detail"]["hint"]
    r = c.post("/api/tracking/warnings/notify", params={"on": future, "dry_run": True}, headers=t["theo_doi"])
    assert r.status_code == 403
    assert _notifications(c) == 0
    r = c.post("/api/tracking/warnings/notify", headers=t["theo_doi"])  # today: the real run
    assert r.status_code == 200 and [n["level"] for n in r.json()] == ["do_dac_biet"] * 3
    assert _notifications(c) == 3


def test_an_admin_dry_run_stores_and_sends_nothing(api):
    c, t = api, api.tokens
    future = (date.today() + timedelta(days=90)).isoformat()
    r = c.post("/api/tracking/warnings/notify", params={"on": future, "dry_run": True}, headers=t["admin"])
    assert r.status_code == 200, r.text
    assert {n["audience"] for n in r.json()} == {"unit", "unit_head", "assigner"}
    assert _notifications(c) == 0
    # …and the genuine warnings of today are still created afterwards.
    assert len(c.post("/api/tracking/warnings/notify", headers=t["admin"]).json()) == 3
