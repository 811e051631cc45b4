"""The Transcript data model and its versioned JSON form.

Schema (DESIGN.md): ``{schema_version, meeting, audio: {duration, sha256}, model,
segments: [{id, start, end, speaker, text, words: [{start, end, word, probability}],
avg_logprob, no_speech_prob, flags}], speakers: {label: {name, title, unit, confidence}}}``.
All text is NFC-normalised on the way in.
"""

import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

# Segment flags
LOW_CONFIDENCE = "low_confidence"
REPETITION = "repetition"
HALLUCINATION = "hallucination"
GLOSSARY_CORRECTED = "glossary_corrected"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class Word:
    start: float
    end: float
    word: str
    probability: float = 1.0
    speaker: str | None = None


@dataclass
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    flags: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Speaker:
    name: str = ""
    title: str = ""
    unit: str = ""
    confidence: float = 0.0


@dataclass
class AudioInfo:
    duration: float
    sha256: str = ""
    path: str = ""
    format: str = ""
    codec: str = ""
    sample_rate: int = 0
    channels: int = 0


@dataclass
class Transcript:
    audio: AudioInfo
    segments: list[Segment] = field(default_factory=list)
    model: str = ""
    language: str = "vi"
    meeting: dict[str, Any] = field(default_factory=dict)
    speakers: dict[str, Speaker] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments).strip()

    @property
    def word_count(self) -> int:
        return sum(len(s.words) if s.words else len(s.text.split()) for s in self.segments)

    def speaker_name(self, label: str | None) -> str:
        """The display name of a speaker label, or the label itself."""
        if not label:
            return ""
        info = self.speakers.get(label)
        return info.name if info and info.name else label

    # -- JSON ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for seg in data["segments"]:
            for w in seg["words"]:
                if w["speaker"] is None:
                    del w["speaker"]
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Transcript":
        version = data.get("schema_version", 0)
        if version != SCHEMA_VERSION:
            raise ValueError(f"Transcript schema_version {version} is not supported (expected {SCHEMA_VERSION})")
        segments = [
            Segment(
                id=s["id"],
                start=float(s["start"]),
                end=float(s["end"]),
                text=nfc(s["text"]),
                words=[
                    Word(
                        start=float(w["start"]),
                        end=float(w["end"]),
                        word=nfc(w["word"]),
                        probability=float(w.get("probability", 1.0)),
                        speaker=w.get("speaker"),
                    )
                    for w in s.get("words", [])
                ],
                speaker=s.get("speaker"),
                avg_logprob=float(s.get("avg_logprob", 0.0)),
                no_speech_prob=float(s.get("no_speech_prob", 0.0)),
                flags=list(s.get("flags", [])),
            )
            for s in data.get("segments", [])
        ]
        speakers = {
            label: Speaker(**{k: v for k, v in info.items() if k in Speaker.__annotations__})
            for label, info in data.get("speakers", {}).items()
        }
        audio = data.get("audio", {})
        return cls(
            audio=AudioInfo(**{k: v for k, v in audio.items() if k in AudioInfo.__annotations__}),
            segments=segments,
            model=data.get("model", ""),
            language=data.get("language", "vi"),
            meeting=data.get("meeting", {}),
            speakers=speakers,
        )

    @classmethod
    def load(cls, path: str | Path) -> "Transcript":
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the Transcript file, for other systems to validate."""
    word = {
        "type": "object",
        "required": ["start", "end", "word"],
        "properties": {
            "start": {"type": "number"},
            "end": {"type": "number"},
            "word": {"type": "string"},
            "probability": {"type": "number"},
            "speaker": {"type": ["string", "null"]},
        },
    }
    segment = {
        "type": "object",
        "required": ["id", "start", "end", "text"],
        "properties": {
            "id": {"type": "integer"},
            "start": {"type": "number"},
            "end": {"type": "number"},
            "speaker": {"type": ["string", "null"]},
            "text": {"type": "string"},
            "words": {"type": "array", "items": word},
            "avg_logprob": {"type": "number"},
            "no_speech_prob": {"type": "number"},
            "flags": {"type": "array", "items": {"type": "string"}},
        },
    }
    speaker = {
        "type": "object",
        "properties": {k: {"type": "string"} for k in ("name", "title", "unit")} | {"confidence": {"type": "number"}},
    }
    return {
        "title": "ketluan Transcript",
        "type": "object",
        "required": ["schema_version", "audio", "segments"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "meeting": {"type": "object"},
            "audio": {
                "type": "object",
                "required": ["duration"],
                "properties": {"duration": {"type": "number"}, "sha256": {"type": "string"}},
            },
            "model": {"type": "string"},
            "language": {"type": "string"},
            "segments": {"type": "array", "items": segment},
            "speakers": {"type": "object", "additionalProperties": speaker},
        },
    }
