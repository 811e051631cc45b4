"""The "Thông báo kết luận" as a Word document, Party or State format, or an office template.

Layout comes from data/layouts/<format>.toml; fonts, sizes and margins from the settings.
Each task row carries a Word comment with the audio time and the chair's words, so the
drafter can check it against the recording; comments are not printed and Word removes
them all at once (Review → Delete all comments) before signing.
"""

import re
from datetime import date
from pathlib import Path
from typing import Any

from docx.shared import Mm, Pt

from drafting import docxkit as kit
from drafting.meeting import Meeting
from drafting.model import QUOTE_NOT_FOUND, Conclusion, Deadline, Task
from ketluan.errors import DocumentError

TABLE_COLUMNS = ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn")
TABLE_WIDTHS = (0.08, 0.37, 0.19, 0.19, 0.17)  # fractions of the text width
ROMAN_Q = {1: "I", 2: "II", 3: "III", 4: "IV"}


def render_notice(conclusion: Conclusion, meeting: Meeting, template: str | Path | None = None):
    """The notice as a python-docx Document (or a docxtpl template object); call .save(path)."""
    if template is not None:
        return _from_template(conclusion, meeting, Path(template))
    lay = kit.layout(meeting.format)
    doc = kit.new_document()
    fields = _fields(meeting, lay)
    _header(doc, lay, fields)
    _title(doc, lay, fields)
    _body(doc, lay, conclusion)
    if conclusion.tasks:
        _task_table(doc, lay, conclusion.tasks)
    kit.para(doc, lay["closing"].format(**fields), indent_mm=lay["body_indent_mm"],
             before_pt=6, after_pt=6)
    _signature(doc, lay, meeting)
    pn = lay["page_number"]
    kit.page_numbers(doc, pn["size"], pn.get("align", "center"), pn.get("where", "header"))
    kit.mark_ours(doc, meeting.date.isoformat(), meeting.format)
    return doc


def deadline_text(d: Deadline) -> str:
    """What the Thời hạn column shows; import-docx parses it back to the same deadline."""
    if d.kind == "none" or (d.due is None and not d.phrase):
        return ""
    if d.kind == "relative" and d.due and ";" not in d.phrase:
        # the computed date helps the drafter; "kể từ ngày ký" may move it, hence "dự kiến"
        return f"{_cap(d.phrase)} (dự kiến đến {d.due.day:02d}/{d.due.month:02d}/{d.due.year})"
    if ";" in d.phrase or d.due is None or d.kind == "relative":
        return _cap(d.phrase)
    if d.kind == "date":
        return f"Trước ngày {d.due.day:02d}/{d.due.month:02d}/{d.due.year}"
    if d.kind == "month":
        return f"Trong tháng {d.due.month:02d}/{d.due.year}"
    if d.kind == "quarter":
        return f"Trong quý {ROMAN_Q[(d.due.month - 1) // 3 + 1]}/{d.due.year}"
    if d.kind == "year":
        return f"Trong năm {d.due.year}"
    return _cap(d.phrase)


def vn_date(d: date | None, year_hint: int) -> str:
    """'ngày 20 tháng 8 năm 2026' (days and months under 10 as in NĐ 30: 'ngày 05', 'tháng 01'
    only for day 1-9 and months 1-2); blanks to fill in by hand when the date is unknown."""
    if d is None:
        return f"ngày      tháng      năm {year_hint}"
    day = f"{d.day:02d}" if d.day < 10 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


# -- parts --------------------------------------------------------------------------------


def _fields(meeting: Meeting, lay: dict[str, Any]) -> dict[str, str]:
    suffix = meeting.number_suffix or lay["number_suffix"]
    number = meeting.notice_number or lay["number_blank"]
    concluded = meeting.concluded_by or (f"đồng chí {meeting.chair}" if meeting.chair else "")
    summary = f"kết luận của {concluded} tại cuộc họp {meeting.title}".replace("  ", " ")
    return {
        "superior_body": meeting.superior_body,
        "issuing_body": meeting.issuing_body,
        "number_line": lay["number_format"].format(number=number, suffix=suffix),
        "place_date": f"{meeting.place_name}, {vn_date(meeting.notice_date, meeting.date.year)}",
        "summary": _cap(summary) if meeting.format == "state" else summary,
        "issuer": meeting.issuing_body,
    }


