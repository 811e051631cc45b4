"""The tracking API end to end on SQLite and PostgreSQL: import with preview and confirm, units
seeing only their own tasks, progress, evidence, accept / return / reopen with history,
warnings as notifications and e-mail through a local SMTP server, reports and exports."""

import io
from datetime import date

import pytest
from fastapi.testclient import TestClient

import db
from db import accounts
from ketluan.settings import Settings
from tests.tracking_helpers import finished, inline_sender, render, smtp_fixture  # noqa: F401

PASSWORD = "mat-khau-thu"


@pytest.fixture(params=["sqlite", "postgresql"])
def api(request, tmp_path, smtp):
    if request.param == "sqlite":
        yield from _api(f"sqlite:///{tmp_path / 'k.sqlite'}", tmp_path, smtp)
        return
    from tests.service_fixtures import new_database

    with new_database() as url:
        yield from _api(url, tmp_path, smtp)


def _api(url, tmp_path, smtp):
    from api import create_app

    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=url,
        smtp_host="127.0.0.1",
        smtp_port=smtp.server_address[1],
        smtp_from="theodoi@tinh.gov.vn",
    )
    app = create_app(settings, send=lambda job_id, stage: None)
    engine = app.state.engine
    app.state.send = inline_sender(engine, settings)
    tokens = {}
    with db.session(engine) as s:
        for username, role, code, name in (
            ("td", "theo_doi", "VP-TU", "Văn phòng Tỉnh ủy"),
            ("ld", "lanh_dao", "VP-TU", "Văn phòng Tỉnh ủy"),
            ("td2", "theo_doi", "VP-UBND", "Văn phòng UBND tỉnh"),
            ("stc", "don_vi", "STC", "Sở Tài chính"),
            ("syt", "don_vi", "SYT", "Sở Y tế"),
            ("sxd", "don_vi", "SXD", "Sở Xây dựng"),
        ):
            accounts.ensure_unit(s, code, name)
            user = accounts.create_user(s, username, PASSWORD, role, code)
            tokens[username] = {"Authorization": f"Bearer {accounts.issue_token(s, user, 'api', None)}"}
        s.add_all(
            [
                db.UnitContact(unit_id=accounts.ensure_unit(s, "STC").id, email="gd@stc.gov.vn", head=True),
                db.UnitContact(unit_id=accounts.ensure_unit(s, "STC").id, email="vanthu@stc.gov.vn"),
                db.UnitContact(
                    unit_id=accounts.ensure_unit(s, "VP-TU").id, email="chanhvanphong@tinh.gov.vn", head=True
                ),
            ]
        )
    with TestClient(app) as client:
        client.tokens = tokens
        yield client
    engine.dispose()


def _import(c, path, name="TB 02-TB-TU.docx"):
    """Upload → the import job (202) → done → its preview."""
    with open(path, "rb") as f:
        r = c.post(
            "/api/tracking/imports",
            params={"received_on": "2026-08-27"},
            files={"file": (name, f)},
            headers=c.tokens["td"],
        )
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"/api/tracking/jobs/{r.json()['id']}"
    job = finished(c, r.json(), c.tokens["td"])
    assert (job["state"], job["kind"], job["error"]) == ("done", "import", None), job
    preview = c.get(f"/api/tracking/imports/{job['import_id']}", headers=c.tokens["td"])
    assert preview.status_code == 200, preview.text
    return preview.json()


