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
        url = f"sqlite:///{tmp_path / 'k.sqlite'}" if request.param == "sqlite" else stack.enter_context(new_database())
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
    notice = ParsedNotice(
        "3-TB/VP",
        today - timedelta(days=40),
        [
            ParsedTask(
                "Báo cáo tiến độ giải ngân", "Sở Tài chính", deadline_kind="co_han", due=today - timedelta(days=20)
            )
        ],
    )
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
        notice = ParsedNotice(
            "4-TB/VP",
            date(2026, 8, 25),
            [
                ParsedTask(
                    "Ban hành kế hoạch",
                    "Sở Xây dựng",
                    deadline_kind=WITHIN_DAYS,
                    deadline_phrase="trong 10 ngày làm việc",
                )
            ],
        )
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
    body = (
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename*=bogus''ban%20ghi.wav\r\n"
        b"Content-Type: audio/wav\r\n\r\nRIFF\r\n--b--\r\n"
    )
    r = c.post(
        f"/api/meetings/{meeting}/audio",
        content=body,
        headers={**c.tokens["van_thu"], "content-type": "multipart/form-data; boundary=b"},
    )
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
    if (
        kind == "string"
        and "maxLength" not in schema
        and "enum" not in schema
        and "const" not in schema
        and schema.get("format") not in ("date", "date-time", "binary")
    ):
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
    r = c.post(
        "/api/meetings", headers=c.tokens["van_thu"], json={"title": "Họp", "attendees": ["Ông A " + "x" * 100_000]}
    )
    assert r.status_code == 422, r.text
    assert "attendees" in r.json()["detail"]["message"]


# -- finding 4: a duplicate recording reveals nothing of the other unit ------------------------


def test_the_same_recording_in_two_units_shares_the_file_and_nothing_else(tmp_path):
    import io

    import numpy as np

    from tests.media import write_audio

    wav = write_audio(tmp_path / "a.wav", (0.1 * np.sin(np.arange(32000) / 5)).astype(np.float32))
    app = create_app(Settings(data_dir=tmp_path / "data"), send=lambda job_id, stage: None)
    tokens = {}
    with db.session(app.state.engine) as s:
        for name, unit in (("vanthu.a", "DV-A"), ("vanthu.b", "DV-B")):
            user = accounts.create_user(s, name, PASSWORD, "van_thu", unit)
            tokens[unit] = {"Authorization": f"Bearer {accounts.issue_token(s, user, 'api', None)}"}
    with TestClient(app) as c:

        def upload(unit: str, name: str):
            meeting = c.post("/api/meetings", json={"title": f"Họp {unit}"}, headers=tokens[unit]).json()["id"]
            files = {"file": (name, io.BytesIO(wav.read_bytes()), "audio/wav")}
            return meeting, c.post(f"/api/meetings/{meeting}/audio", files=files, headers=tokens[unit])

        _, a = upload("DV-A", "hop-mat-so-7.wav")
        meeting_b, b = upload("DV-B", "ban-ghi-cua-b.wav")
        assert a.status_code == b.status_code == 202, b.text
        a_audio, b_audio = a.json()["audio"], b.json()["audio"]
        assert b_audio["original_name"] == "ban-ghi-cua-b.wav"
        assert b_audio["id"] != a_audio["id"] and b_audio["created_at"] > a_audio["created_at"]
        assert "hop-mat-so-7" not in b.text
        got = c.get(f"/api/meetings/{meeting_b}/audio", headers=tokens["DV-B"])
        assert got.status_code == 200 and "ban-ghi-cua-b.wav" in got.headers["content-disposition"]
        assert "hop-mat-so-7" not in c.get(f"/api/meetings/{meeting_b}", headers=tokens["DV-B"]).text
        assert "hop-mat-so-7" not in c.get("/api/meetings", headers=tokens["DV-B"]).text
        # Stored once; within one unit a second upload is still refused as a duplicate.
        stored = [p for p in app.state.store.stored() if p.name == a_audio["sha256"]]
        assert len(stored) == 1
        _, again = upload("DV-B", "lan-nua.wav")
        assert again.status_code == 409 and "Họp DV-B" in again.json()["detail"]["message"]
    app.state.engine.dispose()


