"""Issue 15, everyday tracking actions (TestClient, SQLite): the notice's received date from the
task page, deleting a wrong evidence file, accepting results and moving deadlines in bulk, and a
notifications list where a unit reads its warnings and returned results."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import db
from db import accounts
from ketluan.settings import Settings

PASSWORD = "mat-khau-thu-nghiem"
PAST = date.today() - timedelta(days=20)


@pytest.fixture
def api(tmp_path):
    from api import create_app
    from tracking import imports
    from tracking.source import ParsedNotice, ParsedTask

    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'k.sqlite'}")
    app = create_app(settings, send=lambda job_id, stage: None)
    ids = {}
    with db.session(app.state.engine) as s:
        for code, name in (("VP-TU", "Văn phòng Tỉnh ủy"), ("STC", "Sở Tài chính"), ("SXD", "Sở Xây dựng")):
            ids[code] = accounts.ensure_unit(s, code, name).id
        accounts.create_user(s, "td", PASSWORD, "theo_doi", "VP-TU")
        accounts.create_user(s, "lanhdao", PASSWORD, "lanh_dao", "VP-TU")
        accounts.create_user(s, "stc", PASSWORD, "don_vi", "STC")
        accounts.create_user(s, "sxd", PASSWORD, "don_vi", "SXD")
        tasks = [
            ParsedTask(f"Nhiệm vụ tài chính {k}", "Sở Tài chính", deadline_kind="co_han", due=PAST) for k in range(3)
        ]
        tasks.append(
            ParsedTask(
                "Báo cáo trong 10 ngày", "Sở Xây dựng", deadline_kind="trong_n_ngay", deadline_phrase="trong 10 ngày"
            )
        )
        notice = ParsedNotice("02-TB/TU", date.today() - timedelta(days=30), tasks)
        imports.confirm(s, imports.preview(s, [notice], ids["VP-TU"]).id)
    with TestClient(app) as client:
        client.ids = ids
        yield client
    app.state.engine.dispose()


def _as(c: TestClient, username: str) -> dict:
    c.cookies.clear()
    r = c.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _tasks(c, auth) -> list[dict]:
    return c.get("/api/tracking/tasks", headers=auth).json()["items"]


def _report(c, auth, task_id: int, result: str = "Đã hoàn thành rà soát") -> None:
    r = c.post(
        f"/api/tracking/tasks/{task_id}/progress",
        headers=auth,
        json={"progress": 100, "result": result, "report_done": True},
    )
    assert r.status_code == 200, r.text


def test_the_tracker_records_the_notices_received_date_on_the_task_page(api):
    auth = _as(api, "td")
    task = next(t for t in _tasks(api, auth) if t["deadline_kind"] == "trong_n_ngay")
    page = api.get(f"/tracking/tasks/{task['id']}").text
    assert 'id="received-form"' in page and "chưa ghi" in page
    notice = api.get("/api/tracking/notices", headers=auth).json()[0]
    day = date.today() - timedelta(days=3)
    r = api.post(f"/api/tracking/notices/{notice['id']}/received", headers=auth, json={"received_on": day.isoformat()})
    assert r.status_code == 200, r.text
    page = api.get(f"/tracking/tasks/{task['id']}").text
    assert f"<span data-received>{day:%d/%m/%Y}</span>" in page
    assert (
        api.get(f"/api/tracking/tasks/{task['id']}", headers=auth).json()["due_on"]
        == (day + timedelta(days=10)).isoformat()
    )
    _as(api, "sxd")  # the unit sees the date, not the form
    page = api.get(f"/tracking/tasks/{task['id']}").text
    assert 'id="received-form"' not in page and f"nhận ngày <span data-received>{day:%d/%m/%Y}" in page


def test_a_unit_deletes_a_wrong_evidence_file(api):
    unit = _as(api, "stc")
    task = _tasks(api, unit)[0]
    r = api.post(
        f"/api/tracking/tasks/{task['id']}/evidence",
        headers=unit,
        files={"file": ("nham.pdf", b"%PDF-1.4 not this one", "application/pdf")},
    )
    assert r.status_code == 201, r.text
    evidence = r.json()["id"]
    with db.session(api.app.state.engine) as s:
        path = api.app.state.store.path(s.get(db.TaskEvidence, evidence).storage_path)
    assert path.exists()
    page = api.get(f"/tracking/tasks/{task['id']}").text
    assert f'data-delete-evidence="{evidence}"' in page
    assert '<span class="muted">21 byte</span>' in page  # not "0.0 KB" (walking the chain as a new office)
    # another unit cannot
    other = _as(api, "sxd")
    assert api.delete(f"/api/tracking/tasks/{task['id']}/evidence/{evidence}", headers=other).status_code in (403, 404)
    unit = _as(api, "stc")
    assert api.delete(f"/api/tracking/tasks/{task['id']}/evidence/{evidence}", headers=unit).status_code == 204
    assert not path.exists()
    detail = api.get(f"/api/tracking/tasks/{task['id']}", headers=unit).json()
    assert detail["evidence"] == []
    assert any(e["action"] == "evidence_removed" and "nham.pdf" in e["note"] for e in detail["history"])
    assert "Xóa minh chứng: nham.pdf" in api.get(f"/tracking/tasks/{task['id']}").text
    r = api.delete(f"/api/tracking/tasks/{task['id']}/evidence/{evidence}", headers=unit)
    assert r.status_code == 404 and "Tải lại trang" in r.json()["detail"]["hint"]


def test_the_tracker_accepts_results_in_bulk_and_hears_which_were_refused(api):
    unit = _as(api, "stc")
    first, second, third = _tasks(api, unit)[:3]
    _report(api, unit, first["id"])
    _report(api, unit, second["id"])
    auth = _as(api, "td")
    page = api.get("/tracking").text
    assert 'id="bulk-form"' in page and f'data-select="{first["id"]}"' in page
    r = api.post(
        "/api/tracking/bulk/accept",
        headers=auth,
        json={"task_ids": [first["id"], second["id"], third["id"], 99999], "note": "Đạt yêu cầu"},
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["done"] == [first["code"], second["code"]]
    assert out["refused"][0]["code"] == third["code"] and "chưa có kết quả" in out["refused"][0]["message"]
    assert out["refused"][1]["task_id"] == 99999
    rows = {t["id"]: t for t in _tasks(api, auth)}
    assert rows[first["id"]]["done"] and rows[second["id"]]["done"] and not rows[third["id"]]["done"]
    _as(api, "lanhdao")  # readers get no bulk bar, and the API refuses them
    assert 'id="bulk-form"' not in api.get("/tracking").text
    lead = _as(api, "lanhdao")
    assert api.post("/api/tracking/bulk/accept", headers=lead, json={"task_ids": [third["id"]]}).status_code == 403


def test_the_tracker_moves_deadlines_in_bulk_with_history(api):
    auth = _as(api, "td")
    rows = _tasks(api, auth)
    ids = [t["id"] for t in rows]
    new = date.today() + timedelta(days=45)
    r = api.post(
        "/api/tracking/bulk/deadline",
        headers=auth,
        json={"task_ids": ids, "due_on": new.isoformat(), "note": "Gia hạn theo ý kiến Thường trực"},
    )
    assert r.status_code == 200, r.text
    assert len(r.json()["done"]) == len(ids) and r.json()["refused"] == []
    for t in _tasks(api, auth):
        assert t["due_on"] == new.isoformat() and t["deadline_kind"] == "co_han"
    detail = api.get(f"/api/tracking/tasks/{ids[0]}", headers=auth).json()
    edit = [e for e in detail["history"] if e["action"] == "edit"][-1]
    assert edit["note"] == "Gia hạn theo ý kiến Thường trực"
    assert edit["detail"]["changes"]["deadline"][1] == ["co_han", new.isoformat()]
    r = api.post("/api/tracking/bulk/deadline", headers=auth, json={"task_ids": ids, "due_on": "2026-02-31"})
    assert r.status_code == 422
    assert (
        api.post(
            "/api/tracking/bulk/deadline", headers=auth, json={"task_ids": [], "due_on": new.isoformat()}
        ).status_code
        == 422
    )


def test_a_unit_reads_its_warnings_and_returned_results(api):
    unit = _as(api, "stc")
    task = _tasks(api, unit)[0]
    _report(api, unit, task["id"], "Xong")
    auth = _as(api, "td")
    assert (
        api.post(
            f"/api/tracking/tasks/{task['id']}/return", headers=auth, json={"note": "Thiếu số liệu quý III"}
        ).status_code
        == 200
    )
    api.post("/api/tracking/warnings/notify", headers=auth)  # today's warnings (overdue: red)
    unit = _as(api, "stc")
    assert 'href="/tracking/notifications"' in api.get("/tracking").text
    page = api.get("/tracking/notifications").text
    assert "Trả lại kết quả" in page and "Thiếu số liệu quý III" in page and task["code"] in page
    assert "Đỏ" in page  # the overdue warning
    notes = api.get("/api/tracking/notifications", headers=unit).json()
    returned = next(n for n in notes if n["level"] == "tra_lai")
    assert api.post(f"/api/tracking/notifications/{returned['id']}/read", headers=unit).status_code == 200
    page = api.get("/tracking/notifications", params={"unread": "true"}).text
    assert "Thiếu số liệu quý III" not in page
    _as(api, "sxd")  # another unit sees none of it
    page = api.get("/tracking/notifications").text
    assert "Thiếu số liệu" not in page and "Chưa có thông báo nào" in page
    with db.session(api.app.state.engine) as s:
        assert (
            s.scalar(select(func.count()).select_from(db.Notification).where(db.Notification.level == "tra_lai")) == 1
        )
