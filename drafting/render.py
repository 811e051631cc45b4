"""The "Thông báo kết luận" as a Word document, Party or State format, or an office template.

Layout comes from data/layouts/<format>.toml; font, body size and margins from the caller's
PageStyle (docxkit.PageStyle.from_settings at the edge).
The body writes each task once, as a paragraph in one form (wording.py); the task table is
an optional appendix after the signature. Each task paragraph carries a Word comment with
the audio time and the chair's words, so the drafter can check it against the recording;
comments are not printed and Word removes them all at once (Review → Delete all comments)
before signing.
"""

import re
from datetime import date
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate

from drafting import deadline_text as written
from drafting import docxkit as kit
from drafting import evidence_note, wording
from drafting.meeting import Meeting
from drafting.model import Conclusion, Deadline, Task
from drafting.reader import check_docx
from ketluan.errors import DocumentError

TABLE_COLUMNS = ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn")
TABLE_WIDTHS = (0.08, 0.37, 0.19, 0.19, 0.17)  # fractions of the text width
RULE_FRACTION = 0.4  # rules under the body name and the trích yếu: ⅓–½ of the words


def render_notice(
    conclusion: Conclusion,
    meeting: Meeting,
    template: str | Path | None = None,
    appendix: bool | None = None,
    page: kit.PageStyle | None = None,
):
    """The notice as a python-docx Document (or a docxtpl template object); call .save(path).

    Tasks are written once, as paragraphs of the body; `appendix` (default: the layout's
    task_appendix) adds the task table after the signature; `page`: font and margins (an
    office's own template keeps its own)."""
    if template is not None:
        return _from_template(conclusion, meeting, Path(template))
    lay = kit.layout(meeting.format)
    doc = kit.new_document(page)
    fields = _fields(meeting, lay)
    _header(doc, lay, fields)
    _title(doc, lay, fields)
    _body(doc, lay, conclusion, meeting.date)
    kit.para(
        doc, wording.closing(meeting, lay), indent_mm=lay["body_indent_mm"], before_pt=6, after_pt=6
    ).paragraph_format.keep_with_next = True
    _signature(doc, lay, meeting, wording.recipients(meeting, lay, conclusion.tasks))
    if conclusion.tasks and (lay["task_appendix"] if appendix is None else appendix):
        _appendix(doc, lay, fields, conclusion.tasks)
    pn = lay["page_number"]
    kit.page_numbers(doc, pn["size"], pn.get("align", "center"), pn.get("where", "header"))
    kit.mark_ours(doc, meeting.date.isoformat(), meeting.format)
    return doc


def body_parts(
    c: Conclusion,
    lay: dict[str, Any],
    ref: date | None = None,
) -> list[tuple[str, str, Task | None]]:
    """The conclusion as the body's paragraphs, (kind, text, task): kind is "heading",
    "text" or "task". Each task once, in one form, where the chair said it: an item with a
    title is a numbered point (its assessment first, then its tasks a), b), …); without
    titles the assessments come first, then "Thời gian tới, …" and the numbered tasks."""
    groups = _groups(c)
    out: list[tuple[str, str, Task | None]] = []
    if any(title for title, _, _ in groups):
        for n, (title, notes, tasks) in enumerate(groups, 1):
            lines: list[tuple[str, str, Task | None]] = []
            if title:
                out.append(("heading", f"{n}. {title}", None))
            lines += [("text", t, None) for t in notes]
            lettered = len(tasks) > 1
            for k, t in enumerate(tasks):
                text = wording.task_paragraph(t, lay, ref)
                lines.append(("task", f"{chr(97 + k)}) {text}" if lettered else text, t))
            if not title and lines:
                kind, text, task = lines[0]
                lines[0] = (kind, f"{n}. {text}", task)
            out += lines
        return out
    notes = [t for _, ns, _ in groups for t in ns]
    tasks = [t for _, _, ts in groups for t in ts]
    out += [("text", t, None) for t in notes]
    if notes and tasks:
        out.append(("text", lay["tasks_lead_in"], None))
    numbered = len(tasks) > 1
    for n, t in enumerate(tasks, 1):
        text = wording.task_paragraph(t, lay, ref)
        out.append(("task", f"{n}. {text}" if numbered else text, t))
    return out


