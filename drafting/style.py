"""From spoken to written style for the notice body: dates in digits, no first person.

"Tôi đề nghị Sở Y tế … trước ngày mười lăm tháng chín" → "Đề nghị Sở Y tế … trước ngày
15/09/2026". Only what was said in words is rewritten; written text keeps its own style.
"""

import re
from datetime import date

from drafting import deadline as dl
from drafting.model import Deadline

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
SPOKEN_OPENERS = re.compile(
    r"^(?:(?:rồi|vâng|thế|vậy|thì|và|còn)\s*,?\s+)*(?:tôi\s+(?:xin\s+)?|chúng\s+ta\s+|"
    r"các\s+đồng\s+chí\s+(?=\w+\s))?(?=\w)", re.IGNORECASE)
WORDY = {"nhưng mà": "nhưng", "cho nên là": "cho nên", "thì phải": "phải"}


def formal(text: str, ref: date) -> str:
    """A sentence of the chair's remarks in the written style of a notice."""
    text = _digits(text, ref)
    text = SPOKEN_OPENERS.sub("", text, count=1)
    for spoken, written in WORDY.items():
        text = re.sub(rf"\b{spoken}\b", written, text, flags=re.IGNORECASE)
    return text[:1].upper() + text[1:] if text else text


def digits(text: str, ref: date) -> str:
    """Only the dates and periods said in words, in digits; the wording is kept (minutes)."""
    return _digits(text, ref)


def _digits(text: str, ref: date) -> str:
    """Dates and periods said in words → digits ("tháng mười" → "tháng 10/2026")."""
    out, last = [], 0
    for f in dl.find_all(text, ref):
        phrase = text[f.start : f.end]
        if not re.search(r"\b(?:một|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|giêng|"
                         r"chạp|nay|này|tới)\b", phrase.lower()) or f.deadline.due is None:
            continue
        written = _written(f.deadline, phrase)
        if written:
            out.append(text[last : f.start] + written)
            last = f.end
    return "".join(out) + text[last:]


def _written(d: Deadline, phrase: str) -> str:
    low = phrase.lower()
    mark = re.match(r"^(.*?)(?=\s*(?:\d|ngày|tháng|quý|năm))", low)
    lead = (mark.group(1).strip() + " ") if mark and mark.group(1).strip() else ""
    due = d.due
    if due is None:  # event-driven or recurring: nothing to rewrite
        return ""
    if d.kind == "date":
        return f"{lead}ngày {due.day:02d}/{due.month:02d}/{due.year}"
    if d.kind == "month" and "tháng" in low:
        return f"{lead}tháng {due.month:02d}/{due.year}"
    if d.kind == "quarter":
        return f"{lead}quý {ROMAN[(due.month - 1) // 3 + 1]}/{due.year}"
    if d.kind == "year" and ("nay" in low or "tới" in low or "sau" in low):
        return f"{lead}năm {due.year}"
    if d.kind == "relative":
        n = re.search(r"(\d+|[^\d]+?)\s+(ngày làm việc|ngày|tuần|tháng|năm)", low)
        if n:
            norm, _ = dl._normalise(phrase)
            return re.sub(r"^\s+", "", norm)
    return ""
