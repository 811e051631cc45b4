"""Issue 15, the tracking side of the web interface, through the API and the server-rendered
pages (TestClient, SQLite): required fields and a history of old → new values (bug 2), exports
that carry the list's filters (5), a unit filter listing every unit once (6), results awaiting
review visible and filterable (10), unit codes, cards that follow the filters, the empty-filter
message and the password policy (14)."""

import io
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import db
from db import accounts
from ketluan.errors import InputError
from ketluan.settings import Settings

PASSWORD = "mat-khau-thu-nghiem"
PAST = date.today() - timedelta(days=20)


@pytest.fixture
def api(tmp_path):
    from api import create_app
    from tests.tracking_helpers import inline_sender
    from tracking import imports
    from tracking.source import ParsedNotice, ParsedTask

    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'k.sqlite'}")
    app = create_app(settings, send=lambda job_id, stage: None)
    app.state.send = inline_sender(app.state.engine, settings)  # exports run at once
    ids = {}
    with db.session(app.state.engine) as s:
        for code, name in (
            ("VP-TU", "Văn phòng Tỉnh ủy"),
            ("STC", "Sở Tài chính"),
            ("SXD", "Sở Xây dựng"),
            ("SYT", "Sở Y tế"),
        ):
            ids[code] = accounts.ensure_unit(s, code, name).id
        accounts.create_user(s, "td", PASSWORD, "theo_doi", "VP-TU")
        accounts.create_user(s, "stc", PASSWORD, "don_vi", "STC")
        accounts.create_user(s, "quantri", PASSWORD, "admin")
        tasks = [
            ParsedTask(f"Nhiệm vụ tài chính {k}", "Sở Tài chính", deadline_kind="co_han", due=PAST) for k in range(3)
        ]
        tasks += [
            ParsedTask(
                f"Nhiệm vụ xây dựng {k}", "Sở Xây dựng", deadline_kind="co_han", due=date.today() + timedelta(days=60)
            )
            for k in range(4)
        ]
        tasks.append(ParsedTask("Nhiệm vụ y tế", "Sở Y tế", deadline_kind="co_han", due=PAST))
        notice = ParsedNotice("02-TB/TU", date.today() - timedelta(days=30), tasks)
        imports.confirm(s, imports.preview(s, [notice], ids["VP-TU"]).id)
    with TestClient(app) as client:
        client.ids = ids
        yield client
    app.state.engine.dispose()


def _as(c: TestClient, username: str) -> dict:
    """A bearer for the API; the client's cookie signs in the pages as the same user."""
    c.cookies.clear()
    r = c.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.csrf = None
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _tasks(c, auth, **params) -> list[dict]:
    r = c.get("/api/tracking/tasks", params=params, headers=auth)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_bug2_required_fields_and_history_of_old_and_new_values(api):
    auth = _as(api, "td")
    task = _tasks(api, auth)[0]
    for body in ({"content": ""}, {"content": "   "}, {"lead": ""}):
        r = api.patch(f"/api/tracking/tasks/{task['id']}", json=body, headers=auth)
        assert r.status_code in (400, 422), (body, r.text)
    assert _tasks(api, auth)[0]["content"] == task["content"]
    with db.session(api.app.state.engine) as s:  # the domain refuses it too (the CLI path)
        from tracking import tasks

        row = s.get(db.TrackedTask, task["id"])
        with pytest.raises(InputError, match="không được để trống"):
            tasks.edit(s, row, s.scalar(select(db.User).where(db.User.username == "td")), content=" ")
    r = api.patch(
        f"/api/tracking/tasks/{task['id']}",
        headers=auth,
        json={"content": "Nội dung mới", "lead": task["lead"], "sector": "Tài chính"},
    )
    assert r.status_code == 200, r.text
    edit = [e for e in r.json()["history"] if e["action"] == "edit"][-1]
    # every changed field, old and new; an unchanged one (the lead) is not listed
    assert edit["detail"]["changes"] == {"content": [task["content"], "Nội dung mới"], "sector": ["", "Tài chính"]}
    page = api.get(f"/tracking/tasks/{task['id']}")
    assert page.status_code == 200
    assert "Nội dung</b>: “Nhiệm vụ tài chính 0” → “Nội dung mới”" in page.text


def _xlsx_codes(content: bytes) -> set[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return {
        str(c)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str) and re.fullmatch(r"02-TB/TU/\d{4}-\d+", c)
    }


def test_bug5_exports_carry_every_active_filter(api):
    auth = _as(api, "td")
    stc = api.ids["STC"]
    mine = {t["code"] for t in _tasks(api, auth, unit_id=stc)}
    assert len(mine) == 3
    r = api.get("/api/tracking/reports/export.xlsx", params={"unit_id": stc}, headers=auth)
    assert r.status_code == 200, r.text
    assert _xlsx_codes(r.content) == mine
    overdue = {t["code"] for t in _tasks(api, auth, status="qua_han")}
    r = api.post("/api/tracking/reports/exports", headers=auth, json={"format": "xlsx", "status": "qua_han"})
    assert r.status_code == 202, r.text
    job = api.get(f"/api/tracking/jobs/{r.json()['id']}", headers=auth).json()
    assert job["state"] == "done", job
    assert _xlsx_codes(api.get(job["download_url"], headers=auth).content) == overdue
    # the page's export links carry the filters
    page = api.get(f"/tracking?unit_id={stc}&status=qua_han").text
    link = re.search(r'data-export="xlsx" href="([^"]+)"', page).group(1)
    assert f"unit_id={stc}" in link and "status=qua_han" in link


