"""Issue 15, the everyday actions in headless chromium against `ketluan serve` on a seeded
database (no recording is processed, so no model is needed): the clerk edits a meeting, the
admin edits a user and reads the audit log, the tracker accepts and moves deadlines in bulk and
records a received date, a unit deletes a wrong evidence file and reads its notifications, the
leader lands on the overview, and both print views open. Each page is photographed into
artifacts/ui (the docs/ui pictures come from there)."""

from datetime import timedelta

import httpx
import pytest

from ketluan.settings import Settings
from tests.ui_fixtures import PASSWORD, login, serving, shot
from tracking.daily import local_today

expect = pytest.importorskip("playwright.sync_api").expect
TODAY = local_today(Settings())  # the pages' day: the offices' time zone's


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    import db
    from api import create_app
    from db import accounts
    from ketluan.settings import Settings
    from tracking import imports
    from tracking.source import ParsedNotice, ParsedTask

    root = tmp_path_factory.mktemp("ui-actions")
    settings = Settings(data_dir=root / "data")
    app = create_app(settings, send=lambda job_id, stage: None)
    ids: dict = {}
    with db.session(app.state.engine) as s:
        for code, name in (("VP-TU", "Văn phòng Tỉnh ủy"), ("STC", "Sở Tài chính"), ("SXD", "Sở Xây dựng")):
            ids[code] = accounts.ensure_unit(s, code, name).id
        for name, role, unit, full in (
            ("vanthu", "van_thu", "VP-TU", "Nguyễn Thị Thư"),
            ("theodoi", "theo_doi", "VP-TU", "Lê Văn Dõi"),
            ("lanhdao", "lanh_dao", "VP-TU", "Trần Văn Lãnh"),
            ("stc", "don_vi", "STC", "Sở Tài chính"),
            ("quantri", "admin", None, "Quản trị hệ thống"),
        ):
            accounts.create_user(s, name, PASSWORD, role, unit, full)
        monday = TODAY - timedelta(days=TODAY.weekday())
        meeting = db.Meeting(
            unit_id=ids["VP-TU"],
            title="Họp giao ban tháng 11",
            issuing_body="Tỉnh ủy Lào Cai",
            date=monday,
            chair="đồng chí Bí thư Tỉnh ủy",
        )
        s.add(meeting)
        s.add(
            db.Meeting(
                unit_id=ids["VP-TU"],
                title="Nghe báo cáo tiến độ giải ngân vốn đầu tư công",
                issuing_body="Tỉnh ủy Lào Cai",
                date=monday + timedelta(days=2),
            )
        )
        tasks = [
            ParsedTask(text, "Sở Tài chính", deadline_kind="co_han", due=due)
            for text, due in (
                ("Rà soát, báo cáo tiến độ giải ngân vốn đầu tư công năm 2026", TODAY - timedelta(days=12)),
                ("Tham mưu phân bổ vốn cho các dự án trọng điểm", TODAY - timedelta(days=3)),
                ("Tổng hợp nhu cầu vốn năm 2027", TODAY + timedelta(days=1)),
            )
        ]
        tasks += [
            ParsedTask(text, "Sở Xây dựng", deadline_kind="co_han", due=TODAY + timedelta(days=40))
            for text in ("Kiểm tra chất lượng các công trình giao thông", "Hướng dẫn thủ tục cấp phép xây dựng")
        ]
        tasks.append(
            ParsedTask(
                "Ban hành kế hoạch chỉnh trang đô thị",
                "Sở Xây dựng",
                deadline_kind="trong_n_ngay",
                deadline_phrase="trong 10 ngày",
            )
        )
        notice = ParsedNotice("02-TB/TU", TODAY - timedelta(days=30), tasks)
        imports.confirm(s, imports.preview(s, [notice], ids["VP-TU"]).id)
        s.flush()
        ids["meeting"] = meeting.id
        ids["tasks"] = {t.content: t.id for t in s.query(db.TrackedTask)}
        user = s.query(db.User).filter_by(username="stc").one()
        from tracking import tasks as tracking_tasks

        for content in (
            "Rà soát, báo cáo tiến độ giải ngân vốn đầu tư công năm 2026",
            "Tham mưu phân bổ vốn cho các dự án trọng điểm",
        ):
            tracking_tasks.update_progress(
                s,
                s.get(db.TrackedTask, ids["tasks"][content]),
                user,
                progress=100,
                result="Đã hoàn thành, có báo cáo kèm theo",
                report_done=True,
            )
        for who, what, kind, obj in (
            ("lanhdao", "read", "transcript", 1),
            ("vanthu", "download", "audio", 1),
            ("theodoi", "read", "draft", 1),
        ):
            s.add(
                db.AuditEvent(
                    username=who, action=what, object_type=kind, object_id=obj, meeting_id=meeting.id, ip="10.0.0.21"
                )
            )
    app.state.engine.dispose()
    with serving(root) as url:
        yield url, ids


