"""The minutes (biên bản) of the meeting, as NĐ 30/2020 Phụ lục III Mẫu 1.9 sets it out (and
its Party equivalent, HD 36): number line "Số: …/BB-…", "BIÊN BẢN" and the meeting, time
started, place, attendees, chair, secretary, the content (who spoke and what they raised, one
paragraph per contribution), the conclusion, the end time, signatures and Nơi nhận.

No audio times, confidence marks or model names: the timestamped transcript is its own
export (transcribe/, txt · srt · vtt · docx).
"""

import re
from datetime import datetime, timedelta

from drafting import docxkit as kit
from drafting import wording
from drafting.deadline_text import digits
from drafting.meeting import Meeting
from drafting.model import Conclusion
from drafting.render import RULE_FRACTION, _fields, _header, body_parts, vn_date
from transcribe.transcript import Segment, Transcript

MIN_WORDS = 4  # shorter turns are not contributions
ACK = re.compile(r"^(?:(?:vâng|dạ|ạ|rồi|ừ|được|xin|cảm ơn|đồng chí|ạ)[\s,.!]*)+$", re.IGNORECASE)


def render_minutes(
    transcript: Transcript, meeting: Meeting, conclusion: Conclusion | None = None, page: kit.PageStyle | None = None
):
    """The minutes (biên bản, NĐ 30 Mẫu 1.9) as a python-docx Document (call .save(path)):
    who spoke and what they raised, the conclusion, the end time, signatures. Audio times stay
    in the transcript's own exports. `page`: font and margins (PageStyle.from_settings at the
    edge; default: the settings' defaults)."""
    lay = kit.layout(meeting.format)
    doc = kit.new_document(page)
    fields = _fields(meeting, lay)
    fields["number_line"] = lay["number_format"].format(number=lay["number_blank"], suffix=lay["minutes_suffix"])
    fields["place_date"] = ""  # Mẫu 1.9: the time is in "Thời gian bắt đầu"
    _header(doc, lay, fields)
    indent = lay["body_indent_mm"]
    kit.para(doc, "BIÊN BẢN", 14, bold=True, align="center", before_pt=12)
    what = wording.meeting_phrase(meeting)
    kit.para(doc, what[:1].upper() + what[1:], 14, bold=True, align="center")
    kit.rule_para(
        doc,
        RULE_FRACTION * min(kit.text_length_mm(what, 14, True), kit.text_width_mm(doc)),
        kit.text_width_mm(doc),
        after_pt=6,
    )
    start = _start(meeting)
    name, title = wording.chair_parts(meeting)
    info = [
        (
            "Thời gian bắt đầu",
            (f"{start:%H} giờ {start:%M} phút, " if start else "… giờ … phút, ")
            + vn_date(meeting.date, meeting.date.year),
        ),
        ("Địa điểm", meeting.place or "…"),
        ("Thành phần tham dự", "; ".join(meeting.attendees) or "…"),
        ("Chủ trì", f"đồng chí {name}" + (f", {title}" if title else "") if name else "…"),
        ("Thư ký (người ghi biên bản)", _comrade(meeting.secretary) or "…"),
    ]
    for label, value in info:
        p = kit.para(doc, indent_mm=indent, after_pt=3)
        kit.add_run(p, f"{label}: ", bold=True)
        kit.add_run(p, value if value.endswith("…") else f"{value}.")
    p = kit.para(doc, indent_mm=indent, before_pt=6, after_pt=3)
    kit.add_run(p, "Nội dung (theo diễn biến cuộc họp):", bold=True)
    turns = contributions(transcript, meeting, conclusion)
    if not turns:
        kit.para(doc, "(Bản ghi không có lời phát biểu.)", italic=True, indent_mm=indent)
    for who, text in turns:
        p = kit.para(doc, indent_mm=indent, after_pt=3)
        kit.add_run(p, f"{who} phát biểu: ", bold=True)
        kit.add_run(p, text)
    if conclusion is not None and (conclusion.items or conclusion.tasks):
        p = kit.para(doc, indent_mm=indent, before_pt=6, after_pt=3)
        kit.add_run(p, f"Kết luận của {wording.concluded_by(meeting, lay)}:", bold=True)
        for _, text, _ in body_parts(conclusion, lay, meeting.date):
            kit.para(doc, wording.body_dates(text, lay), indent_mm=indent, after_pt=3)
    end = start + timedelta(seconds=transcript.audio.duration) if start else None
    ended = f"{end:%H} giờ {end:%M} phút" if end else "… giờ … phút"
    kit.para(
        doc, f"Cuộc họp kết thúc vào {ended} cùng ngày./.", indent_mm=indent, before_pt=6, after_pt=6
    ).paragraph_format.keep_with_next = True
    _signatures(doc, meeting)
    _recipients(doc, lay, meeting)
    pn = lay["page_number"]
    kit.page_numbers(doc, pn["size"], pn.get("align", "center"), pn.get("where", "header"))
    kit.mark_ours(doc, meeting.date.isoformat(), meeting.format)
    return doc


