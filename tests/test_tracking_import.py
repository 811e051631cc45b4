"""Importing notices on SQLite and PostgreSQL: a generated notice gives exactly its tasks,
an edited one gives the diff, importing twice duplicates nothing, Excel lists work alike."""

from datetime import date

import pytest
from sqlalchemy import select

import db
from tests.tracking_helpers import SHAPES, conclusion, edit_notice, render
from tracking import imports, read_docx, read_xlsx, write_template
from tracking.status import CONDITIONAL, FIXED, RECURRING, UNSET, WITHIN_DAYS

RECEIVED = date(2026, 8, 27)


def _import(engine, notices, office="VP-TU"):
    from db import accounts

    with db.session(engine) as s:
        unit = accounts.ensure_unit(s, office, "Văn phòng Tỉnh ủy")
        pending = imports.preview(s, notices, unit.id)
        payload, pending_id = pending.payload, pending.id
    with db.session(engine) as s:
        result = imports.confirm(s, pending_id)
    return payload, result


def _tasks(engine, withdrawn=False):
    with db.session(engine) as s:
        q = select(db.TrackedTask).where(db.TrackedTask.withdrawn.is_(withdrawn))
        return list(s.scalars(q.order_by(db.TrackedTask.seq)))


@pytest.mark.parametrize("shape", SHAPES)
def test_generated_notice_gives_exactly_its_tasks(engine, tmp_path, shape):
    notice = read_docx(render(tmp_path / "tb.docx", shape), received_on=RECEIVED)
    assert (notice.number, notice.issued_on) == ("02-TB/TU", date(2026, 8, 25))
    assert "giải ngân vốn đầu tư công" in notice.meeting
    _, result = _import(engine, [notice])
    expected = [(t.action, lead, t.supports) for t in conclusion().tasks for lead in t.leads]
    saved = _tasks(engine)
    assert [(t.content, t.lead_name, t.supports) for t in saved] == expected
    assert result.added == len(expected) == 6 and result.changed == result.removed == 0
    by_lead = {t.lead_name: t for t in saved}
    first = by_lead["Sở Tài chính"]
    assert (first.deadline_kind, first.due_on) == (FIXED, date(2026, 9, 30))
    assert first.quote == "giao Sở Tài chính chủ trì rà soát tiến độ giải ngân"
    assert (first.audio_start, first.audio_end) == (125.0, 140.0)  # from the Word comment
    assert first.code == "02-TB/TU/2026-01" and first.notice.number == "02-TB/TU"
    assert by_lead["Sở Y tế"].deadline_kind == by_lead["Sở Giáo dục và Đào tạo"].deadline_kind == RECURRING
    # "trong 10 ngày làm việc" counts from receipt (27/8), skipping 31/8, 1/9 and 2/9.
    city = by_lead["UBND thành phố Lào Cai"]
    assert (city.deadline_kind, city.due_on) == (WITHIN_DAYS, date(2026, 9, 15))
    assert (by_lead["Sở Nội vụ"].deadline_kind, by_lead["Sở Nội vụ"].due_on) == (UNSET, None)
    assert by_lead["Sở Kế hoạch và Đầu tư"].due_on == date(2026, 12, 31)
    with db.session(engine) as s:
        units = {u.name for u in s.scalars(select(db.Unit))}
        events = s.scalars(select(db.TaskEvent.action)).all()
    assert {"Sở Tài chính", "Sở Y tế", "UBND thành phố Lào Cai"} <= units
    assert events == ["import"] * 6


def test_importing_the_same_notice_twice_duplicates_nothing(engine, tmp_path):
    path = render(tmp_path / "tb.docx")
    _import(engine, [read_docx(path, received_on=RECEIVED)])
    codes = [t.code for t in _tasks(engine)]
    payload, result = _import(engine, [read_docx(path, received_on=RECEIVED)])
    d = payload["notices"][0]["diff"]
    assert d["notice_id"] is not None
    assert (d["added"], d["removed"], d["changed"], d["unchanged"]) == ([], [], [], 6)
    assert (result.added, result.changed, result.removed, result.unchanged) == (0, 0, 0, 6)
    assert [t.code for t in _tasks(engine)] == codes
    with db.session(engine) as s:
        assert s.query(db.TrackedNotice).count() == 1


