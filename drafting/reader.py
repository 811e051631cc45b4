"""Reading a conclusions .docx back into tasks (the drafter's edited file, or a hand-written one).

Files are checked before python-docx sees them: a .docx is a zip of XML, so a bad one can
be a zip bomb, carry XML entity tricks, or hide macros. Each problem gets a Vietnamese
message saying what to do.
"""

import re
from datetime import date
from pathlib import Path

from drafting.deadline import parse as parse_deadline
from drafting.gazetteer import default_gazetteer, key
from drafting.model import Deadline, Task
from drafting.render import without_estimate
from ketluan.errors import DocumentError
from ketluan.officefile import check_office_file

HEADERS = {"stt": "n", "nội dung": "action", "nhiệm vụ": "action", "chủ trì": "leads",
           "phối hợp": "supports", "thời hạn": "deadline", "hạn": "deadline"}
OPEN_HINT = "Hãy mở tệp bằng Word hoặc LibreOffice và lưu lại dưới dạng .docx."


def read_notice(path: str | Path) -> list[Task]:
    """Tasks from the notice's task table, or from its body text when it has none."""
    from docx import Document

    path = Path(path)
    check_docx(path)
    try:
        doc = Document(str(path))
    except Exception as exc:
        raise DocumentError(f"Không đọc được tài liệu Word '{path.name}' ({type(exc).__name__}).",
                            OPEN_HINT) from None
    ref = _meeting_date(doc)
    body = "\n".join(p.text for p in doc.paragraphs if p.text.strip())
    table_text = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    if not body.strip() and not table_text.strip():
        raise DocumentError(f"Tài liệu '{path.name}' không có nội dung.",
                            "Hãy chọn đúng tệp thông báo kết luận.")
    for table in doc.tables:
        columns = _columns(table)
        if columns:
            return _from_table(table, columns, ref)
    return _from_body(body, ref)


def check_docx(path: Path, shown: str | None = None) -> None:
    """Refuse files that are not a plain, safe .docx (ketluan/officefile.py); return quietly otherwise."""
    check_office_file(path, "docx", DocumentError, shown)


# -- helpers ------------------------------------------------------------------------------


def _meeting_date(doc) -> date:
    """The meeting date we stored, else the date in the header line, else today."""
    m = re.search(r"meeting_date=(\d{4}-\d{2}-\d{2})", doc.core_properties.comments or "")
    if m:
        return date.fromisoformat(m.group(1))
    texts = [c.text for t in doc.tables[:1] for r in t.rows for c in r.cells]
    texts += [p.text for p in doc.paragraphs[:12]]
    for text in texts:
        m = re.search(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", text)
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
        m = re.search(r"[Nn]gày\s+(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
    return date.today()


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


def _from_table(table, columns: dict[str, int], ref: date) -> list[Task]:
    gaz = default_gazetteer()
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
        if phrase and deadline.kind == "none":
            deadline = Deadline("none", None, phrase)  # kept for a person to read
        tasks.append(Task(
            id=f"T{len(tasks) + 1}",
            leads=_names(cell("leads"), gaz),
            supports=_names(cell("supports"), gaz),
            action=action,
            deadline=deadline,
        ))
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


def _from_body(body: str, ref: date) -> list[Task]:
    """A notice written by hand, with no task table: run the extractor on its text."""
    from drafting.extract import extract_text
    from drafting.meeting import Meeting

    meeting = Meeting(issuing_body="(không rõ)", title="(nhập từ tài liệu)", date=ref)
    return extract_text(body, meeting, llm=False).tasks
