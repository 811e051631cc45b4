"""What the notice says, as a Văn phòng writes it: opening, lead-in, task paragraphs, closing,
signer and Nơi nhận, from the meeting details and the format's defaults (layout data).

Form input is cleaned first: a chair typed "đồng chí Nguyễn Văn An, Chủ tịch UBND tỉnh" or a
title typed "Họp giao ban tháng 5" must not give "đồng chí đồng chí …" or "họp Họp …".
"""

import re
from datetime import date
from typing import Any

from drafting import deadline_text as written
from drafting.deadline_kinds import Place, kind_of
from drafting.docxkit import layout
from drafting.meeting import Meeting
from drafting.model import Deadline, Task
from drafting.style import formal

COMRADE = re.compile(r"^(?:(?:các\s+)?đồng\s+chí|đ/c|đc\.?)\s+", re.IGNORECASE)
MEETING_WORD = re.compile(r"^(?:cuộc\s+họp|buổi\s+họp|phiên\s+họp|họp)\b[\s:,-]*", re.IGNORECASE)
EVENT_WORD = re.compile(r"^(?:hội\s+nghị|buổi\s+làm\s+việc|hội\s+thảo)\b", re.IGNORECASE)
# The action's last clause already says what is due ("…, báo cáo UBND tỉnh"): the deadline
# follows it directly; otherwise ", hoàn thành trước …".
DUE_VERB = re.compile(
    r"(?:^|[;,]|\s)(?:báo\s+cáo|(?<!công )(?<!quy )(?<!chương )(?<!tiến )(?<!lộ )"
    r"(?<!hành )trình|tham\s+mưu|đề\s+xuất|hoàn\s+thành|hoàn\s+thiện)\b[^;,]*$",
    re.IGNORECASE,
)
BODY_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
SO_PREFIX = re.compile(r"^Sở\s+(.+)$")
LOWER_FIRST = {
    "Nghe",
    "Bàn",
    "Cho",
    "Về",
    "Xem",
    "Đánh",
    "Rà",
    "Thông",
    "Triển",
    "Giao",
    "Sơ",
    "Tổng",
    "Kiểm",
    "Thảo",
    "Xử",
    "Góp",
}
AUTHORITY = {
    "ban thường vụ": "Ban Thường vụ",
    "thường trực": "Thường trực",
    "ban chấp hành": "Ban Chấp hành",
    "chủ tịch": "Chủ tịch",
    "bí thư": "Bí thư",
}


def short_body(meeting: Meeting) -> str:
    """The issuing body without its locality, as the text names it again ("Tỉnh ủy",
    "UBND tỉnh", "Huyện ủy")."""
    name = meeting.issuing_body
    place = meeting.place_name
    if place and name.endswith(place) and name != place:
        name = name[: -len(place)].strip()
    name = re.sub(r"^ủy\s+ban\s+nhân\s+dân\b", "UBND", name, flags=re.IGNORECASE)
    name = re.sub(r"^hội\s+đồng\s+nhân\s+dân\b", "HĐND", name, flags=re.IGNORECASE)
    return name[:1].upper() + name[1:]


def chair_parts(meeting: Meeting) -> tuple[str, str]:
    """(name, title) from what was typed in Chủ trì: "đồng chí Nguyễn Văn An, Chủ tịch
    UBND tỉnh" → ("Nguyễn Văn An", "Chủ tịch UBND tỉnh")."""
    chair = COMRADE.sub("", meeting.chair).strip(" ,;.")
    name, _, title = chair.partition(",")
    return name.strip(), title.strip()


def concluded_by(meeting: Meeting, lay: dict[str, Any]) -> str:
    """Who concluded: what the office typed, else the chair by title, else the format's default."""
    if meeting.concluded_by:
        return meeting.concluded_by
    name, title = chair_parts(meeting)
    if lay.get("concluded_by_chair") and (title or name):
        return f"đồng chí {title or name}"
    return lay["concluded_by"].format(body=short_body(meeting))


