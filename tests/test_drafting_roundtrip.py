"""Render → edit in python-docx (add, delete, change rows) → import → the edited tasks."""

import copy
from datetime import date

from docx import Document

from drafting import Meeting, extract_text, read_notice, render_notice

TEXT = """Thường trực Tỉnh ủy kết luận như sau:
Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát vốn, báo cáo trước ngày 15/9/2026.
Sở Văn hóa, Thể thao và Du lịch thường xuyên tuyên truyền kết quả thực hiện.
Công an tỉnh bảo đảm an ninh trật tự trong quý IV/2026.
Yêu cầu UBND các huyện rà soát hộ dân vùng sạt lở trong 15 ngày làm việc.
"""
MEETING = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="họp", date=date(2026, 8, 20),
                  notice_number="12")


def test_our_notice_reads_back_as_rendered(tmp_path):
    c = extract_text(TEXT, MEETING)
    path = tmp_path / "n.docx"
    render_notice(c, MEETING).save(path)
    back = read_notice(path)
    assert [(t.leads, t.supports, t.action) for t in back] == \
        [(t.leads, t.supports, t.action) for t in c.tasks]
    assert [(t.deadline.kind, t.deadline.due) for t in back] == \
        [(t.deadline.kind, t.deadline.due) for t in c.tasks]


def test_edited_rows_are_what_comes_back(tmp_path):
    path = tmp_path / "n.docx"
    render_notice(extract_text(TEXT, MEETING), MEETING).save(path)
    doc = Document(path)
    table = doc.tables[1]
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
    doc.add_paragraph("Ngày 03/3/2026, Thường trực Tỉnh ủy họp. Sau khi nghe báo cáo, Thường trực "
                      "Tỉnh ủy kết luận như sau:")
    doc.add_paragraph("1. Thống nhất với báo cáo của Sở Nội vụ.")
    doc.add_paragraph("2. Giao Sở Nội vụ chủ trì, phối hợp với Ban Tổ chức Tỉnh ủy hoàn thiện đề "
                      "án, trình Thường trực Tỉnh ủy trước ngày 30-4.")
    doc.add_paragraph("3. Sở Y tế thường xuyên kiểm tra an toàn thực phẩm.")
    doc.add_paragraph("Văn phòng Tỉnh ủy thông báo để các cơ quan, đơn vị biết, thực hiện./.")
    path = tmp_path / "hand.docx"
    doc.save(path)
    tasks = read_notice(path)
    assert [t.leads for t in tasks] == [["Sở Nội vụ"], ["Sở Y tế"]]
    assert tasks[0].supports == ["Ban Tổ chức Tỉnh ủy"]
    assert tasks[0].deadline.due == date(2026, 4, 30)  # year from the notice's date line


def test_cli_import_docx_json(tmp_path):
    import json

    from typer.testing import CliRunner

    from ketluan.cli import app

    path = tmp_path / "n.docx"
    render_notice(extract_text(TEXT, MEETING), MEETING).save(path)
    result = CliRunner().invoke(app, ["import-docx", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == 4 and data[0]["leads"] == ["Sở Tài chính"]
    assert data[0]["deadline"] == {"kind": "date", "due": "2026-09-15",
                                   "phrase": "Trước ngày 15/09/2026"}


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
