"""Reports: task rows with their status, summaries by unit / status / notice / period, and
exports to Excel and to a Word summary report.

    rows = task_rows(s, today, user=leader, issued_from=date(2026, 1, 1))
    summarize(rows, "unit")          → [Group(key, label, counts, total)]
    export_xlsx(rows, "bao-cao.xlsx", today);  export_docx(rows, "bao-cao.docx", today)
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from db.models import Unit, User
from db.tracking import TrackedNotice, TrackedTask
from drafting import docxkit as kit
from ketluan.errors import InputError
from tracking.excel import append_text_row
from tracking.status import (
    DEFAULT_RULES,
    DONE_LATE,
    DONE_ON_TIME,
    KINDS,
    LEVELS,
    NEAR_DUE,
    OPEN_OVERDUE,
    STATUSES,
    SUBMITTED,
    Rules,
    TaskState,
    status_of,
    warning_of,
)
from tracking.tasks import scope
from tracking.units import supports_of

# A filter beside the statuses: results a unit reported done, waiting for the tracker.
AWAITING_REVIEW = "cho_duyet"
FILTERS = {**STATUSES, AWAITING_REVIEW: "Chờ duyệt kết quả"}
GROUPS = {"unit": "Đơn vị chủ trì", "status": "Trạng thái", "notice": "Văn bản giao", "period": "Tháng ban hành"}
LIST_COLUMNS = (
    "Mã nhiệm vụ",
    "Số thông báo",
    "Ngày ban hành",
    "Nội dung",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Lĩnh vực",
    "Loại thời hạn",
    "Hạn xử lý",
    "Tiến độ (%)",
    "Kết quả",
    "Văn bản triển khai",
    "Trạng thái",
    "Cảnh báo",
)


@dataclass
class Row:
    id: int
    code: str
    notice: str
    issued_on: date
    content: str
    lead_unit_id: int | None
    lead: str
    supports: list[str]
    sector: str
    deadline_kind: str
    deadline_phrase: str
    due_on: date | None
    progress: int
    result: str
    result_state: str
    done: bool
    completed_on: date | None
    documents: str
    quote: str
    audio_start: float | None
    audio_end: float | None
    meeting: str
    updated_at: datetime
    status: str
    warning: str | None
    support_unit_ids: list[int] = field(default_factory=list)  # cooperating units (linked)

    @property
    def status_name(self) -> str:
        return STATUSES[self.status]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("issued_on", "due_on", "completed_on"):
            d[k] = d[k].isoformat() if d[k] else None
        d["status_name"] = self.status_name
        d["warning_name"] = LEVELS[self.warning] if self.warning else None
        return d


@dataclass
class Group:
    key: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0


def task_rows(
    s: Session,
    today: date,
    rules: Rules = DEFAULT_RULES,
    user: User | None = None,
    unit_id: int | None = None,
    notice_id: int | None = None,
    status: str | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
) -> list[Row]:
    """Every (not withdrawn) task in scope, with its status on `today`."""
    return task_page(s, today, rules, user, unit_id, notice_id, status, issued_from, issued_to)[1]


def task_page(
    s: Session,
    today: date,
    rules: Rules = DEFAULT_RULES,
    user: User | None = None,
    unit_id: int | None = None,
    notice_id: int | None = None,
    status: str | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
    offset: int = 0,
    limit: int | None = None,
    updated_since: datetime | None = None,
) -> tuple[int, list[Row]]:
    """(total, one page of rows). Without a status filter the page is cut in SQL; a status is
    computed, so filtering on it reads every task in scope."""
    if status is not None and status not in FILTERS:
        raise InputError(f"Trạng thái '{status}' không có.", f"Chọn trong: {', '.join(FILTERS)}.")
    q = (
        select(TrackedTask, TrackedNotice.number, TrackedNotice.issued_on, TrackedNotice.meeting)
        .join(TrackedNotice, TrackedNotice.id == TrackedTask.notice_id)
        .where(TrackedTask.withdrawn.is_(False))
        .options(lazyload(TrackedTask.notice), lazyload(TrackedTask.lead_unit))
    )
    if user is not None:
        q = scope(q, user)
    if unit_id is not None:
        q = q.where(TrackedTask.lead_unit_id == unit_id)
    if notice_id is not None:
        q = q.where(TrackedTask.notice_id == notice_id)
    if issued_from is not None:
        q = q.where(TrackedNotice.issued_on >= issued_from)
    if issued_to is not None:
        q = q.where(TrackedNotice.issued_on <= issued_to)
    if status == AWAITING_REVIEW:  # not a computed status: a plain column filter
        q = q.where(TrackedTask.result_state == SUBMITTED, TrackedTask.done.is_(False))
        status = None
    if updated_since is not None:  # external systems syncing changes only
        q = q.where(TrackedTask.updated_at > updated_since)
    total = None
    if status is None and (offset or limit is not None):
        total = s.scalar(select(func.count()).select_from(q.order_by(None).subquery()))
        q = q.offset(offset).limit(limit)
        offset, limit = 0, None
    q = q.order_by(TrackedNotice.issued_on, TrackedNotice.id, TrackedTask.seq)
    rows = []
    for task, number, issued, meeting in s.execute(q):
        state = TaskState(
            task.deadline_kind, task.due_on, task.done, task.completed_on, task.result_state, task.reported_on
        )
        code = status_of(state, today, rules)
        if status is not None and code != status:
            continue
        rows.append(
            Row(
                task.id,
                task.code,
                number,
                issued,
                task.content,
                task.lead_unit_id,
                task.lead_name,
                list(task.supports or []),
                task.sector,
                task.deadline_kind,
                task.deadline_phrase,
                task.due_on,
                task.progress,
                task.result,
                task.result_state,
                task.done,
                task.completed_on,
                task.documents,
                task.quote,
                task.audio_start,
                task.audio_end,
                meeting,
                task.updated_at,
                code,
                warning_of(state, today, rules),
            )
        )
    if total is None:
        total = len(rows)
        rows = rows[offset : offset + limit if limit is not None else None]
    cooperating = supports_of(s, [r.id for r in rows])
    for r in rows:
        r.support_unit_ids = cooperating.get(r.id, [])
    return total, rows


def lead_units(s: Session, user: User | None) -> list[tuple[int, str]]:
    """Every lead unit of the tasks `user` may see (whatever the filters), each once, under
    its own name (not the names the notices wrote)."""
    q = (
        select(Unit.id, Unit.name)
        .join(TrackedTask, TrackedTask.lead_unit_id == Unit.id)
        .where(TrackedTask.withdrawn.is_(False))
        .distinct()
    )
    if user is not None:
        q = scope(q, user)
    return sorted(((i, n) for i, n in s.execute(q)), key=lambda u: (u[1].casefold(), u[0]))


def summarize(rows: list[Row], by: str) -> list[Group]:
    """Counts per status for each unit, status, notice or month of issue."""
    if by not in GROUPS:
        raise InputError(f"Không tổng hợp được theo '{by}'.", f"Chọn trong: {', '.join(GROUPS)}.")
    groups: dict[str, Group] = {}
    for row in rows:
        key, label = _group_of(row, by)
        g = groups.setdefault(key, Group(key, label, defaultdict(int)))
        g.counts[row.status] += 1
        g.total += 1
    out = sorted(groups.values(), key=lambda g: (-g.total, g.label) if by == "unit" else g.key)
    for g in out:
        g.counts = dict(g.counts)
    return out


def export_xlsx(rows: list[Row], path: str | Path, today: date, by: str = "unit") -> Path:
    """A workbook: the summary (by unit by default) and the full list of tasks."""
    path = Path(path)
    wb = Workbook()
    summary = wb.active
    summary.title = "Tổng hợp"
    summary.append([f"TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ (đến ngày {today:%d/%m/%Y})"])
    summary["A1"].font = Font(bold=True, size=13)
    summary.row_dimensions[1].height = 24  # room for stacked diacritics (Ổ, Ề)
    summary.append([GROUPS[by], "Tổng số", *STATUSES.values()])
    for cell in summary[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    groups = summarize(rows, by)
    for g in groups:
        append_text_row(summary, [g.label, g.total, *(g.counts.get(k, 0) for k in STATUSES)])
    summary.append(["Cộng", len(rows), *(sum(g.counts.get(k, 0) for g in groups) for k in STATUSES)])
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    summary.row_dimensions[2].height = 45
    summary.column_dimensions["A"].width = 40
    for k in range(2, 3 + len(STATUSES)):
        summary.column_dimensions[chr(ord("A") + k - 1)].width = 16
    listing = wb.create_sheet("Danh sách nhiệm vụ")
    listing.append(list(LIST_COLUMNS))
    for cell in listing[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    fills = {"vang": "FFF2CC", "do": "F8CBAD", "do_dac_biet": "FF7C80"}
    for row, r in enumerate(rows, start=2):  # not listing.max_row: it scans every cell
        append_text_row(
            listing,
            [
                r.code,
                r.notice,
                r.issued_on,
                r.content,
                r.lead,
                "; ".join(r.supports),
                r.sector,
                KINDS.get(r.deadline_kind, r.deadline_kind),
                r.due_on,
                r.progress,
                r.result,
                r.documents,
                r.status_name,
                LEVELS[r.warning] if r.warning else "",
            ],
        )
        for col in (4, 5, 6, 11, 12):  # long texts wrap inside their column
            listing.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
        listing.cell(row, 3).number_format = listing.cell(row, 9).number_format = "DD/MM/YYYY"
        if r.warning:
            listing.cell(row, 14).fill = PatternFill("solid", fgColor=fills[r.warning])
    for letter, width in zip("ABCDEFGHIJKLMN", (20, 14, 12, 60, 28, 28, 16, 18, 12, 10, 40, 24, 26, 14), strict=True):
        listing.column_dimensions[letter].width = width
    listing.freeze_panes = "A2"
    listing.auto_filter.ref = listing.dimensions
    listing.print_title_rows = "1:1"
    for sheet in (summary, listing):
        _landscape(sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def export_docx(
    rows: list[Row],
    path: str | Path,
    today: date,
    office: str = "",
    period: str = "",
    page: kit.PageStyle | None = None,
) -> Path:
    """A Word summary report: totals, a table by unit, and the overdue tasks; `page`: font and
    margins (kit.PageStyle.from_settings at the edge)."""
    path = Path(path)
    doc = kit.new_document(page)
    if office:
        kit.para(doc, office.upper(), 13, bold=True, align="left")
    kit.para(doc, "BÁO CÁO", 15, bold=True, align="center", before_pt=12)
    kit.para(doc, "Tình hình thực hiện nhiệm vụ theo thông báo kết luận", 14, bold=True, align="center")
    kit.para(
        doc,
        f"(Số liệu đến ngày {today:%d/%m/%Y}{'; ' + period if period else ''})",
        13,
        italic=True,
        align="center",
        after_pt=12,
    )
    done = sum(r.status in (DONE_ON_TIME, DONE_LATE) for r in rows)
    overdue = [r for r in rows if r.status == OPEN_OVERDUE]
    kit.para(doc, "1. Tình hình chung", bold=True, indent_mm=10, after_pt=6)
    kit.para(
        doc,
        (
            f"Tổng số nhiệm vụ theo dõi: {len(rows)}; đã hoàn thành: {done} "
            f"({_pct(done, len(rows))}), trong đó quá hạn: "
            f"{sum(r.status == DONE_LATE for r in rows)}; chưa hoàn thành quá hạn: "
            f"{len(overdue)}."
        ),
        indent_mm=10,
        after_pt=6,
    )
    for key, name in STATUSES.items():
        n = sum(r.status == key for r in rows)
        if n:
            kit.para(doc, f"- {name}: {n} nhiệm vụ.", indent_mm=10)
    kit.para(doc, "2. Theo đơn vị chủ trì", bold=True, indent_mm=10, before_pt=6, after_pt=6)
    headers = ("Đơn vị", "Tổng", "Đã hoàn thành", "Quá hạn", "Đang thực hiện")
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, headers, strict=True):
        kit.cell_para(cell, True, text=title, size=12, bold=True)
    kit.repeat_header(table.rows[0])
    for g in summarize(rows, "unit"):
        finished = g.counts.get(DONE_ON_TIME, 0) + g.counts.get(DONE_LATE, 0)
        late = g.counts.get(OPEN_OVERDUE, 0)
        values = (g.label, g.total, finished, late, g.total - finished - late)
        cells = table.add_row().cells
        for k, (cell, value) in enumerate(zip(cells, values, strict=True)):
            kit.cell_para(cell, True, text=str(value), size=12, align="left" if k == 0 else "center")
    width = kit.text_width_mm(doc)
    kit.fixed_widths(table, [width * f for f in (0.44, 0.12, 0.16, 0.12, 0.16)])
    kit.para(doc, "3. Nhiệm vụ chưa hoàn thành quá hạn", bold=True, indent_mm=10, before_pt=12, after_pt=6)
    if not overdue:
        kit.para(doc, "Không có nhiệm vụ quá hạn.", indent_mm=10)
    for r in sorted(overdue, key=lambda r: r.due_on or today):
        due = r.due_on or today  # overdue: always dated
        kit.para(
            doc,
            f"- {r.code} ({r.notice}), {r.lead}: {r.content} — hạn {due:%d/%m/%Y}, "
            f"quá {(today - due).days} ngày"
            f"{', cảnh báo ' + LEVELS[r.warning].lower() if r.warning else ''}.",
            indent_mm=10,
            after_pt=3,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


# -- helpers ------------------------------------------------------------------------------


def _group_of(row: Row, by: str) -> tuple[str, str]:
    if by == "unit":
        return str(row.lead_unit_id or row.lead), row.lead or "(chưa có đơn vị)"
    if by == "status":
        return row.status, row.status_name
    if by == "notice":
        return f"{row.issued_on.isoformat()} {row.notice}", f"{row.notice} ngày {row.issued_on:%d/%m/%Y}"
    return f"{row.issued_on:%Y-%m}", f"Tháng {row.issued_on:%m/%Y}"


def _landscape(sheet) -> None:
    """Print on A4 landscape, one page wide."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "0%"


