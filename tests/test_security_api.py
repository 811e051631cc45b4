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


# -- finding 11: values out of range are clear 4xx answers ------------------------------------

BIG = str(2**63)


def _within_days_notice(c) -> int:
    from tracking import imports
    from tracking.source import ParsedNotice, ParsedTask
    from tracking.status import WITHIN_DAYS

    with db.session(c.app.state.engine) as s:
        office = accounts.ensure_unit(s, "VP")
        notice = ParsedNotice("4-TB/VP", date(2026, 8, 25), [ParsedTask(
            "Ban hành kế hoạch", "Sở Xây dựng", deadline_kind=WITHIN_DAYS,
            deadline_phrase="trong 10 ngày làm việc")])
        imports.confirm(s, imports.preview(s, [notice], office.id).id)
        return s.scalar(select(db.TrackedNotice.id).where(db.TrackedNotice.number == "4-TB/VP"))


def _meeting(c) -> int:
    r = c.post("/api/meetings", json={"title": "Họp thử giới hạn"}, headers=c.tokens["van_thu"])
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_the_listed_500s_are_clear_4xx(api):
    c, t = api, api.tokens
    meeting, notice = _meeting(c), _within_days_notice(c)
    nul = "Họp\x00giao ban"
    calls = [
        ("GET", f"/api/meetings/{BIG}", t["admin"], None),
        ("GET", f"/api/meetings/{meeting}/drafts/{BIG}/conclusion", t["admin"], None),
        ("GET", f"/api/meetings/{meeting}/transcript?version={BIG}", t["admin"], None),
        ("GET", f"/api/tracking/tasks?offset={BIG}", t["admin"], None),
        ("GET", f"/api/tracking/tasks?unit_id={BIG}", t["admin"], None),
        ("GET", f"/api/tracking/tasks/{BIG}", t["admin"], None),
        ("GET", f"/api/units/{BIG}/glossary", t["admin"], None),
        ("GET", f"/meetings/{BIG}", t["admin"], None),  # a web page
        ("GET", "/api/tracking/dashboard?on=9999-12-31", t["theo_doi"], None),
        ("GET", "/api/tracking/warnings?on=9999-12-31", t["theo_doi"], None),
        ("GET", "/api/tracking/tasks?updated_since=0001-01-01T00:00:00%2B14:00", t["theo_doi"], None),
        ("POST", f"/api/tracking/notices/{notice}/received", t["theo_doi"], {"received_on": "9999-12-30"}),
        ("POST", "/api/meetings", t["van_thu"], {"title": nul}),
        ("POST", "/api/meetings", t["van_thu"], {"title": "Họp", "attendees": ["Ông A\x00"]}),
        ("PATCH", f"/api/meetings/{meeting}", t["van_thu"], {"glossary": "Sở\x00Tài chính"}),
        ("GET", "/api/meetings?q=a%00b", t["van_thu"], None),
        ("POST", "/api/auth/login", {}, {"username": "van\x00thu", "password": "x"}),
    ]
    for method, path, headers, body in calls:
        r = c.request(method, path, headers=headers, json=body)
        where = f"{c.kind}: {method} {path} {body} → {r.status_code} {r.text[:200]}"
        assert 400 <= r.status_code < 500, where
        if path.startswith("/api"):
            assert r.json()["detail"]["message"] and r.json()["detail"]["code"] != "internal", where


def test_a_bogus_filename_charset_is_a_clear_400(api):
    c = api
    meeting = _meeting(c)
    body = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename*=bogus''ban%20ghi.wav\r\n"
            b"Content-Type: audio/wav\r\n\r\nRIFF\r\n--b--\r\n")
    r = c.post(f"/api/meetings/{meeting}/audio", content=body,
               headers={**c.tokens["van_thu"], "content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 400, r.text
    assert "bảng mã 'bogus'" in r.json()["detail"]["message"]


# -- finding 13: every text field is bounded --------------------------------------------------


def _unbounded(spec: dict, schema: dict, where: str, seen: set) -> list[str]:
    """Strings without maxLength, arrays without maxItems, maps without maxProperties."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen.add(name)
        return _unbounded(spec, spec["components"]["schemas"][name], name, seen)
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found += _unbounded(spec, sub, where, seen)
    kind = schema.get("type")
    if kind == "string" and "maxLength" not in schema and "enum" not in schema and "const" not in schema \
            and schema.get("format") not in ("date", "date-time", "binary"):
        found.append(where)
    if kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}[]")
        found += _unbounded(spec, schema.get("items", {}), f"{where}[]", seen)
    if kind == "object":
        for name, prop in schema.get("properties", {}).items():
            found += _unbounded(spec, prop, f"{where}.{name}", seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            if "maxProperties" not in schema:
                found.append(f"{where}{{}}")
            found += _unbounded(spec, extra, f"{where}{{}}", seen)
    return found


def test_every_text_field_and_list_in_a_request_is_bounded(tmp_path):
    app = create_app(Settings(data_dir=tmp_path), send=lambda job_id, stage: None)
    spec = app.openapi()
    unbounded = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                unbounded += _unbounded(spec, param["schema"], f"{method} {path} ?{param['name']}", set())
            for media in op.get("requestBody", {}).get("content", {}).values():
                unbounded += [f"{method} {path}: {w}" for w in _unbounded(spec, media["schema"], "body", set())]
    app.state.engine.dispose()
    assert unbounded == [], "unbounded request fields:\n" + "\n".join(sorted(set(unbounded)))


def test_attendees_are_bounded_item_by_item(api):
    c = api
    r = c.post("/api/meetings", headers=c.tokens["van_thu"],
               json={"title": "Họp", "attendees": ["Ông A " + "x" * 100_000]})
    assert r.status_code == 422, r.text
    assert "attendees" in r.json()["detail"]["message"]