def issuer(meeting: Meeting, lay: dict[str, Any]) -> str:
    """The body that notifies in the closing sentence, read from the signer's authority so
    the two always agree: TL./T/L (or no authority) → the Văn phòng; TM./T/M/KT. X → X."""
    authority = (meeting.signer_authority or lay["signer_authority"]).strip()
    body = short_body(meeting)
    m = re.match(r"^(?:T/M|TM\.|KT\.)\s*(.+)$", authority, flags=re.IGNORECASE)
    if m:
        who = m.group(1).strip().lower()
        if who in ("ủy ban nhân dân", "ubnd"):
            return body
        return f"{AUTHORITY.get(who, who.capitalize())} {body}"
    return lay["issuer"].format(body=body)


def meeting_phrase(meeting: Meeting) -> str:
    """The meeting as the text names it: "cuộc họp giao ban tháng 5", "hội nghị …"."""
    title = re.sub(r"\s+", " ", meeting.title).strip().rstrip(".")
    if EVENT_WORD.match(title):
        return title[:1].lower() + title[1:]
    title = MEETING_WORD.sub("", title)
    if title.split(" ", 1)[0] in LOWER_FIRST:  # "Nghe báo cáo …" typed with a capital
        title = title[:1].lower() + title[1:]
    return f"cuộc họp {title}".strip()


def summary(meeting: Meeting, lay: dict[str, Any]) -> str:
    """The trích yếu: "Kết luận của Thường trực Tỉnh ủy tại cuộc họp …"."""
    text = f"kết luận của {concluded_by(meeting, lay)} tại {meeting_phrase(meeting)}"
    return _cap(text) if lay.get("summary_capital") else text


def opening(meeting: Meeting, reported_by: list[str] | None = None, lay: dict[str, Any] | None = None) -> str:
    """The opening paragraph and the lead-in, in the official phrasing:
    "Ngày …, tại …, đồng chí …, Chủ tịch UBND tỉnh chủ trì cuộc họp …. Tham dự có: …" and
    "Sau khi nghe báo cáo của … và ý kiến phát biểu của các đại biểu dự họp, … kết luận …:"."""
    if lay is None:
        lay = layout(meeting.format)
    name, title = chair_parts(meeting)
    parts = [f"Ngày {body_date(meeting.date, lay)}"]
    if meeting.place:
        parts.append(f"tại {meeting.place}")
    # the chair by name and title; with no chair typed, the body or leader who concluded
    parts.append(f"đồng chí {name}" + (f", {title}" if title else "") if name else concluded_by(meeting, lay))
    head = ", ".join(parts) + f" chủ trì {meeting_phrase(meeting)}."
    if meeting.attendees:
        head += f" Tham dự có: {'; '.join(meeting.attendees)}."
    reporters = meeting.reporting_units or reported_by or []
    heard = f"báo cáo của {', '.join(reporters)}" if reporters else "báo cáo của các cơ quan liên quan"
    lead_in = (
        f"Sau khi nghe {heard} và ý kiến phát biểu của các đại biểu dự họp, "
        f"{concluded_by(meeting, lay)} {lay['lead_in_verb']}:"
    )
    return f"{head}\n{_cap(lead_in)}"


def closing(meeting: Meeting, lay: dict[str, Any]) -> str:
    """ "Văn phòng Tỉnh ủy thông báo ý kiến kết luận của Thường trực Tỉnh ủy để …"; the body
    named is the one the signature block signs for."""
    who, concluded = issuer(meeting, lay), concluded_by(meeting, lay)
    what = "" if _same(who, concluded) else f" ý kiến kết luận của {concluded}"
    return f"{who} thông báo{what} để các cơ quan, đơn vị liên quan biết, thực hiện./."


def signer(meeting: Meeting, lay: dict[str, Any]) -> list[str]:
    """The lines above the signature: authority, (KT. deputy,) title."""
    lines = [meeting.signer_authority or lay["signer_authority"]]
    if meeting.signer_deputy and meeting.format == "state":
        lines.append(meeting.signer_deputy)
    lines.append(meeting.signer_title or lay["signer_title"])
    return [ln.upper() for ln in lines if ln]


