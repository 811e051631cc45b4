"""drafting.extract: a Transcript and the meeting → a Conclusion.

Rules by default; an on-prem LLM when the caller passes a client and it answers
(drafting/llm.py), falling back to the rules otherwise. Drafting reads no settings: the
services layer builds the client from Settings (`llm.from_settings`) and passes it in.
"""

import re

from drafting import llm as llm_mod
from drafting.gazetteer import Gazetteer, default_gazetteer
from drafting.meeting import Meeting
from drafting.model import Conclusion
from drafting.rules import extract_rules
from drafting.wording import opening
from transcribe.transcript import AudioInfo, Segment, Transcript, nfc


def extract(
    transcript: Transcript, meeting: Meeting, gazetteer: Gazetteer | None = None, llm: llm_mod.LLMClient | None = None
) -> Conclusion:
    """Items and tasks of the chair's conclusion, with the opening paragraph.

    `llm`: an on-prem model to ask first (the rules when it fails); None: the rules alone.
    """
    gaz = gazetteer or default_gazetteer(meeting.glossary)
    notes: list[str] = []
    if llm is not None:
        try:
            result = llm_mod.extract_llm(llm, transcript, meeting, gaz)
            result.opening = opening(meeting, _reporters(transcript))
            return result
        except llm_mod.LLMUnavailable as exc:
            notes.append(f"Không dùng được mô hình ngôn ngữ ({exc}); đã dùng bộ quy tắc.")
    items, tasks = extract_rules(transcript, meeting, gaz)
    return Conclusion(
        meeting=meeting.to_dict(),
        opening=opening(meeting, _reporters(transcript)),
        items=items,
        tasks=tasks,
        backend="rules",
        notes=notes,
    )


def extract_text(
    text: str, meeting: Meeting, gazetteer: Gazetteer | None = None, llm: llm_mod.LLMClient | None = None
) -> Conclusion:
    """The same, from written text (a notice, or remarks typed up): one segment per line."""
    return extract(text_transcript(text), meeting, gazetteer, llm)


def text_transcript(text: str) -> Transcript:
    lines = [ln.strip() for ln in nfc(text).splitlines() if ln.strip()]
    segs = [Segment(id=k, start=0.0, end=0.0, text=line + "\n") for k, line in enumerate(lines)]
    return Transcript(audio=AudioInfo(duration=0.0), segments=segs, model="text")


def _reporters(transcript: Transcript) -> list[str]:
    """Units of the speakers who reported, when diarization named them."""
    units = []
    for sp in transcript.speakers.values():
        if sp.unit and sp.unit not in units and not re.search(r"chủ trì", sp.title or ""):
            units.append(sp.unit)
    return units[:4]