@pytest.mark.parametrize("shape", SHAPES)
def test_edited_notice_shows_the_diff_and_keeps_codes(engine, tmp_path, shape):
    original = render(tmp_path / "tb.docx", shape)
    _import(engine, [read_docx(original, received_on=RECEIVED)])
    before = {t.lead_name: t for t in _tasks(engine)}
    edited = read_docx(edit_notice(original, tmp_path / "tb-sua.docx", shape), received_on=RECEIVED)
    payload, result = _import(engine, [edited])
    d = payload["notices"][0]["diff"]
    added = [edited.tasks[k] for k in d["added"]]
    assert [(t.content, t.lead) for t in added] == [
        ("Tổng kết mô hình chuyển đổi số cấp xã", "Sở Khoa học và Công nghệ")
    ]
    assert [(r["code"], r["lead"]) for r in d["removed"]] == [(before["Sở Nội vụ"].code, "Sở Nội vụ")]
    changed = {c["code"]: c["changes"] for c in d["changed"]}
    assert changed == {
        before["Sở Tài chính"].code: {"deadline": ["Có hạn cụ thể: 30/09/2026", "Có hạn cụ thể: 15/10/2026"]},
        before["Sở Kế hoạch và Đầu tư"].code: {
            "content": [
                "Xây dựng kế hoạch đầu tư công trung hạn",
                "Xây dựng kế hoạch đầu tư công trung hạn giai đoạn 2026-2030",
            ]
        },
    }
    assert d["unchanged"] == 3  # both leads of T2, and T3
    assert (result.added, result.changed, result.removed) == (1, 2, 1)
    after = {t.lead_name: t for t in _tasks(engine)}
    assert after["Sở Tài chính"].code == before["Sở Tài chính"].code
    assert after["Sở Tài chính"].due_on == date(2026, 10, 15)
    assert after["Sở Khoa học và Công nghệ"].code == "02-TB/TU/2026-07"  # numbers never reused
    assert after["Sở Khoa học và Công nghệ"].due_on == date(2026, 11, 30)
    assert [t.lead_name for t in _tasks(engine, withdrawn=True)] == ["Sở Nội vụ"]
    with db.session(engine) as s:
        actions = dict(
            s.execute(select(db.TaskEvent.task_id, db.TaskEvent.action).where(db.TaskEvent.action != "import")).all()
        )
    assert actions == {
        before["Sở Tài chính"].id: "reimport",
        before["Sở Kế hoạch và Đầu tư"].id: "reimport",
        before["Sở Nội vụ"].id: "withdraw",
    }


def test_a_stale_preview_is_refused(engine, tmp_path):
    from ketluan.errors import ConflictError

    path = render(tmp_path / "tb.docx")
    with db.session(engine) as s:
        unit = db.Unit(code="VP-TU", name="Văn phòng Tỉnh ủy")
        s.add(unit)
        s.flush()
        first = imports.preview(s, [read_docx(path, received_on=RECEIVED)], unit.id).id
        second = imports.preview(s, [read_docx(path, received_on=RECEIVED)], unit.id).id
    with db.session(engine) as s:
        imports.confirm(s, first)
    with pytest.raises(ConflictError, match="đã thay đổi từ lúc xem trước"), db.session(engine) as s:
        imports.confirm(s, second)
    assert len(_tasks(engine)) == 6