def test_the_clerk_edits_a_meeting(tab, served):
    url, ids = served
    login(tab, url, "vanthu")
    tab.goto(f"{url}/meetings")
    tab.locator(f"tr[data-meeting='{ids['meeting']}'] [data-edit-meeting]").click()
    tab.wait_for_selector("#meeting-form")
    tab.fill("#meeting-form input[name=title]", "")
    tab.click("#meeting-form button[type=submit]")
    expect(tab.locator("#meeting-form [data-error]")).to_contain_text("Chưa điền tên cuộc họp")
    tab.fill("#meeting-form input[name=title]", "Họp giao ban tháng 12")
    tab.fill("#meeting-form input[name=place]", "Hội trường Tỉnh ủy")
    shot(tab, "sua-cuoc-hop", full_page=True)
    tab.click("#meeting-form button[type=submit]")
    tab.wait_for_url(f"{url}/meetings*")
    expect(tab.locator("#flash")).to_contain_text("Đã lưu thông tin cuộc họp “Họp giao ban tháng 12”")
    expect(tab.locator(f"tr[data-meeting='{ids['meeting']}']")).to_contain_text("Họp giao ban tháng 12")


def test_the_admin_edits_a_user_and_reads_the_audit_log(tab, served):
    url, _ = served
    login(tab, url, "quantri")
    tab.goto(f"{url}/admin")
    row = tab.locator("#user-table tr[data-username='vanthu']")
    row.locator("[data-edit-user]").click()
    form = tab.locator("#user-edit-form")
    expect(form).to_be_visible()
    assert form.locator("input[name=full_name]").input_value() == "Nguyễn Thị Thư"
    form.locator("input[name=full_name]").fill("Nguyễn Thị Thu")
    form.locator("select[name=role]").select_option("tong_hop")
    form.locator("button[type=submit]").click()
    expect(tab.locator("#flash")).to_contain_text("Đã lưu tài khoản vanthu")
    expect(tab.locator("#user-table tr[data-username='vanthu']")).to_contain_text("Nguyễn Thị Thu")
    expect(tab.locator("#user-table tr[data-username='vanthu']")).to_contain_text("Chuyên viên tổng hợp")
    tab.click("a[href='/admin/audit']")
    tab.wait_for_selector("#audit-table")
    tab.select_option("#audit-filters select[name=object_type]", "transcript")
    tab.click("#audit-filters button[type=submit]")
    expect(tab.locator("#audit-table tbody tr")).to_have_count(1)
    expect(tab.locator("#audit-table tbody tr")).to_contain_text("lanhdao")
    tab.goto(f"{url}/admin/audit")
    shot(tab, "nhat-ky-truy-cap")


