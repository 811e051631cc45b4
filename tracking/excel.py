"""Task lists in Excel: reading an office's list (layout in docs/tracking.md) and the template.

    notices = read_xlsx("danh-sach.xlsx")   # grouped by (số thông báo, ngày ban hành)
    write_template("mau-nhap-nhiem-vu.xlsx")

Files are checked before openpyxl opens them (not a zip, zip bomb, macros, XML tricks,
too many rows), and every bad cell is reported with its row and column.
"""

import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from drafting.deadline import parse as parse_deadline
from ketluan.errors import InputError
from ketluan.officefile import check_office_file
from tracking.source import ParsedNotice, ParsedTask, sha256_of
from tracking.status import (
    CONDITIONAL,
    FIXED,
    RECURRING,
    UNSET,
    WITHIN_DAYS,
    kind_from_drafting,
)
from transcribe.transcript import nfc


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    required: bool
    help: str


COLUMNS = (
    Column("number", "Số thông báo", True, "Số văn bản giao nhiệm vụ, ví dụ 02-TB/TU."),
    Column("issued_on", "Ngày ban hành", True, "Ngày của văn bản, dạng 25/08/2026."),
    Column("title", "Trích yếu", False, "Trích yếu của văn bản (không bắt buộc)."),
    Column("content", "Nội dung nhiệm vụ", True, "Việc phải làm."),
    Column("lead", "Đơn vị chủ trì", True, "Một đơn vị; nhiệm vụ có nhiều đơn vị chủ trì thì ghi mỗi đơn vị một dòng."),
    Column("supports", "Đơn vị phối hợp", False, "Các đơn vị, cách nhau bằng dấu chấm phẩy."),
    Column("sector", "Lĩnh vực", False, "Ví dụ: Tài chính, Đầu tư công, Giáo dục."),
    Column(
        "kind",
        "Loại thời hạn",
        False,
        "Có hạn cụ thể / Thường xuyên / Chờ điều kiện / "
        "Trong N ngày (ví dụ 'Ký ban hành trong 10 ngày làm việc'). Bỏ trống: suy ra từ hạn.",
    ),
    Column(
        "due",
        "Hạn xử lý",
        False,
        "Ngày (30/06/2026) hoặc cách ghi trong văn bản ('trong quý III/2026', 'trong 10 ngày làm việc').",
    ),
    Column("received_on", "Ngày nhận", False, "Ngày đơn vị nhận văn bản; hạn 'trong N ngày' tính từ ngày này."),
    Column(
        "documents", "Văn bản triển khai", False, "Số, ngày văn bản đơn vị ban hành để triển khai (không bắt buộc)."
    ),
)
KIND_WORDS = {
    "có hạn cụ thể": FIXED,
    "có hạn": FIXED,
    "thường xuyên": RECURRING,
    "chờ điều kiện": CONDITIONAL,
    "chờ quyết định": CONDITIONAL,
}
MAX_REPORTED = 12  # cell errors listed in one message
HINT = "Hãy mở tệp bằng Excel hoặc LibreOffice và lưu lại dưới dạng 'Excel Workbook (.xlsx)'."
# The web page (the API's hint) and the command line each say where the template is.
TEMPLATE_HINT = "Tải mẫu Excel (liên kết “mẫu Excel” ở trang Nhập văn bản) và điền theo mẫu."
TEMPLATE_CLI_HINT = "Xem mẫu: `ketluan tracking template mau.xlsx` hoặc docs/tracking.md."