def test_migration_splits_a_recording_shared_by_two_units(engine_at_0005):
    engine = engine_at_0005
    stamp = "2026-05-01 08:00:00"
    with engine.begin() as c:
        for unit in (1, 2):
            c.exec_driver_sql(
                f"INSERT INTO units (id, code, name, created_at) VALUES ({unit}, 'U{unit}', 'U', '{stamp}')"
            )
        c.exec_driver_sql(
            "INSERT INTO audio_files (sha256, size, duration, format, codec, sample_rate, channels,"
            " storage_path, original_name, created_at)"
            f" VALUES ('ab', 1, 1, 'wav', '', 0, 0, 'ab', 'cua-a.wav', '{stamp}')"
        )
        first = c.exec_driver_sql("SELECT id FROM audio_files").scalar()
        for meeting, unit in ((1, 1), (2, 2), (3, 2)):
            c.exec_driver_sql(
                "INSERT INTO meetings (id, unit_id, title, issuing_body, superior_body, place, chair, attendees,"
                " notice_number, format, glossary, audio_id, created_at, updated_at)"
                f" VALUES ({meeting}, {unit}, 'Họp', '', '', '', '', '[]', '', 'state', '', {first},"
                f" '{stamp}', '{stamp}')"
            )
            c.exec_driver_sql(
                "INSERT INTO jobs (id, meeting_id, audio_id, state, stage, progress, error_code, error_message,"
                " error_hint, attempts, log, created_at, updated_at)"
                f" VALUES ({meeting}, {meeting}, {first}, 'done', 'cpu',"
                f" 1, '', '', '', 1, '[]', '{stamp}', '{stamp}')"
            )
    db.migrate(engine)
    with engine.connect() as c:
        meetings = dict(c.exec_driver_sql("SELECT id, audio_id FROM meetings").all())
        jobs = dict(c.exec_driver_sql("SELECT meeting_id, audio_id FROM jobs").all())
        rows = {
            r[0]: r[1:]
            for r in c.exec_driver_sql("SELECT id, unit_id, original_name, storage_path FROM audio_files").all()
        }
    assert meetings[1] == first and meetings[2] == meetings[3] != first and jobs == meetings
    assert rows[first] == (1, "cua-a.wav", "ab") and rows[meetings[2]] == (2, "", "ab")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_at_0005(request, tmp_path):
    import contextlib

    with contextlib.ExitStack() as stack:
        url = (
            f"sqlite:///{tmp_path / 'old.sqlite'}" if request.param == "sqlite" else stack.enter_context(new_database())
        )
        engine = db.make_engine(url)
        db.migrate(engine, "0005")
        yield engine
        engine.dispose()


# -- finding 16: decided and built ---------------------------------------------------------------