def deadline_text(d: Deadline) -> str:
    """What the Thời hạn column shows; import-docx parses it back to the same deadline."""
    return written.write(d, written.COLUMN)


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
    number_line = lay["number_format"].format(number=number, suffix=suffix)
    issued = vn_date(meeting.notice_date, meeting.date.year)
    return {
        "superior_body": meeting.superior_body,
        "issuing_body": meeting.issuing_body,
        "number_line": number_line,
        "number_text": re.sub(r"^Số:?", "số", number_line),
        "date_text": issued,
        "place_date": f"{meeting.place_name}, {issued}",
        "summary": wording.summary(meeting, lay),
    }


def _header(doc, lay: dict[str, Any], fields: dict[str, str]) -> None:
    width = kit.text_width_mm(doc)
    left_w = lay["left_width_mm"]
    table = doc.add_table(rows=2, cols=2)
    kit.no_borders(table)
    kit.fixed_widths(table, [left_w, width - left_w])
    spots = [(0, 0, "left"), (0, 1, "right"), (1, 0, "left2"), (1, 1, "right2")]
    for row, col, name in spots:
        cell = table.cell(row, col)
        cell_w = left_w if col == 0 else width - left_w
        first = True
        for line in lay["header"].get(name, []):
            text = line["text"].format(**fields).strip()
            if not text and line.get("optional"):
                continue
            if line.get("upper"):
                text = text.upper()
            if line.get("break"):
                text = _break(text, lay.get("body_break_before", []), line.get("size", 13), cell_w)
            kit.cell_para(
                cell,
                first,
                text=text,
                size=line.get("size"),
                bold=line.get("bold", False),
                italic=line.get("italic", False),
                underline=line.get("underline", False),
            )
            first = False
            if line.get("rule"):
                longest = max(
                    kit.text_length_mm(t, line.get("size", 13), line.get("bold", False)) for t in text.split("\n")
                )
                kit.rule_para(cell, RULE_FRACTION * longest, cell_w - kit.CELL_PADDING_MM)


def _break(text: str, before: list[str], size: float, width_mm: float) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH LÀO CAI" → "ỦY BAN NHÂN DÂN" / "TỈNH LÀO CAI": the line breaks
    before the level word, as offices write it, when the name is long enough to wrap."""
    if kit.text_length_mm(text, size, True) <= width_mm * 0.6:
        return text
    for word in before:
        m = re.search(rf"\s({re.escape(word.upper())})\s", text)
        if m and m.start() > 0:
            return text[: m.start()] + "\n" + text[m.start() + 1 :]
    return text


def _title(doc, lay: dict[str, Any], fields: dict[str, str]) -> None:
    t = lay["title"]
    kit.para(doc, t["text"], t["size"], bold=t.get("bold", True), align="center", before_pt=12)
    s = lay["summary"]
    text = s["text"].format(**fields)
    kit.para(doc, text, s["size"], bold=s.get("bold", True), align="center")
    if lay.get("summary_rule") == "rule":
        longest = min(kit.text_length_mm(text, s["size"], True), kit.text_width_mm(doc))
        kit.rule_para(doc, RULE_FRACTION * longest, kit.text_width_mm(doc), after_pt=6)
    elif lay.get("summary_rule"):
        kit.para(doc, lay["summary_rule"], s["size"], align="center", after_pt=6)


def _body(doc, lay: dict[str, Any], c: Conclusion, ref: date) -> None:
    indent = lay["body_indent_mm"]
    for line in c.opening.split("\n"):
        if line.strip():
            kit.para(doc, wording.body_dates(line, lay), indent_mm=indent, after_pt=6)
    for kind, text, task in body_parts(c, lay, ref):
        p = kit.para(doc, wording.body_dates(text, lay), bold=kind == "heading", indent_mm=indent, after_pt=6)
        note = evidence_note.write(task) if task else ""
        if note:  # the audio time and the chair's words, on the paragraph they prove
            doc.add_comment(p.runs, text=kit.xml_safe(note), author="ketluan", initials="KL")


def _groups(c: Conclusion) -> list[tuple[str, list[str], list[Task]]]:
    """Each item as (title, its sentences that are not tasks, its tasks); a sentence is a
    task's when it and the task share most words. Tasks found in no item come last."""
    left = list(c.tasks)
    placed: list[Task] = []
    out: list[tuple[str, list[str], list[Task]]] = []
    for item in c.items:
        notes: list[str] = []
        mine: list[Task] = []
        for line in item.text.split("\n"):
            line = re.sub(r"^[-+•]\s*", "", line.strip())
            kept: list[str] = []
            for sent in SENTENCE_END.split(line):
                hit = [t for t in left if _covers(sent, t)]
                if hit:
                    mine += hit
                    placed += hit
                    left = [t for t in left if t not in hit]
                elif sent.strip() and not any(_covers(sent, t) for t in placed):
                    kept.append(sent.strip())
            if kept:
                notes.append(ORDINAL.sub("", " ".join(kept)))
        # "Giao Sở X các việc sau:" heads its tasks; the task paragraphs say it again
        notes = [n for n in notes if not (n.endswith(":") and any(lead in n for t in mine for lead in t.leads))]
        out.append((item.title, [n[:1].upper() + n[1:] for n in notes if n], mine))
    if left:
        out.append(("", [], left))
    return [g for g in out if g[0] or g[1] or g[2]]