def read_xlsx(path: str | Path, max_rows: int = 20000) -> list[ParsedNotice]:
    """The notices and tasks of an Excel list; rows of one notice share its number and date."""
    path = Path(path)
    check_xlsx(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except UNREADABLE as exc:
        raise InputError(f"Không đọc được bảng tính '{path.name}' ({type(exc).__name__}).", HINT) from None
    try:
        ws = wb.worksheets[0]
        rows = _rows(ws, path.name, max_rows)
    finally:
        wb.close()
    header_at, columns = _find_header(rows, path.name)
    errors: list[str] = []
    notices: dict[tuple[str, date], ParsedNotice] = {}
    count = 0
    for n, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = {key: row[k] if k < len(row) else None for key, k in columns.items()}
        if all(_blank(v) for v in values.values()):
            continue
        count += 1
        task, notice_key, extra = _task(values, n, errors)
        if task is None or notice_key is None:
            continue
        notice = notices.get(notice_key)
        if notice is None:
            notice = notices[notice_key] = ParsedNotice(
                number=notice_key[0],
                issued_on=notice_key[1],
                tasks=[],
                title=extra["title"],
                received_on=extra["received_on"],
                source_kind="xlsx",
                source_name=path.name,
            )
        elif extra["received_on"] and not notice.received_on:
            notice.received_on = extra["received_on"]
        notice.tasks.append(task)
    if errors:
        shown = "; ".join(errors[:MAX_REPORTED])
        more = f" (và {len(errors) - MAX_REPORTED} lỗi khác)" if len(errors) > MAX_REPORTED else ""
        raise InputError(
            f"Bảng tính '{path.name}' có dữ liệu không hợp lệ: {shown}{more}.",
            "Sửa các ô được nêu rồi nhập lại. " + TEMPLATE_HINT,
            cli_hint="Sửa các ô được nêu rồi nhập lại. " + TEMPLATE_CLI_HINT,
        )
    if count == 0:
        raise InputError(
            f"Bảng tính '{path.name}' không có dòng nhiệm vụ nào dưới dòng tiêu đề.",
            "Điền nhiệm vụ vào các dòng bên dưới tiêu đề. " + TEMPLATE_HINT,
            cli_hint="Điền nhiệm vụ vào các dòng bên dưới tiêu đề. " + TEMPLATE_CLI_HINT,
        )
    digest = sha256_of(path)
    for notice in notices.values():
        notice.sha256 = digest
    return list(notices.values())


def check_xlsx(path: Path, shown: str | None = None) -> None:
    """Refuse files that are not a plain, safe .xlsx (ketluan/officefile.py)."""
    check_office_file(path, "xlsx", InputError, shown)


# What openpyxl raises on a zip that passed the safety check but is not a workbook it can open
# (a part missing or of the wrong type, XML it does not expect); anything else is a bug.
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    SyntaxError,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def append_text_row(ws, values: list[Any]) -> None:
    """ws.append(values), with every text written as text: openpyxl stores a string starting
    with "=" as a formula, so a unit's progress "=HYPERLINK(…)" would be live in the export.
    Such a cell (and one starting with +, -, @, tab or CR, which spreadsheet programs also
    read as formulas when the file is converted or the cell edited) is a string cell with
    Excel's own "quote prefix": shown exactly as typed, never evaluated."""
    ws.append(values)
    for cell in ws[ws._current_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True


def write_template(path: str | Path) -> Path:
    """An empty list with the header row, one example row and a sheet explaining the columns."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    ws.append([c.title for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.append(
        [
            "02-TB/TU",
            date(2026, 8, 25),
            "Kết luận của Thường trực Tỉnh ủy tại cuộc họp …",
            "Rà soát, báo cáo tiến độ giải ngân vốn đầu tư công",
            "Sở Tài chính",
            "Sở Xây dựng; UBND các huyện",
            "Đầu tư công",
            "Có hạn cụ thể",
            date(2026, 9, 30),
            date(2026, 8, 27),
            "",
        ]
    )
    ws["B2"].number_format = ws["I2"].number_format = ws["J2"].number_format = "DD/MM/YYYY"
    widths = (14, 14, 40, 60, 28, 32, 18, 24, 24, 14, 30)
    for k, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + k)].width = w
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 32
    ws.page_setup.orientation = "landscape"
    kinds = DataValidation(
        type="list",
        formula1='"Có hạn cụ thể,Thường xuyên,Chờ điều kiện,Ký ban hành trong 10 ngày làm việc"',
        allow_blank=True,
    )
    ws.add_data_validation(kinds)
    kinds.add("H2:H5000")
    guide = wb.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Ý nghĩa"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for c in COLUMNS:
        guide.append([c.title, "Có" if c.required else "", c.help])
    guide.column_dimensions["A"].width, guide.column_dimensions["C"].width = 22, 100
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# -- helpers ------------------------------------------------------------------------------


def _rows(ws, name: str, max_rows: int) -> list[tuple]:
    rows = []
    for row in ws.iter_rows(values_only=True):
        rows.append(row)
        if len(rows) > max_rows + 10:
            raise InputError(
                f"Bảng tính '{name}' có quá nhiều dòng (hơn {max_rows:,}).",
                "Hãy tách danh sách thành nhiều tệp nhỏ hơn rồi nhập lần lượt.",
            )
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(
            f"Trang tính đầu tiên của '{name}' trống.",
            "Đặt danh sách nhiệm vụ ở trang tính đầu tiên. " + TEMPLATE_HINT,
            cli_hint="Đặt danh sách nhiệm vụ ở trang tính đầu tiên. " + TEMPLATE_CLI_HINT,
        )
    return rows


def _find_header(rows: list[tuple], name: str) -> tuple[int, dict[str, int]]:
    """The header row (within the first 10) and column index of each known column."""
    titles = {_norm(c.title): c.key for c in COLUMNS}
    titles |= {
        "số văn bản": "number",
        "ngày văn bản": "issued_on",
        "nội dung": "content",
        "chủ trì": "lead",
        "phối hợp": "supports",
        "thời hạn": "due",
        "hạn": "due",
        "cơ quan chủ trì": "lead",
        "cơ quan phối hợp": "supports",
    }
    best: tuple[int, dict[str, int]] = (0, {})
    for r, row in enumerate(rows[:10]):
        found: dict[str, int] = {}
        for k, value in enumerate(row):
            key = titles.get(_norm(str(value))) if value is not None else None
            if key and key not in found:
                found[key] = k
        if len(found) > len(best[1]):
            best = (r, found)
    missing = [c.title for c in COLUMNS if c.required and c.key not in best[1]]
    if missing:
        expected = ", ".join(f"'{c.title}'" for c in COLUMNS if c.required)
        raise InputError(
            f"Bảng tính '{name}' thiếu cột: {', '.join(missing)}.",
            f"Dòng tiêu đề cần có các cột {expected}. " + TEMPLATE_HINT,
            cli_hint=f"Dòng tiêu đề cần có các cột {expected}. " + TEMPLATE_CLI_HINT,
        )
    return best


def _task(values: dict[str, Any], row: int, errors: list[str]):
    def where(key: str) -> str:
        title = next(c.title for c in COLUMNS if c.key == key)
        return f"dòng {row}, cột '{title}'"

    number = _text(values.get("number"))
    content = _text(values.get("content"))
    lead = _text(values.get("lead"))
    for key, value in (("number", number), ("content", content), ("lead", lead)):
        if not value:
            errors.append(f"{where(key)} trống")
    issued = _date(values.get("issued_on"))
    if issued is None:
        errors.append(f"{where('issued_on')} không phải ngày hợp lệ ('{_text(values.get('issued_on'))}')")
    received = None
    if not _blank(values.get("received_on")):
        received = _date(values.get("received_on"))
        if received is None:
            errors.append(f"{where('received_on')} không phải ngày hợp lệ ('{_text(values.get('received_on'))}')")
    if not (number and content and lead and issued):
        return None, None, {}
    kind, phrase, due, problem = _deadline(values.get("kind"), values.get("due"), issued)
    if problem:
        errors.append(f"dòng {row}: {problem}")
        return None, None, {}
    supports = [nfc(s.strip()) for s in re.split(r"[;\n]+", _text(values.get("supports"))) if s.strip()]
    task = ParsedTask(
        content=content,
        lead=lead,
        supports=supports,
        sector=_text(values.get("sector")),
        deadline_kind=kind,
        deadline_phrase=phrase,
        due=due,
        documents=_text(values.get("documents")),
    )
    return task, (number, issued), {"title": _text(values.get("title")), "received_on": received}


def _deadline(kind_cell: Any, due_cell: Any, issued: date):
    """(kind, phrase, due, problem) from the 'Loại thời hạn' and 'Hạn xử lý' cells."""
    kind_text = _text(kind_cell)
    kind_key = _norm(kind_text)
    due_text = _text(due_cell)
    due = _date(due_cell)
    kind = KIND_WORDS.get(kind_key)
    if kind is None and kind_key and re.search(r"\btrong\b.*\d+\s*ngày", kind_key):
        kind = WITHIN_DAYS
    if kind_key and kind is None:
        return (
            UNSET,
            "",
            None,
            (f"loại thời hạn '{kind_text}' không rõ (dùng: Có hạn cụ thể, Thường xuyên, Chờ điều kiện, Trong N ngày)"),
        )
    if kind in (RECURRING, CONDITIONAL):
        return kind, due_text or kind_text, None, None
    if kind == WITHIN_DAYS:
        source = due_text if re.search(r"\d+\s*ngày", _norm(due_text)) else kind_text
        m = re.search(r"(\d{1,3})\s*ngày(\s*làm\s*việc)?", _norm(source))
        if not m:
            return UNSET, "", None, f"thời hạn '{kind_text} {due_text}' thiếu số ngày"
        phrase = f"trong {m.group(1)} ngày{' làm việc' if m.group(2) else ''}"
        return WITHIN_DAYS, phrase, None, None
    if due is not None:
        return FIXED, due_text if isinstance(due_cell, str) else "", due, None
    if due_text:
        if _looks_like_date(due_text):
            return UNSET, "", None, f"hạn xử lý '{due_text}' không phải ngày hợp lệ"
        parsed = parse_deadline(due_text, issued)
        got = kind_from_drafting(parsed.kind)
        if kind == FIXED and got != FIXED:
            return UNSET, "", None, f"hạn xử lý '{due_text}' không phải một ngày cụ thể"
        if got == WITHIN_DAYS:
            return WITHIN_DAYS, parsed.phrase, None, None
        return got, due_text, parsed.due, None
    if kind == FIXED:
        return UNSET, "", None, "loại thời hạn 'Có hạn cụ thể' nhưng cột 'Hạn xử lý' trống"
    return UNSET, "", None, None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # a date serial in a text cell
        return from_excel(value).date()
    text = _text(value)
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        return None
    return None


def _looks_like_date(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}", text.strip()))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", nfc(str(value))).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _norm(text: str) -> str:
    return re.sub(r"[\s*:]+", " ", nfc(text)).strip().lower()