def test_import_then_units_see_and_update_only_their_own_tasks(api, tmp_path, smtp):
    c, t = api, api.tokens
    preview = _import(c, render(tmp_path / "tb.docx"))
    notice = preview["notices"][0]
    assert notice["notice"]["number"] == "02-TB/TU" and len(notice["diff"]["added"]) == 6
    assert c.get("/api/tracking/tasks", headers=t["td"]).json()["total"] == 0  # preview only
    assert c.get(f"/api/tracking/imports/{preview['id']}", headers=t["td2"]).status_code == 404
    r = c.post(f"/api/tracking/imports/{preview['id']}/confirm", headers=t["td"])
    assert r.status_code == 200 and r.json()["added"] == 6, r.text
    again = c.post(f"/api/tracking/imports/{preview['id']}/confirm", headers=t["td"])
    assert again.status_code == 409 and "đã được xác nhận" in again.json()["detail"]["message"]

    on = {"on": "2026-10-05"}
    office = c.get("/api/tracking/tasks", params=on, headers=t["td"]).json()
    assert office["total"] == 6
    by_lead = {x["lead"]: x for x in office["items"]}
    stc, syt = by_lead["Sở Tài chính"], by_lead["Sở Y tế"]
    assert (stc["status"], stc["warning"]) == ("qua_han", "do")
    assert stc["status_name"] == "Chưa hoàn thành – quá hạn"
    assert c.get("/api/tracking/tasks", headers=t["ld"]).json()["total"] == 6

    # Units see only the tasks they lead; other ids look like they do not exist.
    mine = c.get("/api/tracking/tasks", headers=t["stc"]).json()
    assert [x["id"] for x in mine["items"]] == [stc["id"]]
    assert [x["lead"] for x in c.get("/api/tracking/tasks", headers=t["syt"]).json()["items"]] == ["Sở Y tế"]
    assert c.get(f"/api/tracking/tasks/{syt['id']}", headers=t["stc"]).status_code == 404
    r = c.post(f"/api/tracking/tasks/{syt['id']}/progress", json={"progress": 10}, headers=t["stc"])
    assert r.status_code == 404
    assert c.get("/api/tracking/tasks", headers=t["td2"]).json()["total"] == 0
    assert c.get(f"/api/tracking/tasks/{stc['id']}", headers=t["td2"]).status_code == 404
    # Roles: only trackers decide; units and leaders may not.
    for who in ("stc", "ld"):
        r = c.post(f"/api/tracking/tasks/{stc['id']}/accept", json={}, headers=t[who])
        assert r.status_code == 403 and "Vai trò" in r.json()["detail"]["message"]
    assert c.patch(f"/api/tracking/tasks/{stc['id']}", json={"sector": "x"}, headers=t["stc"]).status_code == 403
    assert c.get("/api/meetings", headers=t["stc"]).status_code == 403  # units see no meetings
    me = c.get("/api/auth/me", headers=t["stc"])
    assert me.status_code == 200 and me.json()["role_name"] == "Đơn vị được giao"

    # Progress, evidence, report done → returned → reported again → accepted → reopened.
    url = f"/api/tracking/tasks/{stc['id']}"
    r = c.post(f"{url}/progress", json={"progress": 50, "note": "Đã rà soát 5/9 dự án"}, headers=t["stc"])
    assert r.status_code == 200 and r.json()["progress"] == 50
    r = c.post(f"{url}/evidence", files={"file": ("rong.pdf", io.BytesIO(b""))}, headers=t["stc"])
    assert r.status_code == 400 and "rỗng (0 byte)" in r.json()["detail"]["message"]
    r = c.post(
        f"{url}/evidence", files={"file": ("Báo cáo 125-BC-STC.pdf", io.BytesIO(b"%PDF-1.4 x"))}, headers=t["stc"]
    )
    assert r.status_code == 201, r.text
    evidence = r.json()
    got = c.get(f"{url}/evidence/{evidence['id']}", headers=t["td"])
    assert got.status_code == 200 and got.content == b"%PDF-1.4 x"
    assert c.get(f"{url}/evidence/{evidence['id']}", headers=t["syt"]).status_code == 404
    r = c.post(f"{url}/progress", json={"report_done": True}, headers=t["stc"])
    assert r.status_code == 400 and "Chưa có kết quả" in r.json()["detail"]["message"]
    r = c.post(f"{url}/progress", json={"result": "Đã có báo cáo số 125/BC-STC", "report_done": True}, headers=t["stc"])
    assert r.json()["result_state"] == "submitted"
    r = c.post(f"{url}/return", json={"note": "Thiếu số liệu của 3 huyện"}, headers=t["td"])
    assert r.status_code == 200 and r.json()["result_state"] == "returned"
    c.post(f"{url}/progress", json={"result": "Bổ sung số liệu 3 huyện", "report_done": True}, headers=t["stc"])
    r = c.post(f"{url}/accept", json={"completed_on": "2026-09-28"}, headers=t["td"])
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["done"]) == ("hoan_thanh_dung_han", True)
    r = c.post(f"{url}/reopen", json={"note": "Số liệu chưa khớp Kho bạc"}, headers=t["td"])
    detail = r.json()
    assert [e["action"] for e in detail["history"]] == [
        "import",
        "progress",
        "evidence",
        "report_done",
        "return",
        "report_done",
        "accept",
        "reopen",
    ]
    assert detail["history"][4]["note"] == "Thiếu số liệu của 3 huyện"
    assert detail["history"][4]["username"] == "td"
    assert [e["original_name"] for e in detail["evidence"]] == ["Báo cáo 125-BC-STC.pdf"]
    assert detail["quote"] and (detail["audio_start"], detail["audio_end"]) == (125.0, 140.0)
    assert detail["meeting"] == "cuộc họp nghe báo cáo tiến độ giải ngân vốn đầu tư công"