def test_bug6_unit_filter_lists_every_visible_unit_once(api):
    _as(api, "td")
    page = api.get(f"/tracking?unit_id={api.ids['STC']}").text
    select_ = re.search(r'<select name="unit_id">(.*?)</select>', page, re.S).group(1)
    names = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select_)
    assert sorted(names) == ["Sở Tài chính", "Sở Xây dựng", "Sở Y tế"]


def test_bug10_a_reported_result_shows_as_awaiting_review(api):
    unit = _as(api, "stc")
    task = _tasks(api, unit)[0]
    r = api.post(
        f"/api/tracking/tasks/{task['id']}/progress",
        headers=unit,
        json={"progress": 100, "result": "Đã xong", "report_done": True},
    )
    assert r.status_code == 200, r.text
    page = api.get(f"/tracking/tasks/{task['id']}").text
    assert 'id="pending-review"' in page
    auth = _as(api, "td")
    waiting = _tasks(api, auth, status="cho_duyet")
    assert [t["id"] for t in waiting] == [task["id"]]
    page = api.get("/tracking?status=cho_duyet").text
    assert page.count("data-pending") == 1 and "Chờ duyệt kết quả" in page


def test_bug14_cards_follow_filters_and_empty_filter_message(api):
    _as(api, "td")
    everything = api.get("/tracking").text
    one = api.get(f"/tracking?unit_id={api.ids['SXD']}").text

    def red(page):  # red and special red: every overdue task
        return sum(int(n) for n in re.findall(r'<div class="stat (?:red|darkred)"><span>(\d+)</span>', page))

    assert red(everything) == 4 and red(one) == 0
    empty = api.get(f"/tracking?unit_id={api.ids['SXD']}&status=qua_han").text
    assert "Không có nhiệm vụ nào khớp bộ lọc" in empty and "Nhập văn bản”" not in empty


@pytest.mark.parametrize("code", ["so tai chinh", "stc", "SỞ-TC", "VP TU", ""])
def test_bug14_unit_codes_are_validated(api, code):
    auth = _as(api, "quantri")
    r = api.post("/api/units", headers=auth, json={"code": code, "name": "Đơn vị thử"})
    assert r.status_code in (400, 422), r.text
    if r.status_code == 400:
        assert "chữ in hoa" in r.json()["detail"]["hint"]
    r = api.post(
        "/api/users",
        headers=auth,
        json={"username": "nguoimoi", "password": "Giao-ban-sang-thu-2", "role": "van_thu", "unit_code": code},
    )
    assert r.status_code in (400, 422), r.text
    assert api.post("/api/units", headers=auth, json={"code": "SO-TC_2", "name": "Sở thử"}).status_code == 201


@pytest.mark.parametrize("password", ["12345678", "1234567890123", "matkhau", "Ha-Noi-26"])
def test_bug14_password_policy_is_enforced_and_stated(api, password):
    auth = _as(api, "quantri")
    r = api.post(
        "/api/users",
        headers=auth,
        json={"username": "nguoimoi", "password": password, "role": "van_thu", "unit_code": "STC"},
    )
    assert r.status_code == 400, r.text
    assert "ít nhất 10 ký tự" in r.json()["detail"]["hint"]
    assert "ít nhất 10 ký tự" in api.get("/admin").text
    assert "ít nhất 10 ký tự" in api.get("/account").text


def test_bug9_a_new_deadline_date_drops_the_old_phrase(api):
    auth = _as(api, "td")
    task = _tasks(api, auth)[0]
    with db.session(api.app.state.engine) as s:
        s.get(db.TrackedTask, task["id"]).deadline_phrase = "Trước ngày 31/12/2026"
    due = (date.today() + timedelta(days=10)).isoformat()
    r = api.patch(f"/api/tracking/tasks/{task['id']}", headers=auth, json={"deadline_kind": "co_han", "due_on": due})
    assert r.status_code == 200, r.text
    assert (r.json()["due_on"], r.json()["deadline_phrase"]) == (due, "")
    page = api.get(f"/tracking/tasks/{task['id']}").text
    facts = re.search(r"<dt>Thời hạn</dt><dd>(.*?)</dd>", page).group(1)
    assert "31/12/2026" not in facts and facts.strip() == date.fromisoformat(due).strftime("%d/%m/%Y")


