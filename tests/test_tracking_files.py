"""Bad Excel and Word files get a clear Vietnamese error naming the file and what to do."""

import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from ketluan.errors import InputError
from tracking import read_docx, read_xlsx, write_template


def _book(path, rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


HEADER = ["Số thông báo", "Ngày ban hành", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Hạn xử lý", "Loại thời hạn"]


def _not_a_zip(p):
    p.write_text("STT,Nội dung\n1,abc\n", encoding="utf-8")


def _zip_bomb(p):
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))  # ~20 kB packed


def _macro(p):
    write_template(p)
    with zipfile.ZipFile(p, "a") as z:
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")


def _docx_as_xlsx(p):
    from docx import Document

    Document().save(str(p))


def _old_xls(p):
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)


def _xxe(p):
    write_template(p)
    with zipfile.ZipFile(p) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><workbook>&e;</workbook>'
    )
    with zipfile.ZipFile(p, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p.write_bytes(b""), "rỗng (0 byte)"),
        (_not_a_zip, "không phải bảng tính Excel"),
        (_old_xls, "định dạng Excel cũ (.xls)"),
        (_zip_bomb, "bom nén"),
        (_macro, "có chứa macro (.xlsm)"),
        (_docx_as_xlsx, "là tài liệu Word, không phải bảng tính Excel"),
        (_xxe, "XML không an toàn"),
        (
            lambda p: _book(p, [["Tên", "Ghi chú"], ["a", "b"]]),
            "thiếu cột: Số thông báo, Ngày ban hành, Nội dung nhiệm vụ, Đơn vị chủ trì",
        ),
        (lambda p: _book(p, []), "trống"),
        (lambda p: _book(p, [HEADER]), "không có dòng nhiệm vụ nào"),
        (
            lambda p: _book(
                p,
                [
                    HEADER,
                    ["01-TB/TU", "31/02/2026", "Việc A", "Sở Y tế", "", ""],
                    ["01-TB/TU", "01/02/2026", "Việc B", "Sở Y tế", "32/13/2026", ""],
                    ["01-TB/TU", date(2026, 2, 1), "", "Sở Y tế", "", ""],
                ],
            ),
            "dòng 2, cột 'Ngày ban hành' không phải ngày hợp lệ ('31/02/2026'); dòng 3: hạn xử lý "
            "'32/13/2026' không phải ngày hợp lệ; dòng 4, cột 'Nội dung nhiệm vụ' trống",
        ),
        (
            lambda p: _book(p, [HEADER, ["01-TB/TU", "01/02/2026", "Việc A", "Sở Y tế", "", "Gấp lắm"]]),
            "loại thời hạn 'Gấp lắm' không rõ",
        ),
        (
            lambda p: _book(p, [HEADER, ["01-TB/TU", "01/02/2026", "Việc A", "Sở Y tế", "", "Có hạn cụ thể"]]),
            "'Có hạn cụ thể' nhưng cột 'Hạn xử lý' trống",
        ),
        (
            lambda p: _book(
                p, [HEADER] + [["01-TB/TU", "01/02/2026", f"Việc {k}", "Sở Y tế", "", ""] for k in range(80)]
            ),
            "quá nhiều dòng (hơn 50)",
        ),
    ],
    ids=[
        "empty",
        "not-zip",
        "xls",
        "zip-bomb",
        "xlsm",
        "docx",
        "xxe",
        "wrong-columns",
        "empty-sheet",
        "header-only",
        "bad-dates",
        "bad-kind",
        "missing-due",
        "too-many-rows",
    ],
)
def test_bad_excel_files_get_clear_errors(tmp_path, make, expected):
    path = tmp_path / "danh-sach.xlsx"
    make(path)
    with pytest.raises(InputError) as caught:
        read_xlsx(path, max_rows=50)
    message = str(caught.value)
    assert expected in message, message
    assert "danh-sach.xlsx" in message or "Không tìm thấy" in message
    assert caught.value.hint  # says what to do


def _docm(p):
    from docx import Document

    Document().save(str(p))
    with zipfile.ZipFile(p, "a") as z:
        z.writestr("word/vbaProject.bin", b"macro")


def _no_number(p):
    import drafting
    from tests.tracking_helpers import conclusion, meeting

    m = meeting()
    m.notice_number = ""
    drafting.render_notice(conclusion(), m).save(str(p))


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p.write_bytes(b"%PDF-1.4 not a word file"), "không phải tài liệu Word"),
        (_docm, "có chứa macro (.docm)"),
        (lambda p: p.write_bytes(b""), "rỗng (0 byte)"),
        (_no_number, "Không thấy số thông báo"),
    ],
    ids=["pdf", "docm", "empty", "no-number"],
)
def test_bad_word_files_get_clear_errors(tmp_path, make, expected):
    path = tmp_path / "thong-bao.docx"
    make(path)
    with pytest.raises(InputError) as caught:
        read_docx(path)
    assert expected in str(caught.value) and caught.value.hint


def test_a_notice_with_a_blank_number_imports_once_it_is_given(tmp_path):
    path = tmp_path / "tb.docx"
    _no_number(path)
    notice = read_docx(path, number="07-TB/TU")
    assert notice.number == "07-TB/TU" and len(notice.tasks) == 6


def test_state_format_header_and_a_hand_written_notice(tmp_path):
    from docx import Document

    import drafting
    from tests.tracking_helpers import conclusion, meeting

    m = meeting()
    m.format, m.issuing_body, m.notice_number = "state", "Ủy ban nhân dân tỉnh Lào Cai", "125"
    drafting.render_notice(conclusion(), m).save(str(tmp_path / "ubnd.docx"))
    state = read_docx(tmp_path / "ubnd.docx")
    assert (state.number, state.issued_on, len(state.tasks)) == ("125/TB-UBND", date(2026, 8, 25), 6)

    doc = Document()  # typed by hand: no task table, no comments
    doc.add_paragraph("HUYỆN ỦY BẢO THẮNG")
    doc.add_paragraph("Số 15-TB/HU")
    doc.add_paragraph("Bảo Thắng, ngày 03 tháng 9 năm 2026")
    doc.add_paragraph("THÔNG BÁO")
    doc.add_paragraph("kết luận của Thường trực Huyện ủy tại cuộc họp giao ban tháng 8")
    doc.add_paragraph(
        "1. Giao Ủy ban nhân dân huyện chỉ đạo rà soát các công trình chậm tiến độ, "
        "báo cáo Thường trực Huyện ủy trước ngày 30/9/2026."
    )
    doc.add_paragraph("2. Thường trực Huyện ủy biểu dương các xã đã hoàn thành kế hoạch.")
    doc.save(str(tmp_path / "tay.docx"))
    hand = read_docx(tmp_path / "tay.docx")
    assert (hand.number, hand.issued_on) == ("15-TB/HU", date(2026, 9, 3))
    assert hand.meeting == "cuộc họp giao ban tháng 8"
    assert len(hand.tasks) == 1, hand.tasks  # praise is not a task
    task = hand.tasks[0]
    assert "rà soát các công trình chậm tiến độ" in task.content
    assert (task.lead, task.deadline_kind, task.due) == ("UBND huyện", "co_han", date(2026, 9, 30))