def contributions(
    transcript: Transcript, meeting: Meeting, conclusion: Conclusion | None = None
) -> list[tuple[str, str]]:
    """(who, what they said) for each speaker turn, in order; consecutive segments of one
    speaker are one contribution (dates in digits; "vâng", "dạ" left out). The chair's
    concluding turn is the Kết luận section when the conclusion is given, not said twice."""
    concluded: set[int] = set()
    if conclusion is not None:
        for evidence in [*(i.evidence for i in conclusion.items), *(t.evidence for t in conclusion.tasks)]:
            concluded |= set(evidence.segment_ids)
    turns: list[list[Segment]] = []
    for seg in transcript.segments:
        if ACK.match(seg.text.strip()):
            continue
        if turns and (seg.speaker is None or seg.speaker == turns[-1][0].speaker):
            turns[-1].append(seg)
        else:
            turns.append([seg])
    order: dict[str, int] = {}
    out: list[tuple[str, str]] = []
    for turn in turns:
        text = " ".join(s.text.strip() for s in turn if s.text.strip())
        if len(text.split()) < MIN_WORDS or sum(s.id in concluded for s in turn) * 2 > len(turn):
            continue
        label = turn[0].speaker
        text = digits(re.sub(r"\s+", " ", text), meeting.date)
        text = text[:1].upper() + text[1:]
        out.append((_who(transcript, meeting, label, order), text))
    return out


# -- helpers ------------------------------------------------------------------------------


def _who(transcript: Transcript, meeting: Meeting, label: str | None, order: dict[str, int]) -> str:
    """ "Đồng chí Nguyễn Văn An, Chủ tịch UBND tỉnh"; a speaker not yet named is a blank to
    fill in, numbered so the drafter can tell them apart."""
    info = transcript.speakers.get(label or "")
    chair, chair_title = wording.chair_parts(meeting)
    if label and label == meeting.chair_speaker and chair:
        return f"Đồng chí {chair}" + (f", {chair_title}" if chair_title else "")
    if info and info.name:
        title = info.title or (chair_title if info.name == chair else "")
        return f"Đồng chí {info.name}" + (f", {title}" if title else "")
    if not label:
        return "Đại biểu"
    order.setdefault(label, len(order) + 1)
    return f"Đồng chí ………… (đại biểu thứ {order[label]})"


def _start(meeting: Meeting) -> datetime | None:
    m = re.match(r"^\s*(\d{1,2})\s*(?:[:hg]|giờ)\s*(\d{1,2})?", meeting.start_time or "")
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    d = meeting.date
    return datetime(d.year, d.month, d.day, hour, minute)


def _comrade(text: str) -> str:
    text = wording.COMRADE.sub("", text.strip())
    return f"đồng chí {text}" if text else ""


def _signatures(doc, meeting: Meeting) -> None:
    width = kit.text_width_mm(doc)
    table = doc.add_table(rows=1, cols=2)
    kit.no_borders(table)
    kit.fixed_widths(table, [width / 2, width / 2])
    kit.keep_row(table.rows[0])  # titles, space to sign and names on one page
    secretary = wording.COMRADE.sub("", meeting.secretary).partition(",")[0].strip()
    chair = wording.chair_parts(meeting)[0]
    for cell, title, name in zip(table.rows[0].cells, ("THƯ KÝ", "CHỦ TRÌ"), (secretary, chair), strict=True):
        kit.cell_para(cell, True, text=title, size=14, bold=True)
        kit.para(cell, "(Ký, ghi rõ họ tên)", 13, italic=True, align="center")
        for _ in range(4):
            kit.para(cell, align="center")
        if name:
            kit.para(cell, name, 14, bold=True, align="center")


def _recipients(doc, lay: dict, meeting: Meeting) -> None:
    st = lay["recipients_heading_style"]
    kit.para(
        doc,
        lay["recipients_heading"],
        st.get("size"),
        bold=st.get("bold", False),
        italic=st.get("italic", False),
        underline=st.get("underline", False),
        align="left",
        before_pt=12,
    )
    archive = lay["archive"].format(body=wording.short_body(meeting))
    for line in ("Các đại biểu dự họp" + lay["recipients_end"], f"{archive}, hồ sơ."):
        kit.para(doc, f"- {line}", lay["recipients_size"], align="left")
