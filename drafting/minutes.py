"""The minutes (biên bản): the whole transcript with speakers and times, in the same format."""

from docx.shared import Pt

from drafting import docxkit as kit
from drafting.meeting import Meeting
from drafting.render import _fields, vn_date
from transcribe.transcript import LOW_CONFIDENCE, Transcript


def render_minutes(transcript: Transcript, meeting: Meeting):
    """A python-docx Document; low-confidence passages are in italics with '(?)'."""
    lay = kit.layout(meeting.format)
    doc = kit.new_document()
    fields = _fields(meeting, lay)
    fields["number_line"] = ""
    from drafting.render import _header

    _header(doc, lay, fields)
    kit.para(doc, "BIÊN BẢN CUỘC HỌP", 14, bold=True, align="center", before_pt=12)
    kit.para(doc, meeting.title[:1].upper() + meeting.title[1:], 14, bold=True, align="center",
             after_pt=12)
    d = meeting.date
    info = [
        f"Thời gian: {vn_date(d, d.year)}.",
        f"Địa điểm: {meeting.place or '…'}.",
        f"Chủ trì: {meeting.chair or '…'}.",
    ]
    if meeting.attendees:
        info.append(f"Thành phần dự họp: {'; '.join(meeting.attendees)}.")
    info.append(f"Thời lượng bản ghi: {_clock(transcript.audio.duration)}"
                + (f"; mô hình nhận dạng: {transcript.model}." if transcript.model else "."))
    for line in info:
        kit.para(doc, line, after_pt=3)
    kit.para(doc, "NỘI DUNG", 14, bold=True, align="center", before_pt=9, after_pt=6)
    if not transcript.segments:
        kit.para(doc, "(Bản ghi không có lời nói.)", italic=True)
    speaker = object()
    p = None
    for seg in transcript.segments:
        # one paragraph per speaker turn; without speakers, one per segment with its time
        if seg.speaker != speaker or p is None or seg.speaker is None:
            speaker = seg.speaker
            p = kit.para(doc, after_pt=6)
            kit.add_run(p, f"[{_clock(seg.start)}] ", 12, italic=True)
            if seg.speaker:
                kit.add_run(p, f"{transcript.speaker_name(seg.speaker)}: ", bold=True)
        doubtful = LOW_CONFIDENCE in seg.flags
        kit.add_run(p, seg.text.strip() + (" (?)" if doubtful else "") + " ", italic=doubtful)
    sig = doc.add_table(rows=1, cols=2)
    kit.no_borders(sig)
    width = kit.text_width_mm()
    kit.fixed_widths(sig, [width / 2, width / 2])
    for cell, title in zip(sig.rows[0].cells, ("THƯ KÝ", "CHỦ TRÌ"), strict=True):
        kit.cell_para(cell, True, text=title, size=14, bold=True).paragraph_format.space_before = \
            Pt(12)
    kit.page_numbers(doc, 13)
    kit.mark_ours(doc, meeting.date.isoformat(), meeting.format)
    return doc


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
