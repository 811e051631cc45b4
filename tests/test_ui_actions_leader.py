"""Issue 15, the leader's landing page and the print views (TestClient, SQLite): overdue and
due-soon tasks by unit with completion rates and the meetings of this week; the task list
(with its filters) and a task's history as printable pages."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

import db
from db import accounts
from ketluan.settings import Settings
from tracking.daily import local_today

PASSWORD = "mat-khau-thu-nghiem"
TODAY = local_today(Settings())  # the page's day: the offices' time zone's


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
        accounts.create_user(s, "lanhdao", PASSWORD, "lanh_dao", "VP-TU", "Trần Văn Lãnh")
        accounts.create_user(s, "td", PASSWORD, "theo_doi", "VP-TU")
        accounts.create_user(s, "stc", PASSWORD, "don_vi", "STC")
        tasks = [
            ParsedTask(
                f"Nhiệm vụ tài chính {k}", "Sở Tài chính", deadline_kind="co_han", due=TODAY - timedelta(days=10)
            )
            for k in range(3)
        ]
        tasks.append(
            ParsedTask(
                "Nhiệm vụ tài chính sắp hạn", "Sở Tài chính", deadline_kind="co_han", due=TODAY + timedelta(days=1)
            )
        )
        tasks += [
            ParsedTask(f"Nhiệm vụ xây dựng {k}", "Sở Xây dựng", deadline_kind="co_han", due=TODAY + timedelta(days=60))
            for k in range(2)
        ]
        notice = ParsedNotice("02-TB/TU", TODAY - timedelta(days=30), tasks)
        imports.confirm(s, imports.preview(s, [notice], ids["VP-TU"]).id)
        monday = TODAY - timedelta(days=TODAY.weekday())
        s.add(db.Meeting(unit_id=ids["VP-TU"], title="Giao ban đầu tuần", date=monday, chair="Bí thư"))
        s.add(db.Meeting(unit_id=ids["VP-TU"], title="Họp tuần trước", date=monday - timedelta(days=3)))
        s.add(db.Meeting(unit_id=ids["STC"], title="Họp của đơn vị khác", date=monday))
    with TestClient(app) as client:
        client.ids = ids
        yield client
    app.state.engine.dispose()


def _as(c: TestClient, username: str) -> dict:
    c.cookies.clear()
    r = c.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_the_leader_lands_on_overdue_by_unit_rates_and_the_weeks_meetings(api):
    auth = _as(api, "stc")  # one task done, so a rate shows
    task = api.get("/api/tracking/tasks", headers=auth).json()["items"][0]
    api.post(
        f"/api/tracking/tasks/{task['id']}/progress",
        headers=auth,
        json={"progress": 100, "result": "Xong", "report_done": True},
    )
    auth = _as(api, "td")
    assert api.post(f"/api/tracking/tasks/{task['id']}/accept", headers=auth, json={}).status_code == 200
    _as(api, "lanhdao")
    r = api.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/leader"
    page = api.get("/leader").text
    assert 'href="/leader"' in page and "Tổng quan chỉ đạo" in page
    stc, sxd = api.ids["STC"], api.ids["SXD"]
    row = page[page.index(f'<tr data-unit="{stc}">') :]
    row = row[: row.index("</tr>")]
    # Sở Tài chính: 4 tasks, 2 overdue (one of the 3 late ones is done), 1 due soon, 1 done late → 25%
    cells = [c.split("</td>")[0] for c in row.split("<td")[1:]]
    assert "Sở Tài chính" in cells[0] and ">4<" in f">{cells[1].split('>')[-1]}<"
    assert ">2</b>" in cells[2] and ">1</a>" in cells[3] and "1 trễ hạn" in cells[4] and "25%" in cells[5]
    assert page.index(f'data-unit="{stc}"') < page.index(f'data-unit="{sxd}"')  # most overdue first
    assert "<span data-rate>17%</span>" in page  # 1 of 6
    assert "Giao ban đầu tuần" in page and "Họp tuần trước" not in page and "Họp của đơn vị khác" not in page
    assert "Cuộc họp và công việc xử lý" not in page  # not the technical job list
    _as(api, "stc")
    assert api.get("/leader").status_code == 403


def test_the_task_list_prints_with_its_filters(api):
    _as(api, "td")
    page = api.get("/tracking", params={"unit_id": api.ids["SXD"]}).text
    assert f'href="/tracking/print?unit_id={api.ids["SXD"]}"' in page
    printed = api.get("/tracking/print", params={"unit_id": api.ids["SXD"]}).text
    assert "Danh sách nhiệm vụ theo dõi" in printed and "đơn vị: Sở Xây dựng" in printed
    assert printed.count("Nhiệm vụ xây dựng") == 2 and "Nhiệm vụ tài chính" not in printed
    assert "<nav>" not in printed and "data-print-now" in printed
    everything = api.get("/tracking/print").text
    assert everything.count("<tr>") == 7  # the head and six tasks
    assert api.get("/tracking/print", params={"issued_from": "31/02/2026"}).status_code == 400


def test_a_tasks_history_prints(api):
    auth = _as(api, "td")
    task = api.get("/api/tracking/tasks", headers=auth).json()["items"][0]
    api.patch(
        f"/api/tracking/tasks/{task['id']}",
        headers=auth,
        json={"due_on": (TODAY + timedelta(days=30)).isoformat(), "note": "Gia hạn"},
    )
    assert f'href="/tracking/tasks/{task["id"]}/print"' in api.get(f"/tracking/tasks/{task['id']}").text
    printed = api.get(f"/tracking/tasks/{task['id']}/print").text
    assert f"Quá trình thực hiện nhiệm vụ {task['code']}" in printed
    assert "Nhập từ văn bản" in printed and "Sửa nhiệm vụ" in printed and "Gia hạn" in printed
    assert "Thời hạn (loại, hạn)" in printed and "<nav>" not in printed
    _as(api, "stc")  # a unit prints its own task's history
    assert api.get(f"/tracking/tasks/{task['id']}/print").status_code == 200


def test_the_week_without_meetings_says_it_lists_them_by_meeting_date(api):
    """Walking the chain as a new office: a meeting held in August and uploaded this week was
    not in the list (it lists meetings by their date), while the page said no meeting had been
    uploaded this week."""
    with db.session(api.app.state.engine) as s:
        for meeting in s.query(db.Meeting):
            meeting.date = TODAY - timedelta(days=100)
    _as(api, "lanhdao")
    page = api.get("/leader").text
    assert "Không có cuộc họp nào có ngày họp trong tuần này." in page
    assert "được tải bản ghi" not in page