def test_excel_list_imports_several_notices_once(engine, tmp_path):
    from openpyxl import load_workbook

    path = write_template(tmp_path / "mau.xlsx")
    wb = load_workbook(path)
    ws = wb["Nhiệm vụ"]
    ws.append(
        [
            "15-TB/TU",
            "02/09/2026",
            "",
            "Hoàn thiện hồ sơ di tích quốc gia",
            "Sở Văn hóa, Thể thao và Du lịch",
            "",
            "Văn hóa",
            "Ký ban hành trong 10 ngày làm việc",
            "",
            "03/09/2026",
            "",
        ]
    )
    ws.append(
        [
            "15-TB/TU",
            "02/09/2026",
            "",
            "Theo dõi tình hình mưa lũ",
            "Sở Nông nghiệp và Môi trường",
            "Các xã",
            "Thiên tai",
            "Thường xuyên",
            "",
            "",
            "",
        ]
    )
    ws.append(
        [
            "15-TB/TU",
            "02/09/2026",
            "",
            "Đề xuất cơ chế khi có văn bản của Trung ương",
            "Sở Tư pháp",
            "",
            "",
            "Chờ điều kiện",
            "",
            "",
            "",
        ]
    )
    wb.save(path)
    notices = read_xlsx(path)
    assert [(n.number, n.issued_on, len(n.tasks)) for n in notices] == [
        ("02-TB/TU", date(2026, 8, 25), 1),
        ("15-TB/TU", date(2026, 9, 2), 3),
    ]
    assert notices[1].received_on == date(2026, 9, 3)
    _import(engine, notices)
    saved = {t.lead_name: t for t in _tasks(engine)}
    assert saved["Sở Tài chính"].due_on == date(2026, 9, 30)
    assert saved["Sở Tài chính"].supports == ["Sở Xây dựng", "UBND các huyện"]
    assert saved["Sở Tài chính"].sector == "Đầu tư công"
    culture = saved["Sở Văn hóa, Thể thao và Du lịch"]
    # 10 working days from 3/9/2026: 4, 7, 8, 9, 10, 11, 14, 15, 16, 17.
    assert (culture.deadline_kind, culture.due_on) == (WITHIN_DAYS, date(2026, 9, 17))
    assert saved["Sở Nông nghiệp và Môi trường"].deadline_kind == RECURRING
    assert saved["Sở Tư pháp"].deadline_kind == CONDITIONAL
    _, result = _import(engine, read_xlsx(path))
    assert (result.added, result.unchanged) == (0, 4)
    assert len(_tasks(engine)) == 4


def test_reimport_items_accepted_or_rejected_one_by_one(engine, tmp_path):
    from ketluan.errors import InputError

    original = render(tmp_path / "tb.docx")
    _import(engine, [read_docx(original, received_on=RECEIVED)])
    before = {t.lead_name: t for t in _tasks(engine)}
    finance, planning, home = (before[x] for x in ("Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Nội vụ"))
    edited = read_docx(edit_notice(original, tmp_path / "tb-sua.docx"), received_on=RECEIVED)
    with db.session(engine) as s:
        office = s.query(db.Unit).filter_by(code="VP-TU").one()
        pending_id = imports.preview(s, [edited], office.id).id
    with pytest.raises(InputError, match="không có trong bản xem trước"), db.session(engine) as s:
        imports.confirm(s, pending_id, reject=[imports.Item(0, "changed", home.id)])
    # Keep Sở Tài chính's old deadline and Sở Nội vụ's task; leave the new task out; take the
    # reworded Sở Kế hoạch và Đầu tư task.
    reject = [imports.Item(0, "changed", finance.id), imports.Item(0, "removed", home.id), imports.Item(0, "added", 5)]
    with db.session(engine) as s:
        result = imports.confirm(s, pending_id, reject=reject, note="Chờ văn bản đính chính")
    assert (result.added, result.changed, result.removed, result.rejected) == (0, 1, 0, 3)
    after = {t.lead_name: t for t in _tasks(engine)}
    assert set(after) == set(before)  # nothing withdrawn, nothing new
    assert after["Sở Tài chính"].due_on == date(2026, 9, 30)
    assert after["Sở Kế hoạch và Đầu tư"].content.endswith("giai đoạn 2026-2030")
    with db.session(engine) as s:
        events = {
            (e.task_id, e.action): e for e in s.scalars(select(db.TaskEvent).where(db.TaskEvent.action != "import"))
        }
        saved = s.get(db.PendingImport, pending_id).payload
    assert set(events) == {(finance.id, "reimport_rejected"), (home.id, "withdraw_rejected"), (planning.id, "reimport")}
    refused = events[finance.id, "reimport_rejected"]
    assert refused.note == "Chờ văn bản đính chính"
    assert refused.detail["changes"] == {"deadline": ["Có hạn cụ thể: 30/09/2026", "Có hạn cụ thể: 15/10/2026"]}
    assert events[home.id, "withdraw_rejected"].detail["import_id"] == pending_id
    assert saved["rejected"] == [
        {"notice": 0, "kind": "added", "ref": 5},
        {"notice": 0, "kind": "changed", "ref": finance.id},
        {"notice": 0, "kind": "removed", "ref": home.id},
    ]
    # Rejecting is not forgetting: the next import of the same text shows those items again.
    payload, _ = _import(engine, [edited])
    d = payload["notices"][0]["diff"]
    assert [c["id"] for c in d["changed"]] == [finance.id]
    assert [r["id"] for r in d["removed"]] == [home.id] and d["added"] == [5]