def recipients(meeting: Meeting, lay: dict[str, Any], tasks: list[Task]) -> list[str]:
    """Nơi nhận: the office's list (or the format's), the bodies given tasks, then the archive
    line; no "Như trên" (a notice has no "Kính gửi"). Each line ends as the format wants."""
    body = short_body(meeting)
    given = [r.strip(" -,.;") for r in (meeting.recipients or [r.format(body=body) for r in lay["recipients"]])]
    given = [r for r in given if r and not re.fullmatch(r"(?i)như\s+trên", r)]
    archive = [r for r in given if re.match(r"(?i)^lưu\b", r)]
    head = [r for r in given if r not in archive]
    named = {r.lower() for r in head}
    bodies: list[str] = []
    for t in tasks:
        for b in [*t.leads, *t.supports]:
            if b and b.lower() not in named and b not in bodies and not any(b.lower() in r.lower() for r in head):
                bodies.append(b)
    lines = head + _grouped(bodies)
    lines.append(archive[-1] if archive else lay["archive"].format(body=body))
    lines = [ln[:1].upper() + ln[1:] for ln in lines]
    end = lay["recipients_end"]
    return [f"- {ln}{end if k < len(lines) - 1 else '.'}" for k, ln in enumerate(lines)]


def task_paragraph(task: Task, lay: dict[str, Any], ref: date | None = None) -> str:
    """One task in the one form: "Giao X chủ trì, phối hợp với Y <việc>, hoàn thành trước
    ngày …" (or "…, báo cáo … trước ngày …"). The deadline is said once (not "thường xuyên …
    Thường xuyên"); relative and spoken ones in digits when `ref` (the meeting date) is given."""
    action = task.action.strip().rstrip(".;, ")
    for lead in task.leads:  # an action edited to start with its lead: "Sở Tài chính chủ trì …"
        if lead and action.lower().startswith(lead.lower() + " "):
            action = action[len(lead) :].strip()
    action = re.sub(r"^chủ trì,?\s+", "", action) if task.supports else action
    action = action[:1].lower() + action[1:] if action[:2] != action[:2].upper() else action
    action = re.sub(r"; (\w)(?=[a-zà-ỹđ])", lambda m: "; " + m.group(1).lower(), action)
    leads = _join(task.leads)
    if leads and task.supports:
        head = f"Giao {leads} chủ trì, phối hợp với {_join(task.supports)} "
    elif leads:
        head = f"Giao {leads} "
    else:
        head = ""
    due = deadline_phrase(task.deadline, lay)
    place = kind_of(task.deadline.kind).place
    if place is Place.BEFORE and due and due.lower() not in action.lower():
        action, due = f"{due} {action}", ""  # "Giao Sở Y tế thường xuyên kiểm tra …"
    text = head + action
    if due and ref is not None:  # "trong ba mươi ngày" → "trong 30 ngày"
        due = "; ".join(_lower(formal(part.strip(), ref)) for part in due.split(";"))
    clauses, dues = action.split("; "), due.split("; ")
    if ";" in due and len(clauses) == len(dues):  # chained: each step with its own deadline
        text = head + "; ".join(f"{c} {d}" for c, d in zip(clauses, dues, strict=True))
    elif due and due.lower() not in text.lower():
        if ";" in due:  # chained, but not one per step: said together, as the chair gave them
            text += " " + " và ".join(dues)
        elif place is Place.AFTER or DUE_VERB.search(action):
            text += f" {due}"
        else:
            text += f", hoàn thành {due}"
    return _cap(body_dates(text, lay)) + "."


def deadline_phrase(d: Deadline, lay: dict[str, Any]) -> str:
    """The deadline as the body says it: "trước ngày 15/9/2026", "trong quý III/2026"."""
    return written.write(d, written.prose(lay))