def _header(doc, lay: dict[str, Any], fields: dict[str, str]) -> None:
    width = kit.text_width_mm()
    left_w = lay["left_width_mm"]
    table = doc.add_table(rows=2, cols=2)
    kit.no_borders(table)
    kit.fixed_widths(table, [left_w, width - left_w])
    spots = [(0, 0, "left"), (0, 1, "right"), (1, 0, "left2"), (1, 1, "right2")]
    for row, col, name in spots:
        cell = table.cell(row, col)
        first = True
        for line in lay["header"].get(name, []):
            text = line["text"].format(**fields).strip()
            if not text and line.get("optional"):
                continue
            if line.get("upper"):
                text = text.upper()
            p = kit.cell_para(cell, first, text=text, size=line.get("size"),
                              bold=line.get("bold", False), italic=line.get("italic", False),
                              underline=line.get("underline", False))
            first = False
            if line.get("rule"):
                rule = kit.para(cell, align="center")
                rule.paragraph_format.space_after = Pt(2)
                kit.rule_under(rule, 0.35, left_w if col == 0 else width - left_w)
                rule.paragraph_format.line_spacing = Pt(2)
            del p


def _title(doc, lay: dict[str, Any], fields: dict[str, str]) -> None:
    t = lay["title"]
    kit.para(doc, t["text"], t["size"], bold=t.get("bold", True), align="center", before_pt=12)
    s = lay["summary"]
    kit.para(doc, s["text"].format(**fields), s["size"], bold=s.get("bold", True), align="center")
    if lay.get("summary_rule") == "rule":
        p = kit.para(doc, align="center", after_pt=6)
        kit.rule_under(p, 0.25, kit.text_width_mm())
        p.paragraph_format.line_spacing = Pt(2)
    elif lay.get("summary_rule"):
        kit.para(doc, lay["summary_rule"], s["size"], align="center", after_pt=6)


def _body(doc, lay: dict[str, Any], c: Conclusion) -> None:
    indent = lay["body_indent_mm"]
    for line in c.opening.split("\n"):
        kit.para(doc, line, indent_mm=indent, after_pt=6)
    numbered = len(c.items) > 1 or any(i.title for i in c.items)
    for n, item in enumerate(c.items, 1):
        lines = [ln for ln in item.text.split("\n") if ln.strip()]
        if item.title:
            kit.para(doc, f"{n}. {item.title}", bold=True, indent_mm=indent, after_pt=6)
        elif numbered and lines:
            lines[0] = f"{n}. {lines[0]}"
        for ln in lines:
            kit.para(doc, ln, indent_mm=indent, after_pt=6)


def _task_table(doc, lay: dict[str, Any], tasks: list[Task]) -> None:
    size = lay["table_size"]
    kit.para(doc, lay["table_heading"], size + 1, bold=True, align="center", before_pt=6,
             after_pt=6)
    table = doc.add_table(rows=1, cols=len(TABLE_COLUMNS))
    table.style = "Table Grid"
    width = kit.text_width_mm()
    kit.fixed_widths(table, [width * f for f in TABLE_WIDTHS])
    for cell, title in zip(table.rows[0].cells, TABLE_COLUMNS, strict=True):
        kit.cell_para(cell, True, text=title, size=size, bold=True)
    kit.repeat_header(table.rows[0])
    for n, task in enumerate(tasks, 1):
        cells = table.add_row().cells
        kit.cell_para(cells[0], True, text=str(n), size=size)
        p = kit.cell_para(cells[1], True, text=task.action, size=size, align="justify")
        _lines(cells[2], task.leads, size)
        _lines(cells[3], task.supports, size)
        kit.cell_para(cells[4], True, text=deadline_text(task.deadline), size=size)
        note = _evidence_note(task)
        if note:
            doc.add_comment(p.runs, text=kit.xml_safe(note), author="ketluan", initials="KL")
    kit.fixed_widths(table, [width * f for f in TABLE_WIDTHS])