def test_the_tracker_works_in_bulk_and_records_the_received_date(tab, served):
    url, ids = served
    login(tab, url, "theodoi")
    tab.goto(f"{url}/tracking")
    first = ids["tasks"]["Rà soát, báo cáo tiến độ giải ngân vốn đầu tư công năm 2026"]
    second = ids["tasks"]["Tham mưu phân bổ vốn cho các dự án trọng điểm"]
    tab.click("[data-bulk=accept]")
    expect(tab.locator("#bulk-form [data-error]")).to_contain_text("Chưa chọn nhiệm vụ nào")
    tab.check(f"[data-select='{first}']")
    tab.check(f"[data-select='{second}']")
    expect(tab.locator("[data-bulk-count]")).to_have_text("2")
    shot(tab, "theo-doi-chon-nhieu")
    tab.once("dialog", lambda d: d.accept())
    tab.click("[data-bulk=accept]")
    expect(tab.locator("#flash")).to_contain_text("Đã công nhận hoàn thành 2 nhiệm vụ.")
    # move two deadlines at once
    sxd = [
        ids["tasks"]["Kiểm tra chất lượng các công trình giao thông"],
        ids["tasks"]["Hướng dẫn thủ tục cấp phép xây dựng"],
    ]
    for task_id in sxd:
        tab.check(f"[data-select='{task_id}']")
    new = TODAY + timedelta(days=75)
    tab.fill("#bulk-form [data-date-of=due_on]", new.strftime("%d/%m/%Y"))
    tab.fill("#bulk-form input[name=note]", "Theo ý kiến Thường trực")
    tab.once("dialog", lambda d: d.accept())
    tab.click("[data-bulk=deadline]")
    expect(tab.locator("#flash")).to_contain_text("Đã đổi hạn sang")
    expect(tab.locator("table.tasks")).to_contain_text(new.strftime("%d/%m/%Y"))
    # the received date, from a task page
    tab.goto(f"{url}/tracking/tasks/{ids['tasks']['Ban hành kế hoạch chỉnh trang đô thị']}")
    day = TODAY - timedelta(days=2)
    tab.fill("#received-form [data-date-of=received_on]", day.strftime("%d/%m/%Y"))
    tab.click("#received-form button[type=submit]")
    expect(tab.locator("#flash")).to_contain_text("Đã ghi ngày nhận văn bản 02-TB/TU")
    expect(tab.locator("[data-received]")).to_have_text(day.strftime("%d/%m/%Y"))
    tab.goto(f"{url}/tracking")
    with tab.expect_popup() as popup:
        tab.click("[data-print-list]")
    printed = popup.value
    printed.wait_for_selector("#print-tasks")
    expect(printed.locator("#print-tasks tbody tr")).to_have_count(6)
    shot(printed, "in-danh-sach-nhiem-vu", full_page=True)
    printed.close()


