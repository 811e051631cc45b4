"""Vietnamese deadlines, resolved against the meeting date.

    parse("trước ngày 15-12", date(2026, 8, 20))  → Deadline("date", 2026-12-15, "trước ngày 15-12")
    parse("trong 30 ngày làm việc", ref)          → working days, skipping weekends and the
                                                    Vietnamese public holidays of `holidays`
Shapes: full dates (digits or words), months, quarters, years, relative spans, recurring and
event-driven wording. With several deadlines in one sentence (chained: "trình trước 15/9,
ban hành trước 30/9") the task is due at the last one and the phrase keeps all of them.
"""

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from drafting.deadline_kinds import KINDS
from drafting.model import Deadline
from drafting.numbers import DIGITS, MONTH_NAMES, ROMAN, parse_words

# Keywords after which number words become digits ("ngày ba mươi tháng sáu" → "ngày 30 tháng 6").
_NUMBER_AFTER = {"ngày": 31, "tháng": 12, "quý": 4, "năm": 9999}
# … and before a unit: "trong ba mươi ngày", "định kỳ sáu tháng"
_NUMBER_BEFORE_UNIT = {"trong", "vòng", "sau", "quá", "đa", "hạn", "là", "kỳ"}
_UNITS = {"ngày", "tuần", "tháng", "năm", "quý"}

_MARK = (
    r"(?:chậm nhất(?:\s+(?:là|vào|trước))?|trước|không quá|hạn chót|đến hết|đến|tới|hết"
    r"|vào|xong|trong|kịp)"
)
_DATE = re.compile(
    rf"(?:(?P<mark>{_MARK})\s+)?"
    r"(?:(?P<hh>\d{1,2})\s*(?:giờ|h)(?:\s*\d{1,2}(?:\s*phút)?)?(?:\s+(?:sáng|chiều|tối))?,?\s+)?"
    r"(?P<ngay>ngày\s+)?(?P<d>\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)(?P<m>\d{1,2})"
    r"(?:\s*(?:/|-|\.|\s+năm\s+)(?P<y>\d{4}))?(?![\d/])"
)
_PERIOD_MARK = (
    r"(?:chậm nhất(?: là)?(?: trong)?|trong|trước|đến hết|hết|cuối|đầu|giữa|ngay trong"
    r"|xong trong|từ nay đến cuối)"
)
_MONTH = re.compile(
    rf"(?P<mark>{_PERIOD_MARK}|vào)\s+tháng\s+(?:(?P<m>\d{{1,2}})(?:\s*(?:/|-|\.|\s+năm\s+)(?P<y>\d{{4}})"
    r"|\s+năm\s+(?P<yrel>nay|tới|sau)|\s+này(?![\wà-ỹ]))?|(?P<rel>này|tới|sau))(?!\s*ngày)"
)
_QUARTER = re.compile(
    rf"(?P<mark>{_PERIOD_MARK})\s+quý\s+(?:(?P<q>iv|iii|ii|i|[1-4])(?![\wà-ỹ])"
    r"(?:\s*(?:/|-|\s+năm\s+)(?P<y>\d{4})|\s+năm\s+(?P<yrel>nay|tới|sau))?|(?P<rel>này|tới|sau))"
)
_YEAR = re.compile(
    rf"(?<!tháng )(?P<mark>{_PERIOD_MARK})\s+năm(?:\s+(?P<y>\d{{4}})|\s+(?P<rel>nay|tới|sau)"
    r"|(?!\s*\d|\s+(?:học|tài|ngân|kế|trước|sau|qua|ngoái|đó|này|mới|nhuận)\b))"
)
_RELATIVE = re.compile(
    r"(?P<mark>trong(?:\s+thời\s+hạn|\s+vòng)?|chậm nhất(?:\s+là)?|sau|không quá|tối đa)\s+"
    r"(?P<n>\d{1,3})\s+(?P<unit>ngày\s+làm\s+việc|ngày|tuần|tháng|năm)"
    r"(?P<tail>\s+(?:kể\s+từ|tính\s+từ|từ)\s+(?:ngày\s+)?[^,.;]{1,40}?(?=[,.;]|$|\s+(?:và|để)\s))?"
)
_WEEK = re.compile(
    r"(?P<mark>(?:chậm nhất\s+(?:là\s+)?|trước\s+)?(?:cuối|trong|ngay trong|hết))"
    r"\s+tuần\s+(?P<rel>này|tới|sau)"
)
_TET = re.compile(
    r"(?P<mark>trước|ngay sau)\s+(?:kỳ\s+nghỉ\s+)?tết(?:\s+nguyên\s+đán)?"
    r"(?:\s+(?P<y>\d{4}))?"
)
_RECURRING = re.compile(
    r"(?:(?:trước|vào|chậm nhất)\s+)?ngày\s+\d{1,2}\s+(?:hằng|hàng)\s+(?:tháng|quý)"
    r"|thường xuyên|thường kỳ|định kỳ(?:\s+(?:hằng|hàng)\s+(?:ngày|tuần|tháng|quý|năm)"
    r"|\s+\d+\s+tháng(?:\s*(?:một lần|/lần))?)?"
    r"|(?:hằng|hàng)\s+(?:ngày|tuần|tháng|quý|năm)(?!\s+\d)"
)
_EVENT = re.compile(
    r"khi\s+có\s+(?:phát\s+sinh|yêu\s+cầu|chỉ\s+đạo|ý\s+kiến|văn\s+bản|hướng\s+dẫn|quyết\s+định"
    r"|vướng\s+mắc|sự\s+cố)[^,.;]{0,50}"
    r"|khi\s+(?:được|có)\s+[^,.;]{3,40}"
    r"|khi\s+[^,.;]{2,40}?\s+được\s+(?:ban\s+hành|phê\s+duyệt|thông\s+qua|ký|giao)"
    r"|(?:ngay\s+)?(?:sau|trước)\s+khi\s+[^,.;]{3,60}"
    r"|ngay\s+khi\s+[^,.;]{3,60}|khi\s+phát\s+hiện\b[^,.;]{0,50}"
    r"|(?:trường hợp|những vấn đề|các vấn đề|vấn đề|nội dung)[^,.;]{0,25}vượt thẩm quyền"
    r"|trước\s+(?:kỳ\s+họp|phiên\s+họp|hội\s+nghị|đại\s+hội|thời\s+điểm)[^,.;]{0,50}"
    r"|trước\s+(?:năm\s+học\s+mới|mùa\s+(?:mưa|bão|khô|lũ|mưa\s+bão))"
)
_PRECEDENCE = {k.name: k.precedence for k in KINDS.values() if k.precedence is not None}


