"""The transcript as a Word document (for reading and printing, not the notice itself)."""

import io

from docx import Document
from docx.shared import Pt

from transcribe.export import _clock
from transcribe.transcript import Transcript


def to_docx(t: Transcript) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    meeting = t.meeting or {}
    doc.add_heading(meeting.get("title") or "Bản chép lời cuộc họp", level=1)
    facts = [
        ("Cơ quan", meeting.get("issuing_body")),
        ("Ngày", meeting.get("date")),
        ("Địa điểm", meeting.get("place")),
        ("Chủ trì", meeting.get("chair")),
        ("Thời lượng", _clock(t.audio.duration)),
        ("Mô hình", t.model),
    ]
    for label, value in facts:
        if value:
            p = doc.add_paragraph()
            p.add_run(f"{label}: ").bold = True
            p.add_run(str(value))
    for seg in t.segments:
        p = doc.add_paragraph()
        p.add_run(f"[{_clock(seg.start)}] ").italic = True
        who = t.speaker_name(seg.speaker)
        if who:
            p.add_run(f"{who}: ").bold = True
        p.add_run(seg.text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