def test_warnings_notify_units_heads_and_the_assigning_office(api, tmp_path, smtp, monkeypatch):
    c, t = api, api.tokens
    monkeypatch.setattr("api.routes.tracking.local_today", lambda settings: date(2026, 10, 5))
    preview = _import(c, render(tmp_path / "tb.docx"))
    c.post(f"/api/tracking/imports/{preview['id']}/confirm", headers=t["td"])
    on = {"on": "2026-10-05"}  # Sở Tài chính 5 days late; the city 20 days late (đặc biệt)
    dash = c.get("/api/tracking/dashboard", params=on, headers=t["ld"]).json()
    assert dash["warnings"] == {"vang": 0, "do": 1, "do_dac_biet": 1}
    assert {(u["unit"], u["overdue"], u["special"]) for u in dash["overdue_by_unit"]} == {
        ("Sở Tài chính", 1, 0),
        ("UBND thành phố Lào Cai", 1, 1),
    }
    warn = c.get("/api/tracking/warnings", params=on, headers=t["td"]).json()
    assert [(w["lead"], w["level"], w["days_overdue"]) for w in warn] == [
        ("UBND thành phố Lào Cai", "do_dac_biet", 20),
        ("Sở Tài chính", "do", 5),
    ]
    yellow = c.get("/api/tracking/warnings", params={"on": "2026-09-25"}, headers=t["td"]).json()
    assert [(w["lead"], w["level"]) for w in yellow] == [
        ("UBND thành phố Lào Cai", "do_dac_biet"),
        ("Sở Tài chính", "vang"),
    ]

    # Another office's tracker creates nothing for these tasks (nor sees their messages).
    assert c.post("/api/tracking/warnings/notify", params=on, headers=t["td2"]).json() == []
    r = c.post("/api/tracking/warnings/notify", params=on, headers=t["td"])
    assert r.status_code == 200, r.text
    assert sorted((n["level"], n["audience"]) for n in r.json()) == [
        ("do", "unit"),
        ("do", "unit_head"),
        ("do_dac_biet", "assigner"),
        ("do_dac_biet", "unit"),
        ("do_dac_biet", "unit_head"),
    ]
    assert c.post("/api/tracking/warnings/notify", params=on, headers=t["td"]).json() == []
    sent = {tuple(to): msg for to, msg in smtp.messages}
    assert set(sent) == {("gd@stc.gov.vn",), ("vanthu@stc.gov.vn",), ("chanhvanphong@tinh.gov.vn",)}
    head = sent[("gd@stc.gov.vn",)]
    assert head["Subject"] == "[ketluan] Cảnh báo đỏ: nhiệm vụ quá hạn"
    assert "quá hạn 5 ngày" in head.get_content() and "Sở Tài chính" in head.get_content()
    assert "UBND thành phố Lào Cai" in sent[("chanhvanphong@tinh.gov.vn",)].get_content()

    stc = c.get("/api/tracking/notifications", headers=t["stc"]).json()
    assert sorted(n["audience"] for n in stc) == ["unit", "unit_head"]
    assert all("Sở Tài chính" in n["message"] for n in stc)
    assert c.get("/api/tracking/notifications", headers=t["syt"]).json() == []
    office = c.get("/api/tracking/notifications", headers=t["ld"]).json()
    assert [(n["level"], n["audience"]) for n in office] == [("do_dac_biet", "assigner")]
    assert c.post(f"/api/tracking/notifications/{office[0]['id']}/read", headers=t["stc"]).status_code == 404
    r = c.post(f"/api/tracking/notifications/{office[0]['id']}/read", headers=t["ld"])
    assert r.json()["read_at"] is not None
    assert c.get("/api/tracking/notifications", params={"unread": True}, headers=t["ld"]).json() == []


