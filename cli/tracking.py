"""`ketluan tracking ...`: import notices and Excel lists, reports, warnings, from the shell.

Registered on the main app by cli/__init__.py (`register(app)`). Works on the configured
database (KETLUAN_DATABASE_URL, SQLite under the data directory by default) as the local
operator: no account needed.
"""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

import db
from cli.common import out
from db import accounts
from drafting.docxkit import PageStyle
from drafting.gazetteer import Gazetteer
from drafting.meeting import parse_date
from ketluan.errors import InputError
from ketluan.settings import get_settings
from tracking import imports
from tracking.daily import daily_warnings
from tracking.excel import read_xlsx, write_template
from tracking.imports import resolve_unit
from tracking.mail import mailer_from
from tracking.reports import GROUPS, export_docx, export_xlsx, summarize, task_rows
from tracking.source import ParsedNotice, read_docx
from tracking.status import KINDS, LEVELS, STATUSES, rules_from
from tracking.warnings import notify

tracking_app = typer.Typer(help="Theo dõi nhiệm vụ: nhập thông báo, báo cáo, cảnh báo.", no_args_is_help=True)
DateOpt = Annotated[str | None, typer.Option(help="Ngày, dạng 2026-08-25 hoặc 25/8/2026.")]


def register(app: typer.Typer) -> None:
    app.add_typer(tracking_app, name="tracking")


