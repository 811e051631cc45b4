"""Issue 15, what only the page does, in headless chromium against `ketluan serve` on a seeded
database (no recording is processed, so no model is needed): no "null" after a missing file
(bug 8), an impossible date in the draft table refused beside its cell (3), the versions list
and the changes shown after an upload, with its confirmation surviving the reload (7), a
meeting without a recording deleted from the list (13)."""

import re

import pytest

from tests.ui_fixtures import PASSWORD, login, serving

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    import db
    import drafting
    from api import create_app
    from db import accounts
    from ketluan.settings import Settings
    from tests.tracking_helpers import conclusion, meeting

    root = tmp_path_factory.mktemp("ui15")
    settings = Settings(data_dir=root / "data")
    app = create_app(settings, send=lambda job_id, stage: None)
    made = conclusion()
    docx = root / "du-thao.docx"
    drafting.render_notice(made, meeting()).save(str(docx))
    with db.session(app.state.engine) as s:
        unit = accounts.ensure_unit(s, "VP-TU", "Văn phòng Tỉnh ủy")
        for name, role in (("vanthu", "van_thu"), ("tonghop", "tong_hop"), ("theodoi", "theo_doi")):
            accounts.create_user(s, name, PASSWORD, role, "VP-TU")
        m = meeting()
        row = db.Meeting(unit_id=unit.id, title=m.title, issuing_body=m.issuing_body, date=m.date)
        orphan = db.Meeting(unit_id=unit.id, title="Cuộc họp tải lên lỗi", issuing_body=m.issuing_body)
        s.add_all([row, orphan])
        s.flush()
        rel, sha, size = app.state.store.put_file(docx, ".docx")
        s.add(
            db.DraftVersion(
                meeting_id=row.id,
                version=1,
                source="generated",
                sha256=sha,
                size=size,
                storage_path=rel,
                conclusion=made.to_dict(),
            )
        )
        ids = {"meeting": row.id, "orphan": orphan.id}
    app.state.engine.dispose()
    with serving(root) as url:
        yield url, ids, docx


def test_draft_page_upload_and_table(tab, served):
    url, ids, docx = served
    login(tab, url, "tonghop")
    tab.goto(f"{url}/meetings/{ids['meeting']}/draft")
    tab.wait_for_selector("#conclusion textarea[name=deadline]")
    # bug 8: no file chosen → the message, and no "null" after it
    form = tab.locator("#docx-form")
    form.locator("button[type=submit]").click()
    box = form.locator("[data-error]")
    expect(box).to_be_visible()
    assert box.inner_text().strip() == "Chưa chọn tệp .docx."
    # bug 3: 31/02/2026 is refused beside its cell, nothing is saved
    deadline = tab.locator("#conclusion textarea[name=deadline]").nth(1)
    deadline.fill("trước ngày 31/02/2026")
    tab.click("#save-tasks")
    note = tab.locator("#conclusion .date-note").nth(1)
    expect(note).to_be_visible()
    expect(note).to_contain_text("31/02/2026")
    assert tab.locator("#draft-list tbody tr").count() == 1
    # bug 7: after an upload the versions list has the new version, the changes are shown and
    # the confirmation is seen after the reload
    tab.set_input_files("#docx-form input[type=file]", str(docx))
    form.locator("button[type=submit]").click()
    expect(tab.locator("#draft-list tbody tr")).to_have_count(2)
    expect(tab.locator("#changes-card")).to_be_visible()
    expect(tab.locator("#flash")).to_contain_text("Đã lưu thành phiên bản 2.")
    assert "0 nhiệm vụ giữ nguyên" not in tab.locator("#changes-card").inner_text()
    newest = tab.locator("#draft-list tbody tr").first.inner_text()  # the time with its year, and who
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", newest) and "tonghop" in newest, newest


def test_a_meeting_without_recording_is_deleted_from_the_list(tab, served):
    url, ids, _ = served
    login(tab, url, "vanthu")
    tab.goto(f"{url}/meetings")
    row = tab.locator(f"tr[data-meeting='{ids['orphan']}']")
    expect(row.locator("[data-attach]")).to_have_text("Tải bản ghi lên")
    tab.once("dialog", lambda d: d.accept())
    row.locator("[data-delete-meeting]").click()
    expect(tab.locator(f"tr[data-meeting='{ids['orphan']}']")).to_have_count(0)
    expect(tab.locator("#flash")).to_contain_text("Đã xóa cuộc họp")


def test_from_a_draft_the_import_page_asks_for_number_and_dates_first(tab, served):
    url, ids, _ = served
    login(tab, url, "theodoi")
    tab.goto(f"{url}/tracking/import?meeting={ids['meeting']}&version=1")
    expect(tab.locator("#from-draft")).to_contain_text("dự thảo phiên bản 1")
    tab.wait_for_timeout(500)  # nothing is read by itself: no red error, no "Chưa chọn tệp"
    assert tab.locator("#import-form [data-error]").is_hidden()
    assert "Chưa chọn tệp" not in tab.inner_text("#import-form")
    tab.fill("#import-form input[name=number]", "15-TB/TU")
    tab.fill("#import-form [data-date-of=issued_on]", "25/08/2026")
    tab.fill("#import-form [data-date-of=received_on]", "27/08/2026")
    tab.click("#import-form button[type=submit]")
    expect(tab.locator("#preview .preview-notice")).to_contain_text("15-TB/TU")


def test_upload_form_keeps_no_stale_error(tab, served):
    url, _, _ = served
    login(tab, url, "vanthu")
    tab.goto(f"{url}/upload")
    tab.click("#upload-submit")
    box = tab.locator("#upload-form [data-error]")
    expect(box).to_contain_text("Còn thiếu:")
    assert "null" not in box.inner_text()
    tab.fill("input[name=issuing_body]", "Tỉnh ủy Lào Cai")
    tab.fill("input[name=title]", "Họp thử")
    tab.fill("[data-date-of=date]", "31/02/2026")
    tab.click("#upload-submit")
    expect(tab.locator("#upload-form .date-note")).to_be_visible()
    expect(box).to_be_hidden()  # the date's message, not the old "Còn thiếu"


def test_the_browsers_own_checks_speak_vietnamese(tab, served):
    url, _, _ = served
    login(tab, url, "vanthu")
    tab.goto(f"{url}/account")
    message = tab.evaluate("""() => { const f = document.querySelector('[name=old_password]');
        f.reportValidity(); return f.validationMessage; }""")
    assert message == "Chưa điền “Mật khẩu hiện tại”.", message
    tab.fill("[name=old_password]", "x")
    assert tab.evaluate("() => document.querySelector('[name=old_password]').validity.valid")
    assert "ít nhất 10 ký tự" in tab.inner_text("[data-rule=password]")
    # times in lists: two-digit day and month, as everywhere else (not 4/12/2026)
    assert tab.evaluate("() => vnDateTime('2026-12-04T08:05:00')") == "04/12/2026 08:05"


def test_on_a_phone_nothing_is_cut_off(tab, served):
    url, _, _ = served
    tab.set_viewport_size({"width": 390, "height": 800})
    login(tab, url, "tonghop")
    tab.goto(f"{url}/meetings")
    # the page itself never scrolls sideways: a wide table scrolls inside its own box
    assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    table = tab.locator("table.grid").first
    assert table.evaluate("t => getComputedStyle(t).overflowX") == "auto"
