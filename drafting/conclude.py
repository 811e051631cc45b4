"""The concluding part of a meeting (the notice's opening paragraph is in wording.py).

The chair's conclusion starts after the first cue phrase ("Tôi xin kết luận như sau", a written
"… kết luận, chỉ đạo như sau:") and ends at a closing formula ("Tôi xin kết luận như vậy",
"Xin cảm ơn các đồng chí"); without a cue it is the chair's last long turn, and without
speakers the whole transcript.
"""

import re

from drafting.lexicon import (
    REFERRING_CUES,
    RULES,
    STRONG_CUES,
    TASK_CUES,
    WEAK_CUES,
)
from drafting.meeting import Meeting
from drafting.text import Sentence
from transcribe.transcript import Segment, Transcript

LEAD_IN = re.compile(
    r"(?:kết luận|chỉ đạo|thống nhất|giao nhiệm vụ|yêu cầu)(?: [^.:;]{0,30})?"
    r"(?: như sau)?\s*:(?=\s*$)|(?:kết luận|chỉ đạo|thống nhất)[^.:;]{0,30}"
    r"như sau\s*:"
)
# Closing formulas end the conclusion; they never start it ("Tôi xin kết luận như vậy, đề nghị
# các đồng chí triển khai thực hiện.").
CLOSING = re.compile(
    r"kết luận(?: lại)?(?: chỉ đạo)?,? (?:như vậy|như thế|như trên|đến đây)"
    r"|trên đây là (?:một số )?(?:ý kiến )?kết luận"
    r"|^(?:tôi )?(?:xin )?(?:kết luận|chốt lại) (?:vậy|thế)\b"
)
END_CUES = re.compile(
    r"thông báo (?:để|cho) .{0,120}biết|^nơi nhận|chúc các đồng chí|"
    r"^(?:(?:hết|vậy thôi|thế thôi|rồi)[,.]?\s+)?(?:tôi )?(?:xin )?cảm ơn"
    r"|bế mạc cuộc họp|kết luận(?: lại)?,? (?:như vậy|như thế|như trên|đến đây)"
    r"|trên đây là (?:một số )?(?:ý kiến )?kết luận"
    r"|^(?:đề nghị|yêu cầu) các (?:đồng chí|đơn vị|cơ quan)[^.]{0,40}"
    r"(?:triển khai|thực hiện)(?: thực hiện)?(?: nghiêm túc)?[.!]?$",
    re.IGNORECASE,
)


def concluding_part(transcript: Transcript, meeting: Meeting) -> list[Segment]:
    """The chair's conclusion: after the first cue, or the chair's last long turn."""
    segs = transcript.segments
    if not segs:
        return []
    chair = _chair_label(transcript, meeting)
    cue = _find_cue(segs, chair)
    if cue is not None:
        idx, pos = cue
        seg = segs[idx]
        rest = re.sub(
            r"^[^\w]*(?:như sau|sau đây|(?:một số|mấy|các) (?:nội dung|vấn đề|ý|việc)"
            r"(?: chính| cụ thể)?(?: như sau| sau đây| sau)?)?[\s:.,]*",
            "",
            seg.text[pos:],
            flags=re.IGNORECASE,
        )
        first = Segment(seg.id, seg.start, seg.end, rest, speaker=seg.speaker)
        # whoever says the cue is the chair from here on; a short "vâng" from someone
        # else does not end the conclusion
        speaker = chair or seg.speaker
        tail = [s for s in segs[idx + 1 :] if not speaker or not s.speaker or s.speaker == speaker]
        return [first, *tail] if rest.strip() else tail
    turns = _turns(segs)
    if any(s.speaker for s in segs) and turns:
        own = [t for t in turns if chair is None or t[0].speaker == chair]
        long = [t for t in own if _long(t)]
        if long:
            return long[-1]
    return list(segs)


