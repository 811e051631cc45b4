"""Edits a drafter makes to a transcript: segment text, speaker names, merging two speakers.

Each call returns a new Transcript; the caller stores it as a new version.
"""

import copy
from dataclasses import dataclass, field

from ketluan.errors import InputError
from transcribe.transcript import Speaker, Transcript, nfc

EDITED = "edited"


@dataclass
class Edits:
    texts: dict[int, str] = field(default_factory=dict)  # segment id → corrected text
    speakers: dict[str, Speaker] = field(default_factory=dict)  # label → who it is
    merges: list[tuple[str, str]] = field(default_factory=list)  # (source label, target label)


def apply_edits(transcript: Transcript, edits: Edits) -> Transcript:
    """A copy of `transcript` with the edits applied, or InputError naming what is wrong."""
    t = copy.deepcopy(transcript)
    by_id = {seg.id: seg for seg in t.segments}
    missing = sorted(set(edits.texts) - set(by_id))
    if missing:
        raise InputError(
            f"Không có đoạn số {', '.join(map(str, missing[:10]))} trong bản chép lời.",
            "Tải lại bản chép lời mới nhất rồi sửa lại.",
        )
    for seg_id, text in edits.texts.items():
        seg = by_id[seg_id]
        text = nfc(text).strip()
        if text != seg.text:
            seg.text = text
            if EDITED not in seg.flags:
                seg.flags.append(EDITED)  # word timings now describe the old text
    labels = _labels(t)
    for source, target in edits.merges:
        if source == target:
            raise InputError(f"Không gộp được người nói '{source}' với chính mình.", "")
        if source not in labels:
            raise InputError(
                f"Không có người nói '{source}' trong bản chép lời.",
                f"Các nhãn hiện có: {', '.join(sorted(labels)) or '(chưa có)'}.",
            )
        for seg in t.segments:
            if seg.speaker == source:
                seg.speaker = target
            for w in seg.words:
                if w.speaker == source:
                    w.speaker = target
        merged = t.speakers.pop(source, None)
        if target not in t.speakers and merged is not None:
            t.speakers[target] = merged
        labels = _labels(t)
    for label, info in edits.speakers.items():
        if label not in labels:
            raise InputError(
                f"Không có người nói '{label}' trong bản chép lời.",
                f"Các nhãn hiện có: {', '.join(sorted(labels)) or '(chưa có)'}.",
            )
        t.speakers[label] = Speaker(name=nfc(info.name), title=nfc(info.title), unit=nfc(info.unit), confidence=1.0)
    return t


def _labels(t: Transcript) -> set[str]:
    return {s.speaker for s in t.segments if s.speaker} | set(t.speakers)