def body_date(d: date, lay: dict[str, Any]) -> str:
    """A date in the body as the format writes it (State "20/8/2026", Party "20-8-2026")."""
    return lay["date_format"].format(d=d.day, m=d.month, y=d.year)


def body_dates(text: str, lay: dict[str, Any]) -> str:
    """Every dd/mm/yyyy in a line of the body in the format's own form, no leading zeros."""

    def one(m: re.Match) -> str:
        try:
            return body_date(date(int(m.group(3)), int(m.group(2)), int(m.group(1))), lay)
        except ValueError:
            return m.group(0)

    return BODY_DATE.sub(one, text)


def form_defaults(fmt: str, issuing_body: str = "", chair: str = "") -> dict[str, str]:
    """What the upload form and the draft page show for an empty field: the format's usual
    signer, recipients and "kết luận bởi" for this issuing body (a sample body without one)."""
    lay = layout(fmt)
    sample = issuing_body or ("Tỉnh ủy Lào Cai" if fmt == "party" else "Ủy ban nhân dân tỉnh Lào Cai")
    m = Meeting(issuing_body=sample, title="họp", date=date.today(), format=fmt, chair=chair)
    body = short_body(m)
    head = [r.format(body=body) for r in lay["recipients"]]
    return {
        "concluded_by": concluded_by(m, lay),
        "signer_authority": lay["signer_authority"],
        "signer_title": lay["signer_title"],
        "recipients": "\n".join([*head, lay["archive"].format(body=body)]),
        "notice_number": lay["number_format"].format(number="123", suffix=lay["number_suffix"]),
    }


def clashes(meeting: Meeting) -> list[str]:
    """Values that belong to the other format (a State notice signed "T/M", a Party notice
    with "Lưu: VT"): each a message saying what to change."""
    party = meeting.format == "party"
    values = {
        "Thẩm quyền ký": meeting.signer_authority,
        "Kết luận bởi": meeting.concluded_by,
        "Ký hiệu số": meeting.number_suffix,
        "Nơi nhận": "; ".join(meeting.recipients),
    }
    other = (
        r"\b(?:TM|TL|KT)\.|Lưu:\s*VT|UBND|Ủy ban nhân dân|TB-"
        if party
        else r"\bT/[ML]\b|Tỉnh ủy|Huyện ủy|Thành ủy|Đảng ủy|Ban Thường vụ|Lưu Văn phòng|/TU\b"
    )
    wrong = [name for name, value in values.items() if value and re.search(other, value)]
    if not wrong:
        return []
    this = "văn bản Đảng" if party else "văn bản hành chính (NĐ 30)"
    return [
        f"Thông báo theo thể thức {this} nhưng mục {', '.join(wrong)} có giá trị của thể "
        f"thức kia. Hãy sửa các mục đó, hoặc để trống để dùng mặc định của thể thức."
    ]


# -- helpers ------------------------------------------------------------------------------


def _grouped(bodies: list[str]) -> list[str]:
    """ "Sở Tài chính", "Sở Xây dựng" → "Các sở: Tài chính, Xây dựng" (others as they are; a
    name with a comma of its own, "Sở Văn hóa, Thể thao và Du lịch", stays on its line)."""

    def groupable(b: str) -> bool:
        return bool(SO_PREFIX.match(b)) and "," not in b

    sos = [b[3:] for b in bodies if groupable(b)]
    out: list[str] = []
    for b in bodies:
        if groupable(b) and len(sos) > 1:
            if not any(o.startswith("Các sở:") for o in out):
                out.append(f"Các sở: {', '.join(sos)}")
            continue
        out.append(b)
    return out


def _join(names: list[str]) -> str:
    sep = "; " if any("," in n for n in names) else ", "
    names = [re.sub(r"^Đồng chí\b", "đồng chí", n.strip()) for n in names]
    return sep.join(n for n in names if n)


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _same(a: str, b: str) -> bool:
    strip = re.compile(r"(?i)^đồng chí\s+")
    return strip.sub("", a).lower() == strip.sub("", b).lower()


def _cap(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1].upper() + text[1:]