def _find_cue(segs: list[Segment], chair: str | None) -> tuple[int, int] | None:
    """(segment index, character offset just after the cue) of the cue that opens the
    conclusion: the first strong one, else the last referring one, else the last weak one
    past the first third (earlier, "kết luận" is the agenda)."""
    hits: dict[str, list[tuple[int, int]]] = {"strong": [], "referring": [], "weak": []}
    tiers = (("strong", STRONG_CUES), ("referring", REFERRING_CUES), ("weak", WEAK_CUES))
    for idx, seg in enumerate(segs):
        if chair and seg.speaker and seg.speaker != chair:
            continue
        low = seg.text.lower()
        for tier, cues in tiers:
            for c in cues:
                for m in re.finditer(re.escape(c), low):
                    # "Kết luận số 202-KL/TW": a document cited, not the chair concluding
                    if re.match(r"\s*(?:số|\d)", low[m.end() :]):
                        continue
                    if tier == "weak" and _cited(low, m.start(), m.end()):
                        continue
                    if not _closing(low, m.start(), m.end()):
                        hits[tier].append((idx, m.end()))
        for m in LEAD_IN.finditer(low):
            if not _closing(low, m.start(), m.end()):
                hits["strong"].append((idx, m.end()))
    if hits["strong"]:
        return min(hits["strong"])
    if hits["referring"]:
        return max(hits["referring"])
    weak = [h for h in hits["weak"] if h[0] >= len(segs) * 0.3]
    return max(weak) if weak else None


def _cited(low: str, start: int, end: int) -> bool:
    """ "theo Kết luận về dự án …", "trên cơ sở kết luận của Ủy ban Thường vụ Quốc hội":
    someone else's conclusion named, not this one opening."""
    return bool(
        re.search(r"(?:theo|tại|căn cứ|cơ sở|thực hiện|triển khai|các|những)\s+$", low[max(0, start - 15) : start])
        or re.match(r"\s*(?:của|về|tại)\b", low[end:])
    )


def _closing(low: str, start: int, end: int) -> bool:
    window = low[max(0, start - 30) : end + 20]
    return bool(CLOSING.search(window) or CLOSING.search(low[start : end + 20]))


# -- helpers ----------------------------------------------------------------------------


def until_closing(sentences: list[Sentence]) -> list[Sentence]:
    """Drop the closing line and what follows it ("… thông báo để … biết", "Cảm ơn …").

    Only near the end: in a whole meeting "cảm ơn đồng chí" also follows every report.
    """
    tail = int(len(sentences) * 0.7) if len(sentences) > 10 else 0
    for k, s in enumerate(sentences):
        m = END_CUES.search(s.text) if k >= tail else None
        if m is None or (k < 2 and _assigns(sentences[k + 1 :])):
            continue  # a greeting before anything is said ("Nhân dịp đầu xuân, tôi chúc các đồng chí …")
        # unpunctuated speech: the closing formula may end a long sentence; keep what precedes
        keep, pos = [], 0
        for tok in s.tokens:
            if pos >= m.start():
                break
            keep.append(tok)
            pos += len(tok.text) + 1
        if len(keep) >= 4:
            return [*sentences[:k], Sentence(keep, item=s.item, item_start=s.item_start, bullet=s.bullet)]
        return sentences[:k]
    return sentences


def _assigns(sentences: list[Sentence]) -> bool:
    """A task cue in what follows, closing formulas apart."""
    said = " ".join(s.text.lower() for s in sentences if not END_CUES.search(s.text))
    return any(re.search(rf"\b{cue}\b", said) for cue in TASK_CUES)


def _chair_label(transcript: Transcript, meeting: Meeting) -> str | None:
    if meeting.chair_speaker:
        return meeting.chair_speaker
    if not meeting.chair:
        return None
    chair = meeting.chair.lower()
    for label, sp in transcript.speakers.items():
        if sp.name and sp.name.lower() in chair:
            return label
    return None


def _turns(segs: list[Segment]) -> list[list[Segment]]:
    turns: list[list[Segment]] = []
    for s in segs:
        if turns and turns[-1][-1].speaker == s.speaker:
            turns[-1].append(s)
        else:
            turns.append([s])
    return turns


def _long(turn: list[Segment]) -> bool:
    words = sum(len(s.text.split()) for s in turn)
    return turn[-1].end - turn[0].start >= RULES.long_turn_s or words >= RULES.long_turn_words