def test_reports_and_exports(api, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    c, t = api, api.tokens
    preview = _import(c, render(tmp_path / "tb.docx"))
    c.post(f"/api/tracking/imports/{preview['id']}/confirm", headers=t["td"])
    on = {"on": "2026-10-05"}
    by_status = c.get("/api/tracking/reports/summary", params={**on, "by": "status"}, headers=t["ld"]).json()
    assert {g["key"]: g["total"] for g in by_status} == {
        "qua_han": 2,
        "thuong_xuyen": 2,
        "can_bo_sung_han": 1,
        "trong_han": 1,
    }
    by_notice = c.get("/api/tracking/reports/summary", params={**on, "by": "notice"}, headers=t["ld"]).json()
    assert [(g["label"], g["total"]) for g in by_notice] == [("02-TB/TU ngày 25/08/2026", 6)]
    by_period = c.get(
        "/api/tracking/reports/summary", params={**on, "by": "period", "issued_from": "2026-09-01"}, headers=t["ld"]
    ).json()
    assert by_period == []
    mine = c.get("/api/tracking/reports/summary", params=on, headers=t["stc"]).json()
    assert [(g["label"], g["total"]) for g in mine] == [("Sở Tài chính", 1)]

    full = c.get("/api/tracking/tasks", params=on, headers=t["ld"]).json()["items"]
    page = c.get("/api/tracking/tasks", params={**on, "offset": 1, "limit": 2}, headers=t["ld"]).json()
    assert page["total"] == 6 and page["items"] == full[1:3]
    late = c.get("/api/tracking/tasks", params={**on, "status": "qua_han", "limit": 1}, headers=t["ld"]).json()
    assert late["total"] == 2 and [x["status"] for x in late["items"]] == ["qua_han"]
    stamp = max(x["updated_at"] for x in full)
    with db.session(c.app.state.engine) as s:
        s.get(db.TrackedTask, full[2]["id"]).progress = 40  # touched after the last sync
    since = c.get("/api/tracking/tasks", params={**on, "updated_since": stamp}, headers=t["ld"]).json()
    assert [x["id"] for x in since["items"]] == [full[2]["id"]]
    bad = c.get("/api/tracking/tasks", params={"status": "xong"}, headers=t["ld"])
    assert bad.status_code == 400 and "Trạng thái 'xong' không có" in bad.json()["detail"]["message"]
    r = c.get("/api/tracking/reports/export.xlsx", params=on, headers=t["ld"])
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    listing = list(wb["Danh sách nhiệm vụ"].iter_rows(values_only=True))
    assert len(listing) == 7 and listing[0][0] == "Mã nhiệm vụ"
    assert {row[4]: row[12] for row in listing[1:]}["Sở Tài chính"] == "Chưa hoàn thành – quá hạn"
    r = c.get("/api/tracking/reports/summary.docx", params=on, headers=t["ld"])
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "BÁO CÁO" in text and "Tổng số nhiệm vụ theo dõi: 6" in text
    assert "quá 20 ngày, cảnh báo đỏ đặc biệt" in text
    r = c.get("/api/tracking/template.xlsx", headers=t["stc"])
    assert load_workbook(io.BytesIO(r.content))["Nhiệm vụ"]["A1"].value == "Số thông báo"
    paths = c.app.openapi()["paths"]  # /openapi.json itself is for admins (settings.api_docs)
    assert "/api/tracking/tasks" in paths and "/api/tracking/imports/{import_id}/confirm" in paths


def test_tracker_edits_deadlines_and_the_receipt_date_moves_them(api, tmp_path):
    c, t = api, api.tokens
    preview = _import(c, render(tmp_path / "tb.docx"))
    c.post(f"/api/tracking/imports/{preview['id']}/confirm", headers=t["td"])
    items = c.get("/api/tracking/tasks", headers=t["td"]).json()["items"]
    by_lead = {x["lead"]: x for x in items}
    city, home = by_lead["UBND thành phố Lào Cai"], by_lead["Sở Nội vụ"]
    assert city["due_on"] == "2026-09-15" and home["status"] == "can_bo_sung_han"
    notice_id = c.get("/api/tracking/notices", headers=t["td"]).json()[0]["id"]
    # Received on Friday 24/04/2026 instead: 10 working days skip 27/4 (observed), 30/4, 1/5.
    r = c.post(f"/api/tracking/notices/{notice_id}/received", json={"received_on": "2026-04-24"}, headers=t["td"])
    assert r.status_code == 200, r.text
    city = c.get(f"/api/tracking/tasks/{city['id']}", headers=t["td"]).json()
    assert city["due_on"] == "2026-05-13"
    assert city["history"][-1]["action"] == "received"
    r = c.patch(
        f"/api/tracking/tasks/{home['id']}",
        json={
            "deadline_kind": "co_han",
            "due_on": "2026-11-30",
            "sector": "Tổ chức bộ máy",
            "note": "Bổ sung hạn theo ý kiến Thường trực",
        },
        headers=t["td"],
    )
    assert r.status_code == 200, r.text
    home = r.json()
    assert (home["due_on"], home["sector"]) == ("2026-11-30", "Tổ chức bộ máy")
    assert home["history"][-1]["note"] == "Bổ sung hạn theo ý kiến Thường trực"
    r = c.patch(f"/api/tracking/tasks/{home['id']}", json={"deadline_kind": "gap"}, headers=t["td"])
    assert r.status_code == 400 and "Loại thời hạn 'gap' không có" in r.json()["detail"]["message"]
    r = c.patch(f"/api/tracking/tasks/{home['id']}", json={"bogus": 1}, headers=t["td"])
    assert r.status_code == 422


def test_units_are_refused_everywhere_outside_tracking(api):
    """Every route whose rule leaves out don_vi answers 403 to a unit; tracking reads do not."""
    from collections import defaultdict

    from tests.test_api_authz import api_routes, rule_of

    checked = 0
    for route in api_routes(api.app.routes):
        rule = rule_of(route)
        if rule is None or route.path == "/api/auth/logout":  # logout would revoke the token
            continue
        path = route.path.format_map(defaultdict(lambda: "1"))
        for method in route.methods - {"HEAD"}:
            r = api.request(
                method, path, headers=api.tokens["stc"], json={} if method in ("POST", "PATCH", "PUT") else None
            )
            if "don_vi" in rule.roles:
                assert r.status_code not in (401, 403), (method, route.path, r.text)
            else:
                assert r.status_code == 403, (method, route.path, r.status_code)
                checked += 1
    assert checked >= 25


def test_a_notice_without_a_date_takes_the_meeting_date_given_with_the_upload(api, tmp_path):
    """Issue 16: a hand-written notice whose header has no date is read against the meeting
    date sent with the upload (as `ketluan import-docx --meeting-date` does), not the issue
    date: "trong 30 ngày" counts from the meeting."""
    import docx

    path = tmp_path / "tb-khong-ngay.docx"
    doc = docx.Document()
    for line in (
        "TỈNH ỦY LÀO CAI",
        "Số 07-TB/TU",
        "THÔNG BÁO KẾT LUẬN",
        "1. Giao Sở Y tế rà soát danh mục thuốc, hoàn thành trong 30 ngày.",
        "2. Giao Sở Tài chính bố trí kinh phí trước ngày 15/9.",
    ):
        doc.add_paragraph(line)
    doc.save(path)
    with open(path, "rb") as f:
        r = api.post(
            "/api/tracking/imports",
            params={"received_on": "2026-08-27", "issued_on": "2026-08-25", "meeting_date": "2026-08-20"},
            files={"file": (path.name, f)},
            headers=api.tokens["td"],
        )
    assert r.status_code == 202, r.text
    job = finished(api, r.json(), api.tokens["td"])
    assert (job["state"], job["error"]) == ("done", None), job
    preview = api.get(f"/api/tracking/imports/{job['import_id']}", headers=api.tokens["td"]).json()
    tasks = preview["notices"][0]["notice"]["tasks"]
    dues = {t["lead"]: t["due"] for t in tasks}
    assert dues == {"Sở Y tế": "2026-09-19", "Sở Tài chính": "2026-09-15"}, tasks


def test_import_from_a_stored_draft_links_the_meeting(api, tmp_path):
    c, t = api, api.tokens
    store, engine = c.app.state.store, c.app.state.engine
    relative, sha, size = store.put_file(render(tmp_path / "tb.docx"), ".docx")
    with db.session(engine) as s:
        office = s.query(db.Unit).filter_by(code="VP-TU").one()
        meeting = db.Meeting(unit_id=office.id, title="Giải ngân vốn đầu tư công")
        s.add(meeting)
        s.flush()
        s.add(
            db.DraftVersion(
                meeting_id=meeting.id,
                version=1,
                source="uploaded",
                sha256=sha,
                size=size,
                storage_path=relative,
                original_name="ban-ky.docx",
            )
        )
        meeting_id = meeting.id
    url = f"/api/tracking/meetings/{meeting_id}/drafts/1/import"
    assert c.post(url, headers=t["td2"]).status_code == 404  # another office's meeting
    assert c.post(f"/api/tracking/meetings/{meeting_id}/drafts/2/import", headers=t["td"]).status_code == 404
    r = c.post(url, params={"received_on": "2026-08-27"}, headers=t["td"])
    assert r.status_code == 202, r.text
    job = finished(c, r.json(), t["td"])
    preview = c.get(f"/api/tracking/imports/{job['import_id']}", headers=t["td"]).json()
    assert len(preview["notices"][0]["diff"]["added"]) == 6
    assert c.post(f"/api/tracking/imports/{preview['id']}/confirm", headers=t["td"]).json()["added"] == 6
    with db.session(engine) as s:
        assert s.query(db.TrackedNotice).one().meeting_id == meeting_id


def test_cooperating_units_see_but_do_not_update_and_trackers_map_unit_names(api, tmp_path):
    c, t = api, api.tokens
    preview = _import(c, render(tmp_path / "tb.docx"))
    c.post(f"/api/tracking/imports/{preview['id']}/confirm", headers=t["td"])
    items = c.get("/api/tracking/tasks", params={"on": "2026-10-05"}, headers=t["td"]).json()["items"]
    stc = next(x for x in items if x["lead"] == "Sở Tài chính")  # supports: Sở Xây dựng, UBND các huyện
    with db.session(c.app.state.engine) as s:
        sxd_id = s.query(db.Unit).filter_by(code="SXD").one().id
        stc_unit = s.query(db.Unit).filter_by(code="STC").one().id
    assert stc["support_unit_ids"] == [sxd_id]  # "UBND các huyện" is no unit of ours

    # Sở Xây dựng cooperates on Sở Tài chính's task: it sees it (and its evidence), read-only.
    seen = c.get("/api/tracking/tasks", headers=t["sxd"]).json()
    assert [x["id"] for x in seen["items"]] == [stc["id"]]
    url = f"/api/tracking/tasks/{stc['id']}"
    assert c.get(url, headers=t["sxd"]).status_code == 200
    r = c.post(f"{url}/progress", json={"progress": 30}, headers=t["sxd"])
    assert r.status_code == 403 and "đơn vị mình chủ trì" in r.json()["detail"]["message"]
    r = c.post(f"{url}/evidence", files={"file": ("bc.pdf", io.BytesIO(b"%PDF x"))}, headers=t["sxd"])
    assert r.status_code == 403
    r = c.post(f"{url}/evidence", files={"file": ("bc.pdf", io.BytesIO(b"%PDF x"))}, headers=t["stc"])
    assert r.status_code == 201
    assert c.get(f"{url}/evidence/{r.json()['id']}", headers=t["sxd"]).status_code == 200
    # Warnings are the lead's: the overdue task is not on the cooperating unit's dashboard.
    on = {"on": "2026-10-05"}
    assert c.get("/api/tracking/warnings", params=on, headers=t["sxd"]).json() == []
    assert c.get("/api/tracking/dashboard", params=on, headers=t["sxd"]).json()["warnings"]["do"] == 0
    assert c.get("/api/tracking/dashboard", params=on, headers=t["stc"]).json()["warnings"]["do"] == 1
    page = c.get(f"/tracking/tasks/{stc['id']}", headers=t["sxd"])
    assert 'id="cooperating"' in page.text and 'id="progress-form"' not in page.text
    assert 'id="progress-form"' in c.get(f"/tracking/tasks/{stc['id']}", headers=t["stc"]).text
    assert "phối hợp</span>" in c.get("/tracking", headers=t["sxd"]).text

    # The notice writes "STC" and "Sở XD": the lead becomes a new, unknown unit and the
    # cooperating name resolves to nothing, until the tracker maps both names.
    r = c.patch(url, json={"lead": "STC", "supports": ["Sở XD", "UBND các huyện"]}, headers=t["td"])
    assert r.status_code == 200 and r.json()["lead_unit_id"] != stc_unit
    assert r.json()["support_unit_ids"] == []
    assert c.get(url, headers=t["stc"]).status_code == 404
    assert c.get(url, headers=t["sxd"]).status_code == 404
    names = {n["name"]: n for n in c.get("/api/tracking/unit-names", headers=t["td"]).json()}
    assert names["Sở XD"]["unit_ids"] == [] and names["Sở XD"]["support_tasks"] == 1
    assert names["STC"]["lead_tasks"] == 1 and names["STC"]["mapped_unit_id"] is None
    assert c.get("/api/tracking/unit-names", headers=t["td2"]).json() == []  # another office's
    assert c.get("/api/tracking/unit-names", headers=t["stc"]).status_code == 403
    r = c.put("/api/tracking/unit-names", json={"name": "stc", "unit_id": stc_unit}, headers=t["td"])
    assert r.status_code == 200, r.text
    assert (r.json()["changed_tasks"], r.json()["unit_ids"]) == (1, [stc_unit])
    r = c.put("/api/tracking/unit-names", json={"name": "Sở XD", "unit_id": sxd_id}, headers=t["td"])
    assert r.json()["changed_tasks"] == 1 and r.json()["mapped_unit_id"] == sxd_id
    assert (
        c.put("/api/tracking/unit-names", json={"name": "Sở XD", "unit_id": 99999}, headers=t["td"]).status_code == 404
    )
    detail = c.get(url, headers=t["stc"]).json()
    assert (detail["lead_unit_id"], detail["support_unit_ids"]) == (stc_unit, [sxd_id])
    assert [e["action"] for e in detail["history"]][-3:] == ["edit", "map_unit", "map_unit"]
    assert "Sở Xây dựng" in detail["history"][-1]["note"]
    assert c.get(url, headers=t["sxd"]).status_code == 200
    # Later edits and imports of the office resolve the mapped names directly.
    other = next(x for x in items if x["lead"] == "Sở Nội vụ")
    r = c.patch(f"/api/tracking/tasks/{other['id']}", json={"lead": "STC", "supports": ["Sở XD"]}, headers=t["td"])
    assert (r.json()["lead_unit_id"], r.json()["support_unit_ids"]) == (stc_unit, [sxd_id])
    units = {u["code"] for u in c.get("/api/tracking/units", headers=t["td"]).json()}
    assert {"STC", "SXD", "VP-TU"} <= units