def test_a_unit_deletes_a_wrong_evidence_file_and_reads_its_notifications(tab, served, tmp_path):
    url, ids = served
    task = ids["tasks"]["Tổng hợp nhu cầu vốn năm 2027"]
    login(tab, url, "stc")
    tab.goto(f"{url}/tracking/tasks/{task}")
    wrong = tmp_path / "bao-cao-nham.pdf"
    wrong.write_bytes(b"%PDF-1.4 wrong file")
    tab.set_input_files("#evidence-form input[type=file]", str(wrong))
    tab.click("#evidence-form button[type=submit]")
    expect(tab.locator("[data-delete-evidence]")).to_have_count(1)
    tab.once("dialog", lambda d: d.accept())
    tab.click("[data-delete-evidence]")
    expect(tab.locator("#flash")).to_contain_text("Đã xóa minh chứng “bao-cao-nham.pdf”")
    expect(tab.locator("[data-delete-evidence]")).to_have_count(0)
    expect(tab.locator("ol.history")).to_contain_text("Xóa minh chứng: bao-cao-nham.pdf")
    # a result sent back by the tracker reaches the unit's notifications
    tab.fill("#progress-form textarea[name=result]", "Đã tổng hợp")
    tab.check("#progress-form input[name=report_done]")
    tab.click("#progress-form button[type=submit]")
    expect(tab.locator("#pending-review")).to_be_visible()
    api = httpx.Client(base_url=url)
    token = api.post("/api/auth/login", json={"username": "theodoi", "password": PASSWORD}).json()["token"]
    r = api.post(
        f"/api/tracking/tasks/{task}/return",
        json={"note": "Thiếu số liệu của các huyện"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    api.post("/api/tracking/warnings/notify", headers={"Authorization": f"Bearer {token}"})
    tab.click("header nav a[href='/tracking/notifications']")
    tab.wait_for_selector("#notification-list")
    expect(tab.locator("#notification-list")).to_contain_text("Thiếu số liệu của các huyện")
    shot(tab, "thong-bao-don-vi")
    before = tab.locator("[data-read]").count()
    tab.locator("[data-read]").first.click()
    expect(tab.locator("[data-read]")).to_have_count(before - 1)
    # the task's history, printed
    tab.goto(f"{url}/tracking/tasks/{task}")
    with tab.expect_popup() as popup:
        tab.click("[data-print-task]")
    printed = popup.value
    printed.wait_for_selector("#print-history")
    expect(printed.locator("#print-history")).to_contain_text("Trả lại để bổ sung")
    expect(printed.locator("#print-history")).to_contain_text("Xóa minh chứng: bao-cao-nham.pdf")
    shot(printed, "in-lich-su-nhiem-vu", full_page=True)
    printed.close()


def test_the_leader_lands_on_the_overview(tab, served):
    url, _ = served
    login(tab, url, "lanhdao")
    tab.goto(f"{url}/")
    tab.wait_for_selector("#leader-cards")
    assert tab.url.endswith("/leader")
    expect(tab.locator("#leader-units")).to_contain_text("Sở Tài chính")
    expect(tab.locator("#leader-week")).to_contain_text("giải ngân vốn đầu tư công")
    shot(tab, "tong-quan-lanh-dao", full_page=True)


# -- found walking the chain as a new office (issue 15, last point) ---------------------------


def test_the_new_user_forms_fields_are_wide_enough_to_use(tab, served):
    """The password rule sat inside the row of role, unit and password, squeezing those three
    to a few pixels each: the admin could not read which role or unit was chosen."""
    url, _ = served
    login(tab, url, "quantri")
    tab.goto(f"{url}/admin")
    form = tab.locator("#user-form")
    for field in ("select[name=role]", "select[name=unit_code]", "input[name=password]"):
        box = form.locator(field).bounding_box()
        assert box and box["width"] >= 120, (field, box)
    expect(form.locator("[data-rule=password]")).to_be_visible()


def test_the_draft_page_shows_no_empty_card_to_a_tracker(tab, served):
    """A tracker may neither listen nor draft: the card holding the player and the 'draft again'
    button was left in the page, empty."""
    url, ids = served
    login(tab, url, "theodoi")
    tab.goto(f"{url}/meetings/{ids['meeting']}/draft")
    cards = tab.locator("aside .card")
    expect(cards.first).to_be_visible()
    assert all(text.strip() for text in cards.all_inner_texts()), cards.all_inner_texts()


def test_a_late_glossary_answer_does_not_land_under_another_unit(tab, served):
    """Walking the chain as a new office: the admin page loads the first unit's glossary, the
    admin picks another unit at once; if the first answer came back last, its terms showed
    (and would have been saved) under the unit picked."""
    url, ids = served
    login(tab, url, "quantri")
    wanted = ids["SXD"]
    with httpx.Client(base_url=url) as c:
        token = c.post("/api/auth/login", json={"username": "quantri", "password": PASSWORD}).json()["token"]
        r = c.put(
            f"/api/units/{wanted}/glossary",
            json={"glossary": "[người]\nNguyễn Văn Xây"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 200, r.text
    # every other unit's glossary answers late; window.lateDone once such an answer was handled
    tab.add_init_script(f"""(() => {{
      const f = window.fetch, late = (u) => /\\/api\\/units\\/\\d+\\/glossary$/.test(u) && !u.includes('/{wanted}/');
      window.fetch = (u, o) => !late(String(u)) || (o && o.method && o.method !== 'GET') ? f(u, o)
        : new Promise((r) => setTimeout(r, 1500)).then(() => f(u, o))
          .then((answer) => {{ setTimeout(() => {{ window.lateDone = true; }}, 300); return answer; }});
    }})()""")
    tab.goto(f"{url}/admin")
    form = tab.locator("#glossary-form")
    assert form.locator("select[name=unit_id]").input_value() != str(wanted)
    form.locator("select[name=unit_id]").select_option(str(wanted))
    expect(form.locator("textarea[name=glossary]")).to_have_value("[người]\nNguyễn Văn Xây")
    tab.wait_for_function("() => window.lateDone === true")
    expect(form.locator("textarea[name=glossary]")).to_have_value("[người]\nNguyễn Văn Xây")
    expect(form.locator("[data-glossary-status]")).to_contain_text("1 mục")
