"""Diarization results as small dataclasses."""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Turn:
    """One speaker speaking from `start` to `end` (seconds)."""

    start: float
    end: float
    speaker: str

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Diarization:
    """Who spoke when.

    `turns` may overlap (two people at once); `exclusive` has at most one speaker at a
    time and is what words are assigned from. Labels are "S1", "S2", … in order of
    first speech. `embeddings` holds one centroid per label (for voiceprint matching).
    """

    turns: list[Turn]
    exclusive: list[Turn]
    duration: float
    pipeline: str
    embedding_model: str
    embeddings: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in sorted(self.turns, key=lambda t: t.start):
            seen.setdefault(t.speaker, None)
        return list(seen)

    def speech_time(self, label: str) -> float:
        return sum(t.duration for t in self.exclusive if t.speaker == label)

    def to_rttm(self, uri: str = "audio") -> str:
        return "".join(
            f"SPEAKER {uri} 1 {t.start:.3f} {t.duration:.3f} <NA> <NA> {t.speaker} <NA> <NA>\n" for t in self.turns
        )

    def annotation(self, uri: str = "audio"):
        """As a pyannote.core Annotation (for pyannote.metrics)."""
        from pyannote.core import Annotation, Segment

        ann = Annotation(uri=uri)
        for i, t in enumerate(self.turns):
            ann[Segment(t.start, t.end), i] = t.speaker
        return ann