def test_the_deadline_reads_as_a_date_and_its_wording_in_brackets(api):
    """Walking the chain as a new office: "Thời hạn: 15/09/2026 trước ngày 15-9-2026" read as
    two deadlines run together; the notice's wording now follows the date in brackets."""
    auth = _as(api, "td")
    task = _tasks(api, auth)[0]
    with db.session(api.app.state.engine) as s:
        row = s.get(db.TrackedTask, task["id"])
        row.due_on, row.deadline_phrase = date(2026, 9, 15), "trước ngày 15-9-2026"
    page = api.get(f"/tracking/tasks/{task['id']}").text
    facts = re.search(r"<dt>Thời hạn</dt><dd>(.*?)</dd>", page).group(1)
    assert facts == '15/09/2026 <span class="muted">(trước ngày 15-9-2026)</span>'


def test_wording_the_ui_gets_ui_hints_the_cli_keeps_its_own(tmp_path):
    """Messages the web pages show say which field or link to use; the CLI's own hints
    (--number, --issued, --unit, `ketluan tracking template`) stay on the command line."""
    from openpyxl import Workbook

    import drafting
    from drafting import Meeting
    from tests.tracking_helpers import conclusion
    from tracking.excel import read_xlsx
    from tracking.source import read_docx

    blank = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="nghe báo cáo", date=date(2026, 8, 20))
    path = tmp_path / "du-thao.docx"
    drafting.render_notice(conclusion(), blank).save(str(path))
    with pytest.raises(InputError) as no_number:
        read_docx(path)
    from docx import Document

    undated = Document()
    for line in ("Số 123-TB/TU", "THÔNG BÁO", "1. Giao Sở Tài chính rà soát vốn đầu tư."):
        undated.add_paragraph(line)
    undated.save(str(tmp_path / "khong-ngay.docx"))
    with pytest.raises(InputError) as no_date:
        read_docx(tmp_path / "khong-ngay.docx")
    book = Workbook()
    book.active.append(["Không phải tiêu đề"])
    book.active.append(["x"])
    book.save(tmp_path / "sai.xlsx")
    with pytest.raises(InputError) as bad_sheet:
        read_xlsx(tmp_path / "sai.xlsx")
    engine = db.connect(f"sqlite:///{tmp_path / 'k.sqlite'}")
    with db.session(engine) as s, pytest.raises(InputError) as no_unit:
        accounts.create_user(s, "vanthu.moi", PASSWORD, "van_thu")
    engine.dispose()
    for caught, field, cli in (
        (no_number, "“Số văn bản”", "--number"),
        (no_date, "“Ngày ban hành”", "--meeting-date"),
        (bad_sheet, "mẫu Excel", "ketluan tracking template"),
        (no_unit, "ô Đơn vị", "--unit"),
    ):
        hint = caught.value.hint
        assert field in hint and "--" not in hint and "ketluan " not in hint and "docs/" not in hint, hint
        assert cli in str(caught.value)  # what the CLI prints


def test_a_done_task_can_be_reopened_from_its_page(api):
    unit = _as(api, "stc")
    task = _tasks(api, unit)[0]
    api.post(
        f"/api/tracking/tasks/{task['id']}/progress",
        headers=unit,
        json={"progress": 100, "result": "Đã xong", "report_done": True},
    )
    auth = _as(api, "td")
    assert 'id="reopen-card"' not in api.get(f"/tracking/tasks/{task['id']}").text
    r = api.post(f"/api/tracking/tasks/{task['id']}/accept", headers=auth, json={"note": "Đạt"})
    assert r.status_code == 200, r.text
    page = api.get(f"/tracking/tasks/{task['id']}").text
    assert 'id="reopen-card"' in page and 'data-decision="reopen"' in page
    r = api.post(f"/api/tracking/tasks/{task['id']}/reopen", headers=auth, json={"note": "Chưa đủ"})
    assert r.status_code == 200 and not r.json()["done"]


def test_an_admin_edits_locks_and_resets_a_user(api):
    auth = _as(api, "quantri")
    r = api.post(
        "/api/users",
        headers=auth,
        json={"username": "donvi.stc2", "password": "Giao-ban-sang-thu-2", "role": "don_vi", "unit_code": "STC"},
    )
    assert r.status_code == 201, r.text  # a unit account, from the page too
    assert '<option value="don_vi">' in api.get("/admin").text
    uid = r.json()["id"]
    r = api.patch(f"/api/users/{uid}", headers=auth, json={"full_name": "Văn thư Sở Tài chính", "unit_code": "SXD"})
    assert r.status_code == 200 and r.json()["unit_code"] == "SXD", r.text
    assert api.patch(f"/api/users/{uid}", headers=auth, json={"password": "123456789012"}).status_code == 400
    assert api.patch(f"/api/users/{uid}", headers=auth, json={"password": "Mua-thu-Ha-Noi-2026"}).status_code == 200
    api.cookies.clear()
    assert (
        api.post("/api/auth/login", json={"username": "donvi.stc2", "password": "Mua-thu-Ha-Noi-2026"}).status_code
        == 200
    )
    auth = _as(api, "quantri")
    assert api.patch(f"/api/users/{uid}", headers=auth, json={"active": False}).status_code == 200
    page = api.get("/admin").text
    assert f'data-user="{uid}"' in page and "đã khóa" in page
