"""Reading a conclusions .docx back into tasks (the drafter's edited file, or a hand-written one).

Files are checked before python-docx sees them: a .docx is a zip of XML, so a bad one can
be a zip bomb, carry XML entity tricks, or hide macros. Each problem gets a Vietnamese
message saying what to do.
"""

import re
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from lxml.etree import LxmlError

from drafting import docxkit as kit
from drafting import evidence_note
from drafting.deadline import parse as parse_deadline
from drafting.deadline_kinds import NONE, Place, kind_of
from drafting.deadline_text import without_estimate
from drafting.extract import extract_text
from drafting.gazetteer import Gazetteer, default_gazetteer, key
from drafting.meeting import Meeting
from drafting.model import Deadline, Task
from drafting.notice_header import NoticeHeader, read_header
from ketluan.errors import DocumentError
from ketluan.officefile import check_office_file

HEADERS = {
    "stt": "n",
    "nội dung": "action",
    "nhiệm vụ": "action",
    "chủ trì": "leads",
    "phối hợp": "supports",
    "thời hạn": "deadline",
    "hạn": "deadline",
}
CLOSING = re.compile(r"thông báo\b.{0,160}\bđể\b.{0,80}\bbiết|^nơi nhận", re.IGNORECASE)
OPEN_HINT = "Hãy mở tệp bằng Word hoặc LibreOffice và lưu lại dưới dạng .docx."