def _lines(cell, names: list[str], size: float) -> None:
    # one body per line: names like "Sở Văn hóa, Thể thao và Du lịch" contain commas
    for k, name in enumerate(names):
        kit.cell_para(cell, k == 0, text=name, size=size, align="left")


def _evidence_note(task: Task) -> str:
    parts = []
    if task.evidence.start is not None:
        end = task.evidence.end if task.evidence.end is not None else task.evidence.start
        parts.append(f"Nghe lại: {task.evidence.clock} – [{_clock(end)}]")
    if task.quote:
        parts.append(f"Lời chủ trì: “{task.quote[:400]}”")
    if QUOTE_NOT_FOUND in task.flags:
        parts.append("CẦN KIỂM TRA: câu trích không có trong bản ghi.")
    return "\n".join(parts)


def _signature(doc, lay: dict[str, Any], meeting: Meeting) -> None:
    width = kit.text_width_mm()
    table = doc.add_table(rows=1, cols=2)
    kit.no_borders(table)
    kit.fixed_widths(table, [width * 0.5, width * 0.5])
    left, right = table.rows[0].cells
    st = lay["recipients_heading_style"]
    kit.cell_para(left, True, text=lay["recipients_heading"], size=st.get("size"),
                  bold=st.get("bold", False), italic=st.get("italic", False),
                  underline=st.get("underline", False), align="left")
    recipients = meeting.recipients or lay["recipients"]
    for k, r in enumerate(recipients):
        end = "." if k == len(recipients) - 1 else ","
        kit.para(left, f"- {r.rstrip(',.;')}{end}", lay["recipients_size"], align="left")
    authority = meeting.signer_authority or lay["signer_authority"]
    lines = [authority]
    if meeting.signer_deputy and meeting.format == "state":
        lines.append(meeting.signer_deputy)
    lines.append(meeting.signer_title or lay["signer_title"])
    for k, line in enumerate(lines):
        kit.cell_para(right, k == 0, text=line.upper(), size=14, bold=k > 0 or True)
    for _ in range(4):
        kit.para(right, align="center")
    if meeting.signer_name:
        kit.para(right, meeting.signer_name, 14, bold=True, align="center")
    right.paragraphs[0].paragraph_format.space_before = Mm(0)


def _from_template(conclusion: Conclusion, meeting: Meeting, path: Path):
    """An office's own .docx with Jinja tags (docxtpl).

    Tags: {{ issuing_body }}, {{ meeting.title }}, {{ opening }}, items, and task rows with
    {%tr for t in tasks %} … {{ t.action }} … {%tr endfor %}.
    """
    from docxtpl import DocxTemplate

    from drafting.reader import check_docx

    check_docx(path)
    lay = kit.layout(meeting.format)
    fields = _fields(meeting, lay)
    tasks = [_task_context(n, t) for n, t in enumerate(conclusion.tasks, 1)]
    context = {
        "meeting": meeting.to_dict(),
        "fields": fields,
        "opening": conclusion.opening,
        "items": [{"n": n, "title": i.title, "text": i.text}
                  for n, i in enumerate(conclusion.items, 1)],
        "tasks": tasks,
        **fields,
    }
    try:
        tpl = DocxTemplate(str(path))
        tpl.render(context, autoescape=True)
    except Exception as exc:  # Jinja syntax errors in an office's template
        raise DocumentError(f"Mẫu văn bản '{path.name}' có lỗi: {exc}.",
                            "Kiểm tra các thẻ {{ … }} và {% … %} trong mẫu.") from None
    kit.mark_ours(tpl.docx, meeting.date.isoformat(), meeting.format)
    return tpl


def _task_context(n: int, t: Task) -> dict[str, Any]:
    return {
        "n": n, "id": t.id, "action": t.action, "leads": "\n".join(t.leads),
        "supports": "\n".join(t.supports), "deadline": deadline_text(t.deadline),
        "time": t.evidence.clock, "quote": t.quote,
    }


def _cap(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1].upper() + text[1:]


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