def forget_tasks(c: Conclusion, removed: list[Task]) -> None:
    """Drop from the items the sentences of tasks the drafter deleted, so that a deleted task
    does not stay in the body as a plain sentence."""
    for item in c.items:
        lines = []
        for line in item.text.split("\n"):
            kept = [sent for sent in SENTENCE_END.split(line) if not any(_covers(sent, t) for t in removed)]
            if any(k.strip(" -+•") for k in kept):
                lines.append(" ".join(kept))
        item.text = "\n".join(lines)


# a spoken ordinal the extractor left at the start of a point ("Một, cơ bản thống nhất …")
ORDINAL = re.compile(
    r"^(?:thứ\s+)?(?:nhất|một|hai|ba|bốn|tư|năm|sáu|bảy|tám|chín|mười)"
    r"(?:\s+là)?\s*,\s*",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=\S)")


def _covers(sentence: str, task: Task) -> bool:
    """Whether a sentence of an item says (part of) this task."""
    said = _words(sentence)
    if not said:
        return False
    task_words = _words(" ".join([task.quote, task.action, *task.leads, *task.supports]))
    action = _words(task.action)
    in_task = sum(w in task_words for w in said) / len(said)
    in_sentence = sum(w in said for w in action) / len(action) if action else 0.0
    return in_task >= 0.75 or (len(action) >= 3 and in_sentence >= 0.75)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _appendix(doc, lay: dict[str, Any], fields: dict[str, str], tasks: list[Task]) -> None:
    """The task table after the signature, on its own page: header row repeated on every
    page, no row split across pages."""
    size = lay["table_size"]
    kit.para(doc, lay["appendix_title"], 14, bold=True, align="center").paragraph_format.page_break_before = True
    kit.para(doc, lay["table_heading"], 14, bold=True, align="center")
    kit.para(doc, lay["appendix_note"].format(**fields), 14, italic=True, align="center", after_pt=12)
    table = doc.add_table(rows=1, cols=len(TABLE_COLUMNS))
    table.style = "Table Grid"
    width = kit.text_width_mm(doc)
    kit.fixed_widths(table, [width * f for f in TABLE_WIDTHS])
    for cell, title in zip(table.rows[0].cells, TABLE_COLUMNS, strict=True):
        kit.cell_para(cell, True, text=title, size=size, bold=True)
    kit.repeat_header(table.rows[0])
    for n, task in enumerate(tasks, 1):
        row = table.add_row()
        kit.keep_row(row)
        cells = row.cells
        kit.cell_para(cells[0], True, text=str(n), size=size)
        kit.cell_para(cells[1], True, text=task.action, size=size, align="justify")
        _lines(cells[2], task.leads, size)
        _lines(cells[3], task.supports, size)
        kit.cell_para(cells[4], True, text=deadline_text(task.deadline), size=size)
    kit.fixed_widths(table, [width * f for f in TABLE_WIDTHS])