def read_notice(
    path: str | Path,
    meeting_date: date | None = None,
    issued_on: date | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[Task]:
    """The tasks of `read_with_header`."""
    return read_with_header(path, meeting_date, issued_on, gazetteer)[0]


def read_with_header(
    path: str | Path,
    meeting_date: date | None = None,
    issued_on: date | None = None,
    gazetteer: Gazetteer | None = None,
) -> tuple[list[Task], NoticeHeader]:
    """Tasks from the notice's task table (in the body, or an appendix after the signature),
    or from its numbered paragraphs when it has none, each with the evidence its Word comment
    holds (audio time, the chair's words).

    Dates without a year and relative deadlines count from `meeting_date`, else the date
    ketluan stored, else the date in the header ("Lào Cai, ngày 20 tháng 8 năm 2026"), else
    `issued_on`. The header (notice_header.py) comes with them, from the same opening.
    `gazetteer`: the office's list of bodies (the built-in one when None)."""
    gaz = gazetteer or default_gazetteer()
    path = Path(path)
    doc = open_docx(path)
    # one line per paragraph (a line break inside one is a space): the engine makes one
    # segment per line, so a task's segment id is the index of its paragraph
    lines = [(" ".join(p.text.split()), ids) for p, ids in _paragraphs(doc) if p.text.strip()]
    table_text = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    if not lines and not table_text.strip():
        raise DocumentError(f"Tài liệu '{path.name}' không có nội dung.", "Hãy chọn đúng tệp thông báo kết luận.")
    header = read_header(doc)
    ref = meeting_date or kit.stored_date(doc) or header.issued_on or issued_on
    if ref is None:
        raise DocumentError(
            f"Không thấy ngày của thông báo '{path.name}' (dòng 'ngày … tháng … năm …').",
            "Điền ngày vào ô “Ngày ban hành” rồi đọc lại, hoặc điền ngày vào văn bản.",
            cli_hint="Nhập ngày họp khi nhập (ví dụ --meeting-date 2026-08-20) hoặc điền ngày vào văn bản.",
        )
    notes = _comments(doc)
    for table in doc.tables:
        columns = _columns(table)
        if columns:
            tasks = _from_table(table, columns, ref, gaz)
            _evidence_from_rows(tasks, table, columns["action"], lines, notes)
            return tasks, header
    return _from_body(lines, notes, ref, gaz), header


def check_docx(path: Path, shown: str | None = None) -> None:
    """Refuse files that are not a plain, safe .docx (ketluan/officefile.py); return quietly otherwise."""
    check_office_file(path, "docx", DocumentError, shown)


# What python-docx raises on a zip that passed the safety check but is not a document it can
# open (a part missing or of the wrong type, XML it does not expect); anything else is a bug.
UNREADABLE = (OpcError, KeyError, ValueError, TypeError, AttributeError, LxmlError)


def open_docx(path: Path, shown: str | None = None) -> Any:
    """The safety check (ketluan/officefile.py), then python-docx opens it: the one way a .docx
    that comes in (an upload, a tracking import, the CLI) is opened. A file Word would not
    open is refused with a DocumentError naming `shown` (default: the file's name)."""
    check_docx(path, shown)
    try:
        return Document(str(path))
    except UNREADABLE as exc:
        raise DocumentError(
            f"Không đọc được tài liệu Word '{shown or Path(path).name}' ({type(exc).__name__}).", OPEN_HINT
        ) from None


# -- helpers ------------------------------------------------------------------------------


def _columns(table) -> dict[str, int] | None:
    """Which column holds what, from the header row; None for tables that are not task tables."""
    if not table.rows:
        return None
    found: dict[str, int] = {}
    for k, cell in enumerate(table.rows[0].cells):
        label = key(cell.text)
        for needle, field in HEADERS.items():
            if needle in label and field not in found:
                found[field] = k
                break
    return found if "action" in found and "leads" in found else None


def _from_table(table, columns: dict[str, int], ref: date, gaz: Gazetteer) -> list[Task]:
    tasks: list[Task] = []
    for row in table.rows[1:]:
        cells = row.cells

        def cell(field: str, cells=cells) -> str:
            k = columns.get(field)
            return cells[k].text.strip() if k is not None and k < len(cells) else ""

        action = re.sub(r"\s+", " ", cell("action"))
        if not action:
            continue
        phrase = without_estimate(cell("deadline"))
        deadline = parse_deadline(phrase, ref) if phrase else Deadline()
        if phrase and deadline.kind == NONE:
            deadline = Deadline(NONE, None, phrase)  # kept for a person to read
        tasks.append(
            Task(
                id=f"T{len(tasks) + 1}",
                leads=_names(cell("leads"), gaz),
                supports=_names(cell("supports"), gaz),
                action=action,
                deadline=deadline,
            )
        )
    return tasks


def _names(text: str, gaz) -> list[str]:
    """One body per line; a line with several bodies is split with the gazetteer."""
    out: list[str] = []
    for line in re.split(r"[\n;]+", text):
        line = line.strip(" -+•,.")
        if not line:
            continue
        words = line.split()
        pos, found = 0, []
        while pos < len(words):
            m = gaz.match(words, pos, fuzzy=False)
            if m is None:
                break
            found.append(m.name)
            pos = m.end
            while pos < len(words) and key(words[pos]) in {"", "và"}:
                pos += 1
        out += found if found and pos >= len(words) else [line]
    return out


def _from_body(lines: list[tuple[str, list[int]]], notes: dict[int, str], ref: date, gaz: Gazetteer) -> list[Task]:
    """A notice with no task table: the rule engine reads its numbered paragraphs (from the
    lead-in to the closing sentence), and each task takes the comment of its paragraph."""
    end = next((k for k, (text, _) in enumerate(lines) if CLOSING.search(text)), len(lines))
    lines = lines[:end]
    meeting = Meeting(issuing_body="(không rõ)", title="(nhập từ tài liệu)", date=ref)
    # The rules alone (no LLM client): a notice read back gives the same tasks every time.
    tasks = extract_text("\n".join(text for text, _ in lines), meeting, gaz).tasks
    for task in tasks:
        ids = task.evidence.segment_ids
        note = "\n".join(notes[i] for i in lines[ids[0]][1] if i in notes) if ids else ""
        evidence_note.apply(task, note, lines[ids[0]][0] if ids else "")
        phrase = task.deadline.phrase
        if kind_of(task.deadline.kind).place is Place.BEFORE and task.action.lower().startswith(phrase.lower()):
            # written before the action ("Giao Sở Y tế thường xuyên kiểm tra …"): the
            # deadline, not a part of the action
            rest = task.action[len(phrase) :].strip(" ,")
            task.action = rest[:1].upper() + rest[1:] if rest else task.action
    return tasks


def _paragraphs(doc):
    """The body's paragraphs (not the header or signature tables), with the ids of the
    comments anchored in each."""
    for p in doc.paragraphs:
        yield p, [int(el.get(qn("w:id"))) for el in p._p.iter(qn("w:commentRangeStart"))]


def _comments(doc) -> dict[int, str]:
    try:
        return {c.comment_id: c.text for c in doc.comments}
    except UNREADABLE:  # a document without a comments part, or one python-docx cannot read
        return {}


def _evidence_from_rows(
    tasks: list[Task], table, action_col: int, lines: list[tuple[str, list[int]]], notes: dict[int, str]
) -> None:
    """Table tasks take the comment on their row (older drafts) or on the body paragraph
    that states the same task (the appendix repeats the paragraphs)."""
    # the rows _from_table made tasks of: those with an action
    rows = [r for r in table.rows[1:] if action_col < len(r.cells) and r.cells[action_col].text.strip()]
    for task, row in zip(tasks, rows, strict=False):
        ids = [int(el.get(qn("w:id"))) for el in row._tr.iter(qn("w:commentRangeStart"))]
        note = "\n".join(notes[i] for i in ids if i in notes)
        if not evidence_note.belongs(note, " ".join(c.text for c in row.cells)):
            note = ""
        if not note:
            said = evidence_note.plain(task.action)
            for text, pids in lines:
                if pids and said and said in evidence_note.plain(text):
                    note = "\n".join(notes[i] for i in pids if i in notes)
                    break
        evidence_note.apply(task, note)
