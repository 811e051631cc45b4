"""What a conclusions notice says about itself in its header: number, date, issuing body, title.

Read in one place for every reader of a .docx (drafting/reader.py dates its deadlines from it,
tracking/source.py files the notice under its number and date). As a notice writes them:

    TỈNH ỦY LÀO CAI          ĐẢNG CỘNG SẢN VIỆT NAM
    Số 02-TB/TU              Lào Cai, ngày 25 tháng 8 năm 2026
    THÔNG BÁO
    Kết luận của … tại cuộc họp …
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from transcribe.transcript import nfc

NUMBER = re.compile(r"Số\s*:?\s*(\d[\w.]*\s*[-/]\s*[A-ZĐa-zđ][\wĐđ/\-]*)")
MEETING = re.compile(r"(?:tại|về)\s+((?:cuộc họp|buổi làm việc|hội nghị|phiên họp)\b.*)", re.I)
DATES = (
    re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I),
    re.compile(r"ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.I),
)
TITLE = "THÔNG BÁO"
NUMBER_LINES, DATE_LINES, TITLE_LINES = 8, 12, 6  # how far into the body each is looked for


@dataclass(frozen=True)
class NoticeHeader:
    number: str = ""  # "02-TB/TU", '' when the line is blank (a draft)
    issued_on: date | None = None
    title: str = ""  # the line under "THÔNG BÁO"
    issuing_body: str = ""  # the last bold line of the header's left cell
    meeting: str = ""  # "cuộc họp …" from the title, else the whole title


def read_header(doc: Any) -> NoticeHeader:
    """The header of a python-docx Document (its first table, then the first paragraphs)."""
    lines: list[str] = []
    issuing_body = ""
    if doc.tables:
        first = doc.tables[0]
        for row in first.rows:
            for cell in row.cells:
                lines += [p.text.strip() for p in cell.paragraphs if p.text.strip()]
        left = first.rows[0].cells[0]
        bold = [p.text.strip() for p in left.paragraphs if p.text.strip() and any(r.bold for r in p.runs)]
        plain = [p.text.strip() for p in left.paragraphs if p.text.strip() not in ("", "*")]
        issuing_body = nfc(" ".join((bold or plain or [""])[-1].split()))
    paragraphs = [p.text.strip() for p in doc.paragraphs if p.text.strip()]
    number = ""
    for text in lines + paragraphs[:NUMBER_LINES]:
        if m := NUMBER.search(text):
            number = re.sub(r"\s+", "", m.group(1))
            break
    title = ""
    for k, text in enumerate(paragraphs[:TITLE_LINES]):
        if text.upper() == TITLE and k + 1 < len(paragraphs):
            title = nfc(paragraphs[k + 1])
            break
    m = MEETING.search(title)
    return NoticeHeader(
        number=number,
        issued_on=header_date(doc),
        title=title,
        issuing_body=issuing_body,
        meeting=nfc(m.group(1)) if m else title,
    )


def header_date(doc: Any) -> date | None:
    """The date in the header, as notices write it: "Hà Nội, ngày 15 tháng 4 năm 2022",
    "Lào Cai, ngày 20/8/2026", "ngày 20-8-2026"; None when there is none."""
    texts = [c.text for t in doc.tables[:1] for r in t.rows for c in r.cells]
    texts += [p.text for p in doc.paragraphs[:DATE_LINES]]
    for text in texts:
        for pattern in DATES:
            for m in pattern.finditer(text):
                try:
                    return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                except ValueError:
                    continue
    return None
