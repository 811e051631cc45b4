"""The concluding part of a meeting (the notice's opening paragraph is in wording.py).

The chair's conclusion starts after the last cue phrase ("Tôi xin kết luận như sau", a written
"… kết luận:"); without a cue it is the chair's last long turn, and without speakers the whole
transcript.
"""

import re

from drafting.meeting import Meeting
from drafting.text import Sentence
from transcribe.transcript import Segment, Transcript

# Cue phrases that open the chair's conclusion, strongest first.
STRONG_CUES = ["kết luận như sau", "xin kết luận", "tôi kết luận", "phát biểu kết luận",
               "kết luận một số", "kết luận các nội dung", "kết luận cuộc họp",
               "chốt lại một số", "thống nhất kết luận", "kết luận và chỉ đạo như sau",
               "ý kiến kết luận", "kết luận chỉ đạo"]
WEAK_CUES = ["kết luận", "chốt lại", "tóm lại"]
LEAD_IN = re.compile(r"(?:kết luận|chỉ đạo|thống nhất|giao nhiệm vụ|yêu cầu)(?: [^.:;]{0,30})?"
                     r"(?: như sau)?\s*:(?=\s*$)|(?:kết luận|chỉ đạo|thống nhất)[^.:;]{0,30}"
                     r"như sau\s*:")
END_CUES = re.compile(r"thông báo (?:để|cho) .{0,120}biết|^nơi nhận|chúc các đồng chí|"
                      r"^(?:(?:hết|vậy thôi|thế thôi|rồi)[,.]?\s+)?(?:tôi )?(?:xin )?cảm ơn"
                      r"|bế mạc cuộc họp", re.IGNORECASE)
LONG_TURN_S = 20.0
LONG_TURN_WORDS = 40


def concluding_part(transcript: Transcript, meeting: Meeting) -> list[Segment]:
    """The chair's conclusion: after the last cue, or the chair's last long turn."""
    segs = transcript.segments
    if not segs:
        return []
    chair = _chair_label(transcript, meeting)
    for cues in (STRONG_CUES, WEAK_CUES):
        for idx in range(len(segs) - 1, -1, -1):
            seg = segs[idx]
            low = seg.text.lower()
            if chair and seg.speaker and seg.speaker != chair:
                continue
            hit = next((c for c in cues if c in low), None)
            if hit is None and cues is STRONG_CUES:
                # written notices: "… kết luận:", "Chủ tịch UBND tỉnh chỉ đạo như sau:"
                m = LEAD_IN.search(low)
                hit = m.group(0) if m else None
            if hit is None:
                continue
            if cues is WEAK_CUES and idx < len(segs) * 0.3:
                continue  # "kết luận" near the start is the agenda, not the conclusion
            pos = low.rfind(hit) + len(hit)
            rest = re.sub(r"^[^\w]*(?:như sau|sau đây|(?:một số|mấy|các) (?:nội dung|vấn đề|ý|việc)"
                          r"(?: chính| cụ thể)?(?: như sau| sau đây| sau)?)?[\s:.,]*",
                          "", seg.text[pos:], flags=re.IGNORECASE)
            first = Segment(seg.id, seg.start, seg.end, rest, speaker=seg.speaker)
            # whoever says the cue is the chair from here on; a short "vâng" from someone
            # else does not end the conclusion
            speaker = chair or seg.speaker
            tail = [s for s in segs[idx + 1 :]
                    if not speaker or not s.speaker or s.speaker == speaker]
            return [first, *tail] if rest.strip() else tail
    turns = _turns(segs)
    if any(s.speaker for s in segs) and turns:
        own = [t for t in turns if chair is None or t[0].speaker == chair]
        long = [t for t in own if _long(t)]
        if long:
            return long[-1]
    return list(segs)


# -- helpers ----------------------------------------------------------------------------


def until_closing(sentences: list[Sentence]) -> list[Sentence]:
    """Drop the closing line and what follows it ("… thông báo để … biết", "Cảm ơn …").

    Only near the end: in a whole meeting "cảm ơn đồng chí" also follows every report.
    """
    tail = int(len(sentences) * 0.7) if len(sentences) > 10 else 0
    for k, s in enumerate(sentences):
        if k >= tail and END_CUES.search(s.text):
            return sentences[:k]
    return sentences


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
    return turn[-1].end - turn[0].start >= LONG_TURN_S or words >= LONG_TURN_WORDS