def test_an_admin_deactivates_a_user_and_anyone_revokes_one_token(api):
    c, t = api, api.tokens
    first = c.post("/api/auth/tokens", json={"label": "máy chấm công"}, headers=t["van_thu"]).json()
    second = c.post("/api/auth/tokens", json={"label": "phần mềm theo dõi"}, headers=t["van_thu"]).json()
    mine = c.get("/api/auth/tokens", headers=t["van_thu"]).json()
    assert {first["id"], second["id"]} <= {x["id"] for x in mine} and "token" not in mine[0]
    # One token revoked: it stops working at once, the others go on.
    assert c.delete(f"/api/auth/tokens/{first['id']}", headers=t["theo_doi"]).status_code == 404  # not theirs
    assert c.delete(f"/api/auth/tokens/{first['id']}", headers=t["van_thu"]).status_code == 204
    assert c.get("/api/auth/me", headers={"Authorization": f"Bearer {first['token']}"}).status_code == 401
    assert c.get("/api/auth/me", headers={"Authorization": f"Bearer {second['token']}"}).status_code == 200
    # Deactivated: every token and session ends, sign-in is refused; reactivated: sign-in works.
    user_id = c.get("/api/auth/me", headers=t["van_thu"]).json()["id"]
    assert len(c.get(f"/api/users/{user_id}/tokens", headers=t["admin"]).json()) >= 2
    r = c.patch(f"/api/users/{user_id}", json={"active": False}, headers=t["admin"])
    assert r.status_code == 200 and r.json()["active"] is False
    assert c.get("/api/auth/me", headers=t["van_thu"]).status_code == 401
    assert c.get("/api/auth/me", headers={"Authorization": f"Bearer {second['token']}"}).status_code == 401
    login = {"username": "vanthu", "password": PASSWORD}
    assert c.post("/api/auth/login", json=login).status_code == 401
    assert c.patch(f"/api/users/{user_id}", json={"active": False}, headers=t["van_thu"]).status_code == 401
    admin_id = c.get("/api/auth/me", headers=t["admin"]).json()["id"]
    assert c.patch(f"/api/users/{admin_id}", json={"active": False}, headers=t["admin"]).status_code == 400
    assert c.patch(f"/api/users/{user_id}", json={"active": True}, headers=t["admin"]).status_code == 200
    assert c.post("/api/auth/login", json=login).status_code == 200


def test_api_description_is_for_admins_unless_set_public(tmp_path):
    for setting, anonymous, admin in (("admin", 401, 200), ("public", 200, 200), ("off", 404, 404)):
        app = create_app(Settings(data_dir=tmp_path / setting, api_docs=setting), send=lambda j, s: None)
        with db.session(app.state.engine) as s:
            user = accounts.create_user(s, "quantri", PASSWORD, "admin")
            auth = {"Authorization": f"Bearer {accounts.issue_token(s, user, 'api', None)}"}
        with TestClient(app) as c:
            for path in ("/openapi.json", "/docs"):
                assert c.get(path).status_code == anonymous, (setting, path)
                assert c.get(path, headers=auth).status_code == admin, (setting, path)
        app.state.engine.dispose()


def test_x_forwarded_for_is_not_believed_unless_configured(tmp_path):
    import threading

    import httpx
    import uvicorn

    from cli.worker import proxy_options
    from tests.service_fixtures import free_port, wait_for

    for allowed, expected in (("", "ip:127.0.0.1"), ("127.0.0.1", "ip:10.9.8.7")):
        app = create_app(Settings(data_dir=tmp_path / (allowed or "none")), send=lambda j, s: None)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **proxy_options(allowed))
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        wait_for(lambda server=server: server.started, 20, "uvicorn")
        r = httpx.post(
            f"http://127.0.0.1:{port}/api/auth/login",
            json={"username": "ai", "password": "sai"},
            headers={"X-Forwarded-For": "10.9.8.7"},
        )
        server.should_exit = True
        thread.join(10)
        assert r.status_code == 401
        with db.session(app.state.engine) as s:
            keys = set(s.scalars(select(db.LoginThrottle.key)))
        assert expected in keys, (allowed, keys)
        app.state.engine.dispose()


def test_an_upload_cut_short_by_a_dead_api_is_removed_at_once(tmp_path):
    import subprocess
    import sys

    store = db.FileStore(tmp_path / "files")
    code = (
        "import sys, os; from db.storage import FileStore; s = FileStore(sys.argv[1]); "
        "cm = s.incoming(); p = cm.__enter__(); p.write_bytes(b'x' * 1000); print(p); os._exit(0)"
    )
    dead = subprocess.run(
        [sys.executable, "-c", code, str(store.root)], capture_output=True, text=True, check=True
    ).stdout.strip()
    with store.incoming() as live:  # this process is alive: its file stays
        assert {str(p) for p in store.leftovers()} == {dead, str(live)}
        app = create_app(Settings(data_dir=tmp_path), send=lambda j, s: None)  # an API starts
        assert [str(p) for p in store.leftovers()] == [str(live)]
        app.state.engine.dispose()