@dataclass
class Found:
    """One deadline mention with its span in the original text."""

    deadline: Deadline
    start: int
    end: int


def parse(text: str, ref: date) -> Deadline:
    """The task's deadline: the last dated one when chained, else the strongest wording."""
    found = find_all(text, ref)
    if not found:
        return Deadline()
    dated = [f for f in found if f.deadline.due is not None]
    if len(dated) >= 2:  # chained deadlines: due at the end, every step kept in the phrase
        last = max(dated, key=lambda f: f.deadline.due or date.min)
        phrase = "; ".join(f.deadline.phrase for f in sorted(dated, key=lambda f: f.start))
        return Deadline(last.deadline.kind, last.deadline.due, phrase)
    best = min(found, key=lambda f: (_PRECEDENCE[f.deadline.kind], f.start))
    return best.deadline


# Where only the place of a deadline matters, not its date: any reference day will do.
_ANY_DAY = date(2000, 1, 1)


def mentions(text: str) -> list[Found]:
    """Where deadlines are said in `text` (their dates resolved against an arbitrary day)."""
    return find_all(text, _ANY_DAY)


def has_deadline(text: str) -> bool:
    """Does `text` say a deadline at all?"""
    return bool(mentions(text))


def find_all(text: str, ref: date) -> list[Found]:
    """Every deadline mention in `text`, non-overlapping, in order."""
    norm, spans = _normalise(text)
    hits: list[tuple[int, int, Deadline]] = []
    for finder in (_dates, _tet, _relative, _weeks, _months, _quarters, _years, _events, _recurring):
        for start, end, dl in finder(norm, ref):
            if all(end <= s or start >= e for s, e, _ in hits):
                hits.append((start, end, dl))
    out = []
    for start, end, dl in sorted(hits, key=lambda h: h[0]):
        o_start, o_end = _to_original(spans, start, end)
        while o_end > o_start and text[o_end - 1] in ".,;:!?)":
            o_end -= 1
        dl.phrase = text[o_start:o_end].strip(" ,;")
        out.append(Found(dl, o_start, o_end))
    return out


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start`: no weekends, no Vietnamese public holidays."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in _vn_holidays(day.year):
            n -= 1
    return day


@lru_cache(maxsize=32)
def _vn_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=[year])


# -- finders: each yields (start, end, Deadline) in normalised-text offsets ---------------


# The date of a cited document ("Tờ trình số 45/TTr-SXD ngày 12/10/2023", "Quyết định
# 123/QĐ-UBND, ngày …", "ban hành ngày …") says when it was signed, not when work is due.
_CITED = re.compile(
    r"(?:số\s+\S+|\d+/[\w.đ-]+|(?:ban hành|ký|ký ban hành|có hiệu lực từ)"
    r"(?:\s+(?:từ|vào))?|(?:biên bản|tờ trình|công văn|quyết định|thông báo|"
    r"kết luận|nghị quyết|báo cáo|văn bản|chỉ thị|kế hoạch|công điện|hội nghị|"
    r"cuộc họp|phiên họp|buổi làm việc)(?:\s+[^\s,.;]+){0,2})\s*,?\s*$"
)


def _dates(norm: str, ref: date) -> Iterator[tuple[int, int, Deadline]]:
    for m in _DATE.finditer(norm):
        if not (m.group("mark") or m.group("ngay")):
            continue
        if not m.group("mark") and _CITED.search(norm[max(0, m.start() - 40) : m.start()]):
            continue
        day, month = int(m.group("d")), int(m.group("m"))
        year = int(m.group("y")) if m.group("y") else None
        due = _safe_date(year or ref.year, month, day)
        if due is None:
            continue
        if year is None and due < ref - timedelta(days=31):
            due = _safe_date(ref.year + 1, month, day)  # "15-01" said in December
        if due is None:
            continue
        yield m.start(), m.end(), Deadline("date", due)


def _tet(norm: str, ref: date) -> Iterator[tuple[int, int, Deadline]]:
    for m in _TET.finditer(norm):
        years = [int(m.group("y"))] if m.group("y") else [ref.year, ref.year + 1]
        for y in years:
            tet = [d for d, name in _vn_holidays(y).items() if "Lunar New Year" in name]
            if tet and (m.group("y") or min(tet) > ref):
                first = min(tet)
                due = first - timedelta(days=1) if m.group("mark") == "trước" else max(tet) + timedelta(days=1)
                yield m.start(), m.end(), Deadline("date", due)
                break


def _relative(norm: str, ref: date) -> Iterator[tuple[int, int, Deadline]]:
    for m in _RELATIVE.finditer(norm):
        n, unit = int(m.group("n")), m.group("unit")
        due: date | None
        if unit.startswith("ngày") and "làm" in unit:
            due = add_working_days(ref, n)
        elif unit == "ngày":
            due = ref + timedelta(days=n)
        elif unit == "tuần":
            due = ref + timedelta(weeks=n)
        elif unit == "tháng":
            due = _add_months(ref, n)
        else:
            due = _safe_date(ref.year + n, ref.month, min(ref.day, 28))
        yield m.start(), m.end(), Deadline("relative", due)


def _weeks(norm: str, ref: date) -> Iterator[tuple[int, int, Deadline]]:
    for m in _WEEK.finditer(norm):
        friday = ref + timedelta(days=(4 - ref.weekday()) % 7)
        if m.group("rel") != "này":
            friday += timedelta(weeks=1)
        # "cuối tuần này" names a day, the week's last working day; "trong tuần này" counts
        kind = "date" if "cuối" in m.group("mark") else "relative"
        yield m.start(), m.end(), Deadline(kind, friday)


def _months(norm: str, ref: date) -> Iterator[tuple[int, int, Deadline]]:
    for m in _MONTH.finditer(norm):
        mark = m.group("mark")
        if m.group("rel"):
            year, month = ref.year, ref.month + (0 if m.group("rel") == "này" else 1)
            if month > 12:
                year, month = year + 1, 1
        else:
            month = int(m.group("m"))
            if not 1 <= month <= 12:
                continue
            year = int(m.group("y")) if m.group("y") else _next_year(ref, month)
            if m.group("yrel"):
                year = ref.year + (m.group("yrel") != "nay")
        if mark == "trước":  # "trước tháng 7" → by the end of June
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            due = date(year, month, calendar.monthrange(year, month)[1])
        elif mark == "đầu":
            due = date(year, month, 10)
        elif mark == "giữa":
            due = date(year, month, 15)
        else:
            due = date(year, month, calendar.monthrange(year, month)[1])
        if mark == "vào" and (
            (m.group("y") and due < ref) or re.match(r"\s+(?:vừa qua|năm ngoái|năm trước|qua)\b", norm[m.end() :])
        ):
            continue  # "ban hành vào tháng 3/2024", "vào tháng 3 vừa qua": when it was done
        yield m.start(), m.end(), Deadline("month", due)


def _quarters(norm: str, ref: date) -> Iterator[tuple[int, int, Deadline]]:
    current = (ref.month - 1) // 3 + 1
    for m in _QUARTER.finditer(norm):
        if m.group("rel"):
            q, year = current + (0 if m.group("rel") == "này" else 1), ref.year
            if q > 4:
                q, year = 1, year + 1
        else:
            raw = m.group("q")
            q = int(raw) if raw.isdigit() else ROMAN[raw]
            year = int(m.group("y")) if m.group("y") else ref.year + (q < current)
            if m.group("yrel"):
                year = ref.year + (m.group("yrel") != "nay")
        if m.group("mark") == "trước":
            q, year = (q - 1, year) if q > 1 else (4, year - 1)
        last_month = q * 3
        due = date(year, last_month, calendar.monthrange(year, last_month)[1])
        yield m.start(), m.end(), Deadline("quarter", due)


def _years(norm: str, ref: date) -> Iterator[tuple[int, int, Deadline]]:
    for m in _YEAR.finditer(norm):
        if m.group("y"):
            year = int(m.group("y"))
        elif m.group("rel") in ("tới", "sau"):
            year = ref.year + 1
        else:
            year = ref.year
        if m.group("mark") == "trước" and m.group("y"):
            year -= 1
        elif m.group("mark") == "đầu":
            yield m.start(), m.end(), Deadline("year", date(year, 3, 31))
            continue
        yield m.start(), m.end(), Deadline("year", date(year, 12, 31))


def _events(norm: str, ref: date) -> Iterator[tuple[int, int, Deadline]]:
    for m in _EVENT.finditer(norm):
        yield m.start(), m.end(), Deadline("event", None)


def _recurring(norm: str, ref: date) -> Iterator[tuple[int, int, Deadline]]:
    for m in _RECURRING.finditer(norm):
        yield m.start(), m.end(), Deadline("recurring", None)


# -- helpers ------------------------------------------------------------------------------


def _normalise(text: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Lower-case `text` and turn spoken numbers after date words into digits.

    Returns the new text and spans (norm_start, norm_end, orig_start, orig_end) per token.
    """
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
    cores = [_core(t[2]) for t in tokens]
    pieces: list[tuple[str, int, int]] = []  # (normalised token, orig start, orig end)
    i = 0
    while i < len(tokens):
        prev = cores[i - 1] if i else ""
        if prev in _DAY_WORDS:
            prev = "ngày"  # "mùng một", "mồng năm": the days 1 to 10 as said
        parsed = None
        day = _spoken_day(cores, i)
        if day is not None:  # "trước ba mươi tháng tám", "hai lăm tháng ba": a day, then its month
            parsed = day
        elif prev in _NUMBER_AFTER or prev in _NUMBER_BEFORE_UNIT:
            window = []
            for k in range(i, len(tokens)):
                window.append(cores[k])
                if tokens[k][2] != cores[k] and tokens[k][2].lower() != cores[k]:
                    break  # punctuation ends a number
            parsed = None
            limit = _NUMBER_AFTER.get(prev)
            if limit == 31 and len(window) > 1 and window[0] in {"hai", "ba"} and window[1] in DIGITS:
                short = DIGITS[window[0]] * 10 + DIGITS[window[1]]  # "ngày hai lăm": 25, said short
                parsed = (short, 2) if short <= 31 else None
            by_digit = len(window) > 3 and window[2] in DIGITS and window[3] in DIGITS  # "hai không hai hai"
            if prev == "năm" and window[:2] == ["hai", "không"] and len(window) > 2 and not by_digit:
                tail = parse_words(window[2:])  # "năm hai không hai mươi": 2020, said in two halves
                if tail is not None and 10 <= tail[0] <= 99:
                    parsed = (2000 + tail[0], 2 + tail[1])
            # "tháng mười năm 2026": the longest reading that fits ("mười", not "mười lăm")
            for cut in range(len(window) if parsed is None else 0, 0, -1):
                found = parse_words(window[:cut])
                if found is None:
                    break
                value, used = found
                nxt = cores[i + used] if i + used < len(cores) else ""
                if (0 <= value <= limit) if limit is not None else nxt in _UNITS:
                    parsed = found
                    break
            if prev == "tháng" and parsed is None and cores[i] in MONTH_NAMES:
                parsed = (MONTH_NAMES[cores[i]], 1)
        if parsed:
            value, used = parsed
            last = tokens[i + used - 1]
            trail = last[2][len(last[2].rstrip(",.;:!?)")) :]
            pieces.append((str(value) + trail, tokens[i][0], last[1]))
            i += used
        elif cores[i] in _DAY_WORDS and i + 1 < len(cores) and cores[i + 1] in DIGITS:
            # "mùng một tháng tư" reads as "ngày 1 tháng 4"; "ngày mùng một" as "ngày 1"
            if pieces and pieces[-1][0] == "ngày":
                pieces[-1] = ("ngày", pieces[-1][1], tokens[i][1])
            else:
                pieces.append(("ngày", tokens[i][0], tokens[i][1]))
            i += 1
        else:
            pieces.append((tokens[i][2].lower(), tokens[i][0], tokens[i][1]))
            i += 1
    norm_parts, spans, pos = [], [], 0
    for tok, o_start, o_end in pieces:
        spans.append((pos, pos + len(tok), o_start, o_end))
        norm_parts.append(tok)
        pos += len(tok) + 1
    return " ".join(norm_parts), spans


_DAY_WORDS = {"mùng", "mồng"}


def _spoken_day(cores: list[str], i: int) -> tuple[int, int] | None:
    """A day said in words right before "tháng" and a month, with no "ngày" before it:
    "(trước) ba mươi tháng tám", "hai lăm tháng ba" (25), "ba mốt tháng mười" (31)."""
    if i and (cores[i - 1] in _NUMBER_AFTER or cores[i - 1] in _DAY_WORDS):
        return None  # read by the keyword before it
    run = []
    for w in cores[i : i + 4]:
        if w not in DIGITS and w not in {"mười", "mươi"}:
            break
        run.append(w)
    if not run:
        return None
    after = cores[i + len(run) : i + len(run) + 2]
    month_word = len(after) == 2 and (after[1] in DIGITS or after[1] in MONTH_NAMES or after[1] == "mười")
    if after[:1] != ["tháng"] or not month_word:
        return None
    if len(run) == 2 and run[0] in {"hai", "ba"} and run[1] in DIGITS:
        value = DIGITS[run[0]] * 10 + DIGITS[run[1]]  # "hai lăm", "hai tư", "ba mốt": said short
        return (value, 2) if 1 <= value <= 31 else None
    found = parse_words(run)
    if found is None or not 1 <= found[0] <= 31 or found[1] != len(run):
        return None
    return found


def _to_original(spans: list[tuple[int, int, int, int]], start: int, end: int) -> tuple[int, int]:
    inside = [s for s in spans if s[1] > start and s[0] < end]
    if not inside:
        return 0, 0
    first, last = inside[0], inside[-1]
    o_start = (
        first[2] + max(0, min(start - first[0], first[3] - first[2]))
        if first[1] - first[0] == first[3] - first[2]
        else first[2]
    )
    o_end = last[3] - max(0, last[1] - end) if last[1] - last[0] == last[3] - last[2] else last[3]
    return o_start, o_end


def _core(token: str) -> str:
    return token.lower().strip(",.;:!?()\"'“”")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_year(ref: date, month: int) -> int:
    """A month with no year: this year, or next year when it has already passed."""
    return ref.year + 1 if month < ref.month - 1 else ref.year


def _add_months(d: date, n: int) -> date:
    month = d.month - 1 + n
    year = d.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