@tracking_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="Thông báo kết luận (.docx) hoặc danh sách (.xlsx).")],
    unit: Annotated[str, typer.Option(help="Mã cơ quan theo dõi (giao nhiệm vụ).")] = "VP",
    number: Annotated[str | None, typer.Option(help="Số thông báo, nếu văn bản để trống.")] = None,
    issued: DateOpt = None,
    received: DateOpt = None,
    meeting_date: Annotated[
        str | None,
        typer.Option(
            help="Ngày họp, khi văn bản không ghi (hạn không có năm, hạn 'trong N ngày' tính từ "
            "đó); mặc định: ngày ghi trong văn bản, rồi --issued."
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Lưu luôn, không hỏi lại.")] = False,
) -> None:
    """Xem trước các nhiệm vụ đọc được (và khác biệt so với lần nhập trước), rồi xác nhận lưu."""
    engine = _engine()
    received_on = _date(received, "--received") or date.today()
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        notices = read_xlsx(file)
        for n in notices:
            n.received_on = n.received_on or received_on
    else:
        notices = [
            read_docx(
                file,
                number,
                _date(issued, "--issued"),
                received_on,
                meeting_date=_date(meeting_date, "--meeting-date"),
                gazetteer=Gazetteer.load(get_settings().gazetteer_file),
            )
        ]
    with db.session(engine) as s:
        office = accounts.ensure_unit(s, unit)
        pending = imports.preview(s, notices, office.id, source_name=file.name)
        _show_preview(pending.payload)
        pending_id = pending.id
    if not yes and not typer.confirm("Lưu các thay đổi này?", default=False):
        with db.session(engine) as s:
            imports.cancel(s, pending_id)
        out.print("Đã hủy; không lưu gì.")
        return
    with db.session(engine) as s:
        result = imports.confirm(s, pending_id)
    out.print(
        f"Đã lưu: thêm {result.added}, sửa {result.changed}, rút {result.removed}, "
        f"giữ nguyên {result.unchanged} nhiệm vụ."
    )


@tracking_app.command("template")
def template(path: Annotated[Path, typer.Argument(help="Tệp .xlsx sẽ tạo.")] = Path("mau-nhap-nhiem-vu.xlsx")) -> None:
    """Tạo mẫu Excel danh sách nhiệm vụ để nhập."""
    out.print(f"→ {write_template(path)}")


@tracking_app.command("list")
def list_tasks(
    status: Annotated[str | None, typer.Option(help="Mã trạng thái, ví dụ qua_han.")] = None,
    on: DateOpt = None,
) -> None:
    """Danh sách nhiệm vụ với trạng thái tính đến ngày `--on` (mặc định hôm nay)."""
    today = _date(on, "--on") or date.today()
    with db.session(_engine()) as s:
        rows = task_rows(s, today, _rules(), status=status)
    table = Table(title=f"{len(rows)} nhiệm vụ (đến ngày {today:%d/%m/%Y})")
    for col in ("Mã", "Nội dung", "Chủ trì", "Hạn", "Trạng thái", "Cảnh báo"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            escape(r.code),
            escape(r.content),
            escape(r.lead),
            f"{r.due_on:%d/%m/%Y}" if r.due_on else "",
            r.status_name,
            LEVELS[r.warning] if r.warning else "",
        )
    out.print(table)


@tracking_app.command("report")
def report(
    by: Annotated[str, typer.Option(help="unit | status | notice | period")] = "unit",
    xlsx: Annotated[Path | None, typer.Option(help="Xuất Excel vào tệp này.")] = None,
    docx: Annotated[Path | None, typer.Option(help="Xuất báo cáo Word vào tệp này.")] = None,
    on: DateOpt = None,
    issued_from: DateOpt = None,
    issued_to: DateOpt = None,
) -> None:
    """Tổng hợp theo đơn vị, trạng thái, văn bản hoặc tháng; xuất Excel và Word."""
    today = _date(on, "--on") or date.today()
    with db.session(_engine()) as s:
        rows = task_rows(
            s,
            today,
            _rules(),
            issued_from=_date(issued_from, "--issued-from"),
            issued_to=_date(issued_to, "--issued-to"),
        )
    groups = summarize(rows, by)
    table = Table(title=f"Tổng hợp {len(rows)} nhiệm vụ theo {GROUPS[by].lower()} (đến ngày {today:%d/%m/%Y})")
    table.add_column(GROUPS[by])
    table.add_column("Tổng")
    shown = [k for k in STATUSES if any(g.counts.get(k) for g in groups)]
    for k in shown:
        table.add_column(STATUSES[k])
    for g in groups:
        table.add_row(g.label, str(g.total), *(str(g.counts.get(k, 0)) for k in shown))
    out.print(table)
    if xlsx:
        out.print(f"→ {export_xlsx(rows, xlsx, today, by)}")
    if docx:
        out.print(f"→ {export_docx(rows, docx, today, page=PageStyle.from_settings(get_settings()))}")


@tracking_app.command("warn")
def warn(
    on: DateOpt = None,
    daily: Annotated[
        bool,
        typer.Option(
            "--daily",
            help="Như lịch hằng ngày: chỉ chạy một lần mỗi ngày, từ giờ tracking_warn_hour "
            "(dùng cho cron; Celery beat đã tự chạy).",
        ),
    ] = False,
) -> None:
    """Tạo cảnh báo (vàng, đỏ, đỏ đặc biệt) và gửi e-mail nếu đã cấu hình máy chủ thư."""
    if daily:
        out.print(daily_warnings(_engine(), get_settings()))
        return
    today = _date(on, "--on") or date.today()
    with db.session(_engine()) as s:
        created = notify(s, today, _rules(), mailer_from(get_settings()))
        for n in created:
            sent = f" → {n.emailed_to}" if n.emailed_to else ""
            problem = f" [thư lỗi: {n.email_error}]" if n.email_error else ""
            out.print(escape(f"{n.message}{sent}{problem}"))
    out.print(f"{len(created)} cảnh báo mới.")


@tracking_app.command("contact")
def contact(
    unit: Annotated[str, typer.Argument(help="Tên đơn vị, như trong văn bản (Sở Tài chính).")],
    email: Annotated[str, typer.Argument(help="Địa chỉ e-mail nhận cảnh báo.")],
    head: Annotated[bool, typer.Option("--head", help="Thủ trưởng đơn vị (nhận cảnh báo đỏ).")] = False,
) -> None:
    """Thêm địa chỉ nhận cảnh báo của một đơn vị."""
    if "@" not in email:
        raise InputError(f"'{email}' không phải địa chỉ e-mail.", "Ví dụ: vanthu@stc.laocai.gov.vn")
    with db.session(_engine()) as s:
        found = resolve_unit(s, unit)
        if found is None:  # only an empty name resolves to nothing
            raise InputError(
                "Chưa ghi tên đơn vị.", 'Ví dụ: ketluan tracking contact "Sở Tài chính" vanthu@stc.laocai.gov.vn'
            )
        s.add(db.UnitContact(unit_id=found.id, email=email.strip(), head=head))
    out.print(f"Đã thêm {email} cho {unit}{' (thủ trưởng)' if head else ''}.")


# -- helpers ------------------------------------------------------------------------------


def _engine():
    return db.connect(get_settings().db_url)


def _rules():
    return rules_from(get_settings())


def _date(text: str | None, option: str) -> date | None:
    if not text:
        return None

    return parse_date(text, option)


def _show_preview(payload: dict) -> None:
    for entry in payload["notices"]:
        notice = ParsedNotice.from_dict(entry["notice"])
        d = entry["diff"]
        again = " (đã nhập trước đây)" if d["notice_id"] else ""
        out.print(
            f"[bold]{escape(notice.number)}[/] ngày {notice.issued_on:%d/%m/%Y}{again}: "
            f"{len(notice.tasks)} nhiệm vụ. {escape(notice.title)}"
        )
        table = Table(show_lines=False)
        for col in ("", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn"):
            table.add_column(col)
        changed = {c["index"]: c for c in d["changed"]}
        for k, t in enumerate(notice.tasks):
            mark = "+" if k in d["added"] else ("~" if k in changed else "=")
            effective = notice.due_of(t)  # "trong N ngày": counted from the receipt date
            due = effective.strftime("%d/%m/%Y") if effective else (t.deadline_phrase or KINDS[t.deadline_kind])
            table.add_row(mark, *(escape(x) for x in (t.content, t.lead, "; ".join(t.supports), due)))
        out.print(table)
        for c in d["changed"]:
            parts = "; ".join(f"{f}: {old!r} → {new!r}" for f, (old, new) in c["changes"].items())
            out.print(escape(f"  ~ {c['code']}: {parts}"))
        for r in d["removed"]:
            out.print(escape(f"  - {r['code']} ({r['lead']}): {r['content']} (sẽ rút)"))
        out.print(
            f"  Thêm {len(d['added'])}, sửa {len(d['changed'])}, rút {len(d['removed'])}, giữ nguyên {d['unchanged']}."
        )
