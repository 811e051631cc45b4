"""Render → edit in python-docx (add, delete, change rows or paragraphs) → import → the edited
tasks, for both shapes of the notice: tasks as numbered paragraphs only, and paragraphs with
the task table as an appendix after the signature."""

import copy
import re
from datetime import date

import pytest
from docx import Document

from drafting import Meeting, extract_text, read_notice, render_notice

TEXT = """Thường trực Tỉnh ủy kết luận như sau:
Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát vốn, báo cáo trước ngày 15/9/2026.
Sở Văn hóa, Thể thao và Du lịch thường xuyên tuyên truyền kết quả thực hiện.
Công an tỉnh bảo đảm an ninh trật tự trong quý IV/2026.
Yêu cầu UBND các huyện rà soát hộ dân vùng sạt lở trong 15 ngày làm việc.
"""
MEETING = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="họp", date=date(2026, 8, 20), notice_number="12")


def _said(task) -> str:
    """The action without a leading "thường xuyên": that is the deadline, read as such."""
    phrase = task.deadline.phrase.lower() if task.deadline.kind == "recurring" else ""
    action = task.action
    if phrase and action.lower().startswith(phrase):
        action = action[len(phrase) :].strip()
    return action[:1].upper() + action[1:]


@pytest.mark.parametrize("appendix", [False, True])
def test_our_notice_reads_back_as_rendered(tmp_path, appendix):
    c = extract_text(TEXT, MEETING)
    path = tmp_path / "n.docx"
    render_notice(c, MEETING, appendix=appendix).save(path)
    back = read_notice(path)
    if not appendix:
        assert len(Document(path).tables) == 2  # header and signature: no task table
    assert [(t.leads, t.supports, _said(t)) for t in back] == [(t.leads, t.supports, _said(t)) for t in c.tasks]
    assert [(t.deadline.kind, t.deadline.due) for t in back] == [(t.deadline.kind, t.deadline.due) for t in c.tasks]


def test_evidence_follows_its_task_paragraph(tmp_path):
    """The Word comment (audio time, the chair's words) sits on the task's own paragraph and
    comes back with that task, in both shapes, also after the drafter reorders paragraphs."""
    from drafting import Conclusion, Deadline, Evidence, Task

    tasks = [
        Task(
            "T1",
            ["Sở Y tế"],
            "Kiểm tra an toàn thực phẩm",
            quote="giao Sở Y tế kiểm tra",
            evidence=Evidence([1], 61.0, 75.0),
        ),
        Task(
            "T2",
            ["Sở Công Thương"],
            "Bình ổn giá mặt hàng thiết yếu",
            deadline=Deadline("month", date(2026, 9, 30), "trong tháng 9/2026"),
            quote="Sở Công Thương bình ổn giá",
            evidence=Evidence([2], 130.0, 142.0),
        ),
    ]
    c = Conclusion(meeting={}, opening="", tasks=tasks)
    for appendix in (False, True):
        path = tmp_path / f"ev-{appendix}.docx"
        render_notice(c, MEETING, appendix=appendix).save(path)
        doc = Document(path)
        first = next(p for p in doc.paragraphs if p.text.startswith("1. Giao Sở Y tế"))
        second = next(p for p in doc.paragraphs if p.text.startswith("2. Giao Sở Công Thương"))
        assert "commentRangeStart" in first._p.xml and "commentRangeStart" in second._p.xml
        first._p.addprevious(second._p)  # the drafter swaps the two paragraphs
        doc.save(path)
        back = {t.leads[0]: t for t in read_notice(path)}
        assert (back["Sở Y tế"].quote, back["Sở Y tế"].evidence.start, back["Sở Y tế"].evidence.end) == (
            "giao Sở Y tế kiểm tra",
            61.0,
            75.0,
        )
        assert (back["Sở Công Thương"].quote, back["Sở Công Thương"].evidence.start) == (
            "Sở Công Thương bình ổn giá",
            130.0,
        )


