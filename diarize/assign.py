"""Speaker assignment: speaker turns → words and segments of a Transcript.

Each word goes to the speaker whose turns overlap it most; a word in a gap between
turns (Whisper's word times and the diarization's turn edges rarely agree to the
millisecond) goes to the nearest turn within `tolerance` seconds. A one-word flicker
between two runs of the same speaker is smoothed away. A segment whose words change
speaker is split at the word where the change happens.
"""

import bisect
from dataclasses import replace

from diarize.result import Turn
from transcribe.transcript import Segment, Transcript, Word

TOLERANCE = 1.0  # seconds: how far a word in a pause may be from a turn


def assign_speakers(transcript: Transcript, turns: list[Turn], tolerance: float = TOLERANCE) -> Transcript:
    """Fill Word.speaker and Segment.speaker in place, splitting segments at speaker changes."""
    index = TurnIndex(turns)
    segments: list[Segment] = []
    for seg in transcript.segments:
        if not seg.words:
            seg.speaker = index.speaker(seg.start, seg.end, tolerance)
            segments.append(seg)
            continue
        for w in seg.words:
            w.speaker = index.speaker(w.start, w.end, tolerance)
        _fill_gaps(seg.words)
        _smooth(seg.words)
        segments.extend(split_by_speaker(seg))
    for i, seg in enumerate(segments):
        seg.id = i
    transcript.segments = segments
    return transcript


def split_by_speaker(seg: Segment) -> list[Segment]:
    """One segment per run of words with the same speaker (the segment itself if one run)."""
    runs: list[list[Word]] = []
    for w in seg.words:
        if runs and runs[-1][-1].speaker == w.speaker:
            runs[-1].append(w)
        else:
            runs.append([w])
    if len(runs) == 1:
        seg.speaker = runs[0][0].speaker
        return [seg]
    parts = []
    for k, words in enumerate(runs):
        parts.append(
            replace(
                seg,
                start=seg.start if k == 0 else words[0].start,
                end=seg.end if k == len(runs) - 1 else words[-1].end,
                text=" ".join(w.word.strip() for w in words),
                words=words,
                speaker=words[0].speaker,
                flags=list(seg.flags),
            )
        )
    return parts


class TurnIndex:
    """Non-overlapping turns, sorted, for fast largest-overlap queries."""

    def __init__(self, turns: list[Turn]) -> None:
        self.turns = sorted(turns, key=lambda t: t.start)
        self.starts = [t.start for t in self.turns]
        # Exclusive turns do not overlap, so their ends are sorted too; keep a running max
        # anyway so overlapping input stays correct.
        self.max_end: list[float] = []
        running = float("-inf")
        for t in self.turns:
            running = max(running, t.end)
            self.max_end.append(running)

    def speaker(self, start: float, end: float, tolerance: float = TOLERANCE) -> str | None:
        if not self.turns:
            return None
        end = max(end, start + 1e-3)  # zero-length words still sit somewhere
        lo = bisect.bisect_left(self.max_end, start - tolerance)
        hi = bisect.bisect_right(self.starts, end + tolerance)
        overlap: dict[str, float] = {}
        nearest, best_gap = None, tolerance
        for t in self.turns[lo:hi]:
            shared = min(end, t.end) - max(start, t.start)
            if shared > 0:
                overlap[t.speaker] = overlap.get(t.speaker, 0.0) + shared
            else:
                gap = -shared
                if gap <= best_gap:
                    nearest, best_gap = t.speaker, gap
        if overlap:
            return max(overlap, key=overlap.__getitem__)
        return nearest


def _fill_gaps(words: list[Word]) -> None:
    """Words with no turn nearby take the speaker of the previous word (else the next)."""
    last = None
    for w in words:
        if w.speaker is None:
            w.speaker = last
        last = w.speaker
    following = None
    for w in reversed(words):
        if w.speaker is None:
            w.speaker = following
        following = w.speaker


def _smooth(words: list[Word]) -> None:
    """A single word between two runs of the same other speaker joins them."""
    for i in range(1, len(words) - 1):
        before, here, after = words[i - 1].speaker, words[i].speaker, words[i + 1].speaker
        if before == after and here != before and before is not None:
            words[i].speaker = before