def by_unit(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """A leader's view of each lead unit: tasks, done (on time, late), overdue, due soon
    (NEAR_DUE), awaiting review, and the completion rate; most overdue first. `rows` are
    task rows (Row, or the API's TaskOut: the same attribute names)."""
    units: dict[tuple[int | None, str], dict[str, Any]] = {}
    for r in rows:
        u = units.setdefault(
            (r.lead_unit_id, r.lead or "(chưa rõ đơn vị)"),
            {
                "unit_id": r.lead_unit_id,
                "unit": r.lead or "(chưa rõ đơn vị)",
                "total": 0,
                "done": 0,
                "done_late": 0,
                "overdue": 0,
                "near_due": 0,
                "awaiting": 0,
            },
        )
        u["total"] += 1
        u["done"] += bool(r.done)
        u["done_late"] += r.status == DONE_LATE
        u["overdue"] += r.status == OPEN_OVERDUE
        u["near_due"] += r.status == NEAR_DUE
        u["awaiting"] += r.result_state == SUBMITTED and not r.done
    out = list(units.values())
    for u in out:
        u["rate"] = round(100 * u["done"] / u["total"]) if u["total"] else 0
    return sorted(out, key=lambda u: (-u["overdue"], -u["near_due"], u["unit"].casefold()))
