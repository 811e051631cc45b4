"""Issue 15, everyday actions of the admin (TestClient, SQLite): edit a user's name, role and
unit from the admin page, and read the audit log with filters (who read which recording,
transcript or draft, and when)."""

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import db
from db import accounts
from ketluan.settings import Settings

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def api(tmp_path):
    from api import create_app

    app = create_app(Settings(data_dir=tmp_path / "data"), send=lambda job_id, stage: None)
    with db.session(app.state.engine) as s:
        unit = accounts.ensure_unit(s, "VP", "Văn phòng")
        accounts.ensure_unit(s, "SXD", "Sở Xây dựng")
        accounts.create_user(s, "quantri", PASSWORD, "admin", None)
        accounts.create_user(s, "vanthu", PASSWORD, "van_thu", "VP", "Nguyễn Thị Thư")
        accounts.create_user(s, "tonghop", PASSWORD, "tong_hop", "VP")
        s.add(db.Meeting(unit_id=unit.id, title="Họp giao ban tháng 11"))
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def _sign_in(c, username: str) -> dict:
    c.cookies.clear()
    r = c.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _user_id(api, username: str) -> int:
    with db.session(api.app.state.engine) as s:
        return s.scalar(select(db.User.id).where(db.User.username == username))


def test_the_admin_edits_a_users_name_role_and_unit(api):
    auth = _sign_in(api, "quantri")
    page = api.get("/admin").text
    uid = _user_id(api, "vanthu")
    assert 'id="user-edit-form"' in page and "data-edit-user" in page
    row = f'data-user="{uid}" data-username="vanthu" data-full-name="Nguyễn Thị Thư" data-role="van_thu"'
    assert f'{row} data-unit="VP"' in page
    r = api.patch(
        f"/api/users/{uid}", headers=auth, json={"full_name": "Nguyễn Thị Thu", "role": "don_vi", "unit_code": "SXD"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["full_name"], r.json()["role"], r.json()["unit_code"]) == ("Nguyễn Thị Thu", "don_vi", "SXD")
    assert 'data-full-name="Nguyễn Thị Thu" data-role="don_vi" data-unit="SXD"' in api.get("/admin").text
    # a unit role needs a unit, said in words that point at the field
    r = api.patch(f"/api/users/{uid}", headers=auth, json={"role": "van_thu", "unit_code": ""})
    assert r.status_code == 400 and "Đơn vị" in r.json()["detail"]["hint"]
    with db.session(api.app.state.engine) as s:
        event = s.scalars(
            select(db.AuditEvent).where(db.AuditEvent.action == "update", db.AuditEvent.object_type == "user")
        ).one()
        assert event.detail["fields"] == ["full_name", "role", "unit_code"]
    # the new role applies at once: the unit account no longer sees meetings
    _sign_in(api, "vanthu")
    assert api.get("/meetings").status_code == 403


def test_the_audit_log_shows_who_read_what_and_filters(api):
    auth = _sign_in(api, "vanthu")
    with db.session(api.app.state.engine) as s:
        mid = s.scalar(select(db.Meeting.id))
    api.get(f"/api/meetings/{mid}/transcript", headers=auth)  # 404, nothing read
    with db.session(api.app.state.engine) as s:  # what the routes record when a file is read
        old = dt.datetime(2026, 1, 5, 3, 0, tzinfo=dt.UTC)
        s.add(
            db.AuditEvent(
                username="tonghop",
                action="read",
                object_type="transcript",
                object_id=3,
                meeting_id=mid,
                ip="10.0.0.7",
                at=old,
            )
        )
        s.add(
            db.AuditEvent(
                username="vanthu", action="download", object_type="audio", object_id=1, meeting_id=mid, ip="10.0.0.8"
            )
        )
        s.add(
            db.AuditEvent(
                username="vanthu",
                action="read",
                object_type="draft",
                object_id=2,
                meeting_id=999,
                ip="10.0.0.8",
                detail={"title": "Họp đã xóa"},
            )
        )
        s.commit()
    _sign_in(api, "vanthu")
    assert api.get("/admin/audit").status_code == 403
    auth = _sign_in(api, "quantri")
    assert 'href="/admin/audit"' in api.get("/admin").text
    page = api.get("/admin/audit").text
    assert "Nhật ký truy cập" in page and "Bản chép lời #3" in page and "Bản ghi âm #1" in page
    assert "Họp giao ban tháng 11" in page and "(đã xóa: Họp đã xóa)" in page
    assert "05/01/2026 10:00:00" in page  # local time (UTC+7), day first
    page = api.get("/admin/audit", params={"username": "vanthu", "action": "download"}).text
    assert "Bản ghi âm #1" in page and "Bản chép lời #3" not in page and "Dự thảo #2" not in page
    page = api.get("/admin/audit", params={"object_type": "transcript"}).text
    assert "Bản chép lời #3" in page and "Bản ghi âm #1" not in page
    page = api.get("/admin/audit", params={"since": "2026-01-05", "until": "2026-01-05"}).text
    assert "Bản chép lời #3" in page and "Bản ghi âm #1" not in page
    page = api.get("/admin/audit", params={"meeting_id": "999"}).text
    assert "Dự thảo #2" in page and "Bản chép lời #3" not in page
    page = api.get("/admin/audit", params={"username": "tonghop", "object_type": "audio"}).text
    assert "khớp bộ lọc" in page and "Bỏ lọc" in page
    assert api.get("/admin/audit", params={"since": "31/02/2026"}).status_code == 400
    events = api.get("/api/audit", headers=auth, params={"object_type": "transcript", "action": "read"}).json()
    assert [(e["username"], e["object_id"]) for e in events] == [("tonghop", 3)]


def test_every_audit_detail_is_named_in_vietnamese(api):
    """Walking the chain as a new office, the audit log read "part: conclusion": every detail
    a route records (the keywords of its `audit(...)` call) has a Vietnamese name on the page."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    calls = " ".join(re.sub(r"\s+", " ", p.read_text(encoding="utf-8")) for p in (root / "api").rglob("*.py"))
    keys = {k for call in re.findall(r"audit\(s, request,[^)]*\)", calls) for k in re.findall(r"\b(\w+)=", call)}
    template = (root / "api" / "templates" / "audit.html").read_text(encoding="utf-8")
    names = template[template.index("detail_names = {") : template.index("} %}")]
    assert keys and not [k for k in keys if f'"{k}":' not in names]
    with db.session(api.app.state.engine) as s:
        mid = s.scalar(select(db.Meeting.id))
        s.add(
            db.AuditEvent(
                username="tonghop",
                action="read",
                object_type="draft",
                object_id=2,
                meeting_id=mid,
                detail={"version": 3, "part": "conclusion"},
            )
        )
    _sign_in(api, "quantri")
    page = api.get("/admin/audit").text
    assert "phiên bản: 3; phần: phần kết luận và bảng nhiệm vụ" in page and "part" not in page