def test_edited_paragraphs_are_what_comes_back(tmp_path):
    path = tmp_path / "n.docx"
    render_notice(extract_text(TEXT, MEETING), MEETING).save(path)
    doc = Document(path)
    paras = {p.text[:2]: p for p in doc.paragraphs if re.match(r"^\d\. ", p.text)}
    paras["2."]._p.getparent().remove(paras["2."]._p)  # the Sở Văn hóa task
    _set_para(
        paras["1."],
        paras["1."]
        .text.replace("rà soát vốn", "rà soát, điều chuyển vốn các dự án chậm giải ngân")
        .replace("15-9-2026", "30-9-2026"),
    )
    new = copy.deepcopy(paras["4."]._p)
    paras["4."]._p.addnext(new)
    added = next(p for p in doc.paragraphs if p._p is new)
    _set_para(
        added, "5. Giao Ban Tổ chức Tỉnh ủy, Văn phòng Tỉnh ủy tổ chức hội nghị sơ kết, hoàn thành trong tháng 11/2026."
    )
    edited = tmp_path / "edited.docx"
    doc.save(edited)

    tasks = read_notice(edited)
    assert [t.action for t in tasks] == [
        "Rà soát, điều chuyển vốn các dự án chậm giải ngân, báo cáo",
        "Bảo đảm an ninh trật tự",
        "Rà soát hộ dân vùng sạt lở",
        "Tổ chức hội nghị sơ kết",
    ]
    assert tasks[0].deadline.due == date(2026, 9, 30)
    assert tasks[0].supports == ["Sở Xây dựng"]
    assert tasks[2].deadline.kind == "relative"
    assert tasks[3].leads == ["Ban Tổ chức Tỉnh ủy", "Văn phòng Tỉnh ủy"]
    assert (tasks[3].deadline.kind, tasks[3].deadline.due) == ("month", date(2026, 11, 30))


def _set_para(p, text: str) -> None:
    for r in p.runs[1:]:
        r._r.getparent().remove(r._r)
    p.runs[0].text = text


def test_edited_rows_are_what_comes_back(tmp_path):
    path = tmp_path / "n.docx"
    render_notice(extract_text(TEXT, MEETING), MEETING, appendix=True).save(path)
    doc = Document(path)
    table = doc.tables[2]  # after the header and the signature
    # delete row 2 (the Sở Văn hóa task)
    table._tbl.remove(table.rows[2]._tr)
    # reword row 1 and move its deadline
    row = table.rows[1]
    _set(row.cells[1], "Rà soát, điều chuyển vốn các dự án chậm giải ngân")
    _set(row.cells[4], "Trước ngày 30/9/2026")
    # add a row by copying the last one, as a drafter does in Word
    new = copy.deepcopy(table.rows[-1]._tr)
    table._tbl.append(new)
    added = table.rows[-1]
    _set(added.cells[0], "4")
    _set(added.cells[1], "Tổ chức hội nghị sơ kết")
    _set(added.cells[2], "Ban Tổ chức Tỉnh ủy\nVăn phòng Tỉnh ủy")
    _set(added.cells[3], "")
    _set(added.cells[4], "Trong tháng 11/2026")
    edited = tmp_path / "edited.docx"
    doc.save(edited)

    tasks = read_notice(edited)
    assert [t.action for t in tasks] == [
        "Rà soát, điều chuyển vốn các dự án chậm giải ngân",
        "Bảo đảm an ninh trật tự",
        "Rà soát hộ dân vùng sạt lở",
        "Tổ chức hội nghị sơ kết",
    ]
    assert tasks[0].deadline.due == date(2026, 9, 30)
    assert tasks[0].supports == ["Sở Xây dựng"]
    assert tasks[2].deadline.kind == "relative"
    assert tasks[3].leads == ["Ban Tổ chức Tỉnh ủy", "Văn phòng Tỉnh ủy"]
    assert (tasks[3].deadline.kind, tasks[3].deadline.due) == ("month", date(2026, 11, 30))


def test_hand_written_notice_without_a_table(tmp_path):
    doc = Document()
    doc.add_paragraph("TỈNH ỦY LÀO CAI")
    doc.add_paragraph("Lào Cai, ngày 05 tháng 3 năm 2026")
    doc.add_paragraph("THÔNG BÁO")
    doc.add_paragraph(
        "Ngày 03/3/2026, Thường trực Tỉnh ủy họp. Sau khi nghe báo cáo, Thường trực Tỉnh ủy kết luận như sau:"
    )
    doc.add_paragraph("1. Thống nhất với báo cáo của Sở Nội vụ.")
    doc.add_paragraph(
        "2. Giao Sở Nội vụ chủ trì, phối hợp với Ban Tổ chức Tỉnh ủy hoàn thiện đề "
        "án, trình Thường trực Tỉnh ủy trước ngày 30-4."
    )
    doc.add_paragraph("3. Sở Y tế thường xuyên kiểm tra an toàn thực phẩm.")
    doc.add_paragraph("Văn phòng Tỉnh ủy thông báo để các cơ quan, đơn vị biết, thực hiện./.")
    path = tmp_path / "hand.docx"
    doc.save(path)
    tasks = read_notice(path)
    assert [t.leads for t in tasks] == [["Sở Nội vụ"], ["Sở Y tế"]]
    assert tasks[0].supports == ["Ban Tổ chức Tỉnh ủy"]
    assert tasks[0].deadline.due == date(2026, 4, 30)  # year from the notice's date line


