"""How a Deadline is written: one function, its variants named by Style.

    write(d, COLUMN)         "Trước ngày 15/09/2026"  the Thời hạn cell; import-docx parses it back
    write(d, prose(lay))     "trước ngày 15/9/2026"   in the notice's body, the layout's date form
    digits(text, ref)        "trước ngày 15/09/2026"  dates said in words, in a sentence, the
                                                      speaker's own mark kept (SPOKEN)

A kind with a `period` (drafting/deadline_kinds.py) is written from its due date; the others,
and chained deadlines ("trình trước 15/9; ban hành trước 30/9"), as they were said.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from drafting import deadline as dl
from drafting.deadline_kinds import Follow, Kind, kind_of
from drafting.model import Deadline

ROMAN_Q = {1: "I", 2: "II", 3: "III", 4: "IV"}
# What the column adds to a counted deadline; a reading aid, not part of the deadline
ESTIMATE = re.compile(r"\s*\(dự kiến đến [^)]*\)")
# Number words: a date said with them is rewritten in digits ("năm" is also five)
SAID = re.compile(
    r"\b(?:một|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|giêng|chạp|nay|"
    r"này|tới)\b"
)
SPOKEN_MARK = re.compile(r"^(.*?)(?=\s*(?:\d|ngày|tháng|quý|năm))")


@dataclass(frozen=True)
class Style:
    """One place a deadline is written, and how its numbers look there."""

    name: str
    date: str  # a whole date, with fields d, m, y
    month: str  # the month of a period, field m
    capital: bool  # a cell starts with a capital; inside a sentence it does not
    estimate: bool  # a counted deadline shows its date counted from the meeting


COLUMN = Style("column", "{d:02d}/{m:02d}/{y}", "{m:02d}", capital=True, estimate=True)
SPOKEN = Style("spoken", "{d:02d}/{m:02d}/{y}", "{m:02d}", capital=False, estimate=False)


def prose(lay: dict[str, Any]) -> Style:
    """The body of a notice: dates as the format writes them (State "20/8/2026", Party
    "20-8-2026"), months without a leading zero."""
    return Style("prose", lay["date_format"], "{m}", capital=False, estimate=False)


def write(d: Deadline, style: Style) -> str:
    """The deadline as `style` writes it; "" when there is none."""
    k = kind_of(d.kind)
    chained = ";" in d.phrase
    if d.due is not None and not chained and (text := period(k, d.due, style)):
        text = f"{k.mark} {text}"
        # "đầu tháng 10" is due on the 10th, not at the end of the month: said as said
        if _reads_back(text, d, d.due):
            return _case(text, style)
    phrase = " ".join(ESTIMATE.sub("", d.phrase).split()).strip(" .;,")
    if not phrase:
        return ""
    if style.estimate and k.has_due and d.due is not None and not chained:
        phrase = digits(phrase, d.due)
        if k.follow is Follow.COUNTED:
            # the date helps the drafter; "kể từ ngày ký" may move it, hence "dự kiến"
            return f"{_case(phrase, style)} (dự kiến đến {_date(d.due, style)})"
    return _case(phrase, style)


def without_estimate(cell: str) -> str:
    """A Thời hạn cell minus the "(dự kiến đến …)" that COLUMN adds to a counted deadline:
    a reading aid computed from the notice date, not a deadline (import-docx reads the rest)."""
    return ESTIMATE.sub("", cell).strip()


def period(k: Kind, due: date, style: Style) -> str:
    """ "ngày 15/09/2026", "quý III/2026": the kind's period for `due`, no mark; "" for a
    kind written as said."""
    if k.period is None:
        return ""
    return k.period.format(
        date=_date(due, style),
        month=style.month.format(m=due.month),
        quarter=ROMAN_Q[(due.month - 1) // 3 + 1],
        year=due.year,
    )


def digits(text: str, ref: date) -> str:
    """Dates and periods said in words, in digits ("trong tháng mười" → "trong tháng
    10/2026"); the rest of `text`, and what was written in digits already, as it is."""
    out, last = [], 0
    for f in dl.find_all(text, ref):
        said = text[f.start : f.end]
        written = _spoken(f.deadline, said) if f.deadline.due is not None else ""
        if written:
            out.append(text[last : f.start] + written)
            last = f.end
    return "".join(out) + text[last:]


def _spoken(d: Deadline, said: str) -> str:
    """One phrase said in words, in digits, with the speaker's mark ("chậm nhất là …")."""
    k = kind_of(d.kind)
    low = said.lower()
    # the period's own word is not a number said ("trong năm" is the year, not five)
    word = (k.period or "").split(" ", 1)[0]
    if not SAID.search(low.replace(word, "", 1) if word else low) or d.due is None:
        return ""
    if k.period is not None:
        mark = SPOKEN_MARK.match(low)
        lead = (mark.group(1).strip() + " ") if mark and mark.group(1).strip() else ""
        return lead + period(k, d.due, SPOKEN)
    if k.follow is Follow.COUNTED and re.search(r"(\d+|[^\d]+?)\s+(ngày làm việc|ngày|tuần|tháng|năm)", low):
        norm, _ = dl._normalise(said)
        return norm.lstrip()
    return ""


def _reads_back(text: str, d: Deadline, due: date) -> bool:
    """Whether the parser reads `text` as the same deadline (the year is in the text, so
    the date it counts from does not matter)."""
    again = dl.parse(text, due)
    return (again.kind, again.due) == (d.kind, due)


def _date(d: date, style: Style) -> str:
    return style.date.format(d=d.day, m=d.month, y=d.year)


def _case(text: str, style: Style) -> str:
    return (text[:1].upper() if style.capital else text[:1].lower()) + text[1:]