def _lines(cell, names: list[str], size: float) -> None:
    # one body per line: names like "Sở Văn hóa, Thể thao và Du lịch" contain commas
    for k, name in enumerate(names):
        kit.cell_para(cell, k == 0, text=name, size=size, align="left")


def _signature(doc, lay: dict[str, Any], meeting: Meeting, recipients: list[str]) -> None:
    width = kit.text_width_mm(doc)
    table = doc.add_table(rows=1, cols=2)
    kit.no_borders(table)
    kit.fixed_widths(table, [width * 0.5, width * 0.5])
    kit.keep_row(table.rows[0])  # the signature block is not split across pages
    left, right = table.rows[0].cells
    st = lay["recipients_heading_style"]
    kit.cell_para(
        left,
        True,
        text=lay["recipients_heading"],
        size=st.get("size"),
        bold=st.get("bold", False),
        italic=st.get("italic", False),
        underline=st.get("underline", False),
        align="left",
    )
    for line in recipients:
        kit.para(left, line, lay["recipients_size"], align="left")
    lines = wording.signer(meeting, lay)
    for k, line in enumerate(lines):
        # the authority is bold; the title too in State documents, not in Party ones (HD 36)
        bold = k < len(lines) - 1 or lay.get("signer_title_bold", True)
        kit.cell_para(right, k == 0, text=line, size=14, bold=bold)
    for _ in range(4):
        kit.para(right, align="center")
    if meeting.signer_name:
        kit.para(right, meeting.signer_name, 14, bold=True, align="center")
    right.paragraphs[0].paragraph_format.space_before = Mm(0)


def _from_template(conclusion: Conclusion, meeting: Meeting, path: Path):
    """An office's own .docx with Jinja tags (docxtpl).

    Tags: {{ issuing_body }}, {{ meeting.title }}, {{ opening }}, {{ closing }}, items, and
    tasks: {{ t.paragraph }} (the body's sentence) or table rows with
    {%tr for t in tasks %} … {{ t.action }} … {%tr endfor %}.
    """
    check_docx(path)
    lay = kit.layout(meeting.format)
    fields = {**_fields(meeting, lay), "issuer": wording.issuer(meeting, lay), "closing": wording.closing(meeting, lay)}
    tasks = [
        {**_task_context(n, t), "paragraph": wording.task_paragraph(t, lay, meeting.date)}
        for n, t in enumerate(conclusion.tasks, 1)
    ]
    context = {
        "meeting": meeting.to_dict(),
        "fields": fields,
        "opening": conclusion.opening,
        "items": [{"n": n, "title": i.title, "text": i.text} for n, i in enumerate(conclusion.items, 1)],
        "tasks": tasks,
        **fields,
    }
    try:
        tpl = DocxTemplate(str(path))
        tpl.render(context, autoescape=True)
    except Exception as exc:  # Jinja syntax errors in an office's template
        raise DocumentError(
            f"Mẫu văn bản '{path.name}' có lỗi: {exc}.", "Kiểm tra các thẻ {{ … }} và {% … %} trong mẫu."
        ) from None
    kit.mark_ours(tpl.docx, meeting.date.isoformat(), meeting.format)
    return tpl


def _task_context(n: int, t: Task) -> dict[str, Any]:
    return {
        "n": n,
        "id": t.id,
        "action": t.action,
        "leads": "\n".join(t.leads),
        "supports": "\n".join(t.supports),
        "deadline": deadline_text(t.deadline),
        "time": t.evidence.clock,
        "quote": t.quote,
    }
