"""drafting.extract: a Transcript and the meeting → a Conclusion.

Rules by default; an on-prem LLM when one is configured and answers (drafting/llm.py),
falling back to the rules otherwise.
"""

import re
from typing import TYPE_CHECKING, Literal

from drafting.gazetteer import Gazetteer, default_gazetteer
from drafting.meeting import Meeting
from drafting.model import Conclusion
from drafting.rules import extract_rules
from drafting.wording import opening
from transcribe.transcript import AudioInfo, Segment, Transcript, nfc

if TYPE_CHECKING:
    from drafting.llm import LLMClient


def extract(transcript: Transcript, meeting: Meeting, gazetteer: Gazetteer | None = None,
            llm: "LLMClient | Literal[False] | None" = None) -> Conclusion:
    """Items and tasks of the chair's conclusion, with the opening paragraph.

    `llm` is an `drafting.llm.LLMClient`; by default (None) one is built from the settings
    when KETLUAN_LLM_URL is set; False: the rules alone, whatever the settings say.
    """
    gaz = gazetteer or default_gazetteer(meeting.glossary)
    notes: list[str] = []
    from drafting import llm as llm_mod

    client = llm if llm is not None else llm_mod.from_settings()
    if client:
        try:
            result = llm_mod.extract_llm(client, transcript, meeting, gaz)
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


def extract_text(text: str, meeting: Meeting, gazetteer: Gazetteer | None = None,
                 llm: "LLMClient | Literal[False] | None" = None) -> Conclusion:
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