@pytest.mark.parametrize(("appendix", "phrase"), [(False, "trước ngày 15-9-2026"), (True, "Trước ngày 15/09/2026")])
def test_cli_import_docx_json(tmp_path, appendix, phrase):
    import json

    from typer.testing import CliRunner

    from cli import app

    path = tmp_path / "n.docx"
    render_notice(extract_text(TEXT, MEETING), MEETING, appendix=appendix).save(path)
    result = CliRunner().invoke(app, ["import-docx", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == 4 and data[0]["leads"] == ["Sở Tài chính"]
    assert data[0]["deadline"] == {"kind": "date", "due": "2026-09-15", "phrase": phrase}


def _set(cell, text: str) -> None:
    """Replace a cell's text the way an editor does: first paragraph kept, others removed."""
    for p in cell.paragraphs[1:]:
        p._p.getparent().remove(p._p)
    p = cell.paragraphs[0]
    for r in p.runs[1:]:
        r._r.getparent().remove(r._r)
    lines = text.split("\n")
    if p.runs:
        p.runs[0].text = lines[0]
    else:
        p.add_run(lines[0])
    for line in lines[1:]:
        cell.add_paragraph(line)


def test_relative_deadline_reads_back_without_the_estimated_date(tmp_path):
    """The "(dự kiến đến …)" reading aid is not a second deadline: tracking recomputes the
    due date from the receipt date using the phrase alone."""
    from drafting import Conclusion, Task
    from drafting.deadline import parse

    deadline = parse("trong 10 ngày làm việc", date(2026, 8, 20))  # 2/9 and 1/9 are holidays
    task = Task(id="T1", leads=["Sở Nội vụ"], supports=[], action="rà soát biên chế", deadline=deadline)
    meeting = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="họp", date=date(2026, 8, 20))
    path = tmp_path / "tb.docx"
    c = Conclusion(meeting=meeting.to_dict(), opening="", tasks=[task])
    render_notice(c, meeting, appendix=True).save(path)
    cells = [c.text for t in Document(path).tables for r in t.rows for c in r.cells]
    assert f"Trong 10 ngày làm việc (dự kiến đến {deadline.due:%d/%m/%Y})" in cells
    [back] = read_notice(path)
    assert back.deadline.kind == "relative"
    assert back.deadline.phrase.lower() == "trong 10 ngày làm việc"
    assert back.deadline.due == deadline.due
    # the paragraph says the phrase only; the estimate is in the comment, not printed
    render_notice(c, meeting).save(path)
    doc = Document(path)
    assert "Giao Sở Nội vụ rà soát biên chế, hoàn thành trong 10 ngày làm việc." in [p.text for p in doc.paragraphs]
    [note] = list(doc.comments)
    assert f"Hạn dự kiến (tính từ ngày họp): {deadline.due:%d/%m/%Y}" in note.text
    [back] = read_notice(path)
    assert (back.deadline.kind, back.deadline.due) == ("relative", deadline.due)


def test_a_task_deleted_on_the_web_leaves_no_sentence_behind(tmp_path):
    from drafting.render import forget_tasks

    c = extract_text(TEXT, MEETING)
    gone = c.tasks.pop(1)  # the Sở Văn hóa task, as the draft page's edit removes it
    forget_tasks(c, [gone])
    path = tmp_path / "n.docx"
    render_notice(c, MEETING).save(path)
    body = "\n".join(p.text for p in Document(path).paragraphs)
    assert "Sở Văn hóa" not in body and "tuyên truyền" not in body
    assert [t.leads for t in read_notice(path)] == [t.leads for t in c.tasks]
