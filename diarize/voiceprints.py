"""Voiceprints: enrol known people, then name them in new meetings.

A voiceprint is a speaker embedding (a vector), never audio. It is made the same way
as a meeting's speaker centroids (the diarization pipeline run on the clip, the main
speaker's centroid), so the two are comparable; prints are compared only within one
embedding model. The store sits behind `VoiceprintRegistry`: the service database
(db/voiceprints.py, one registry per unit) is the implementation the worker, the API
and the CLI use.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from diarize.result import Diarization
from ketluan.errors import InputError
from ketluan.settings import get_settings
from transcribe.transcript import Speaker, Transcript, nfc

if TYPE_CHECKING:
    from diarize.pipeline import LoadedPipeline

UNKNOWN = "Người nói {n}"
MAX_ENROL_SECONDS = 120.0  # enough speech for a stable print; bounds the work
MAX_CLIP_SECONDS = 600.0  # a longer upload is not an enrolment clip (and is slow to decode)
# Similarity from which a match is taken as sure; below it (and above the match threshold)
# the name is a suggestion the drafter confirms. CAM++ on the bench: same voice 0.78-0.97
# (median 0.88), other voices at most 0.63 (bench/RESULTS.md), so at 0.85 and above no
# other voice came within 0.2; between 0.7 and 0.85 a person decides.
SURE_SIMILARITY = 0.85


@dataclass(frozen=True)
class Person:
    name: str
    title: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Voiceprint:
    id: int
    person: Person
    model: str  # the embedding model that made `vector`
    vector: np.ndarray
    source: str
    created_at: str
    speaker_id: int | None = None  # the registry's person (db.Speaker) this print belongs to
    created_by: str = ""  # who enrolled it (user name)


@dataclass(frozen=True)
class Match:
    label: str
    person: Person | None
    similarity: float


class VoiceprintRegistry(ABC):
    """Where voiceprints live. Implementation: db.voiceprints.DBVoiceprints (one per unit)."""

    @abstractmethod
    def add(self, person: Person, model: str, vector: np.ndarray, source: str = "") -> Voiceprint: ...

    @abstractmethod
    def list(self, model: str | None = None) -> list[Voiceprint]: ...

    @abstractmethod
    def remove(self, voiceprint_id: int) -> bool: ...

    def people(self, model: str) -> dict[Person, np.ndarray]:
        """Each person's mean unit vector for `model` (several enrolments average)."""
        sums: dict[Person, np.ndarray] = {}
        for vp in self.list(model):
            sums[vp.person] = sums.get(vp.person, 0) + _unit(vp.vector)
        return {p: _unit(v) for p, v in sums.items()}


def clean_person(person: Person) -> Person:
    """NFC, trimmed; InputError without a name."""
    person = Person(nfc(person.name).strip(), nfc(person.title).strip(), nfc(person.unit).strip())
    if not person.name:
        raise InputError("Chưa có tên người được ghi danh.", "Hãy nhập họ tên.")
    return person


def clean_vector(vector) -> np.ndarray:
    """The print as little-endian float32; InputError for an empty or broken vector."""
    vec = np.asarray(vector, dtype="<f4").ravel()
    if vec.size == 0 or not np.all(np.isfinite(vec)) or not np.any(vec):
        raise InputError("Vân tay giọng nói không hợp lệ (rỗng).", "Hãy ghi danh lại bằng đoạn có tiếng nói.")
    return vec


def sure_similarity(settings=None) -> float:
    """The similarity from which a voiceprint match needs no confirmation."""
    configured = (settings or get_settings()).voiceprint_sure_threshold
    return configured if configured > 0 else SURE_SIMILARITY


def enrol(
    registry: VoiceprintRegistry,
    person: Person,
    path_or_audio,
    spans: list[tuple[float, float]] | None = None,
    pipeline: "LoadedPipeline | None" = None,
    source: str = "",
) -> Voiceprint:
    """Enrol `person` from a clip of them speaking, or from `spans` (seconds) of a recording."""
    from diarize.pipeline import load_pipeline

    loaded = pipeline or load_pipeline()
    vector = speaker_embedding(path_or_audio, spans, loaded)
    if not source:
        source = str(path_or_audio) if not hasattr(path_or_audio, "shape") else "audio"
        if spans:
            source += f" [{spans[0][0]:.1f}-{spans[-1][1]:.1f} s]"
    return registry.add(person, loaded.embedding_model, vector, source)


def speaker_embedding(
    path_or_audio,
    spans: list[tuple[float, float]] | None,
    pipeline: "LoadedPipeline",
    progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """The main speaker's centroid in a clip (or in the given spans of a recording)."""
    from diarize.speakers import SAMPLE_RATE, load_audio, main_centroid

    audio = load_audio(path_or_audio)
    if spans:
        budget = int(MAX_ENROL_SECONDS * SAMPLE_RATE)
        pieces = []
        for start, end in sorted(spans):
            piece = audio[int(max(0.0, start) * SAMPLE_RATE) : int(max(0.0, end) * SAMPLE_RATE)]
            pieces.append(piece[:budget])
            budget -= len(pieces[-1])
            if budget <= 0:
                break
        audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    else:
        audio = audio[: int(MAX_ENROL_SECONDS * SAMPLE_RATE)]
    if len(audio) < SAMPLE_RATE // 2:
        raise InputError(
            "Đoạn ghi danh quá ngắn (dưới nửa giây).",
            "Hãy chọn đoạn người đó nói ít nhất 3-5 giây.",
        )
    centroid = main_centroid(audio, pipeline, progress)
    if centroid is None:
        raise InputError(
            "Không tìm thấy tiếng nói trong đoạn ghi danh.",
            "Hãy chọn đoạn người đó nói rõ, ít tạp âm, dài 3-5 giây trở lên.",
        )
    return centroid


def name_speakers(
    result: "Diarization",
    registry: VoiceprintRegistry | None,
    used: set[str] | None = None,
    threshold: float | None = None,
) -> dict[str, Speaker]:
    """Speaker info per label: enrolled people where the voice matches, else "Người nói N"."""
    matches = {m.label: m for m in match(result, registry, threshold)}
    speakers: dict[str, Speaker] = {}
    n = 0
    for label in result.speakers:
        m = matches.get(label)
        if m and m.person:
            p = m.person
            speakers[label] = Speaker(p.name, p.title, p.unit, round(m.similarity, 3))
        else:
            n += 1
            speakers[label] = Speaker(name=UNKNOWN.format(n=n), confidence=0.0)
    for label in sorted((used or set()) - set(speakers)):  # labels no turn kept (rare)
        n += 1
        speakers[label] = Speaker(name=UNKNOWN.format(n=n), confidence=0.0)
    return speakers


def match(result: "Diarization", registry: VoiceprintRegistry | None, threshold: float | None = None) -> list[Match]:
    """Pair clusters with enrolled people, one to one, best similarity first, above threshold."""
    if registry is None or not result.embeddings:
        return []
    people = registry.people(result.embedding_model)
    if not people:
        return []
    threshold = _threshold(result.embedding_model) if threshold is None else threshold
    labels = list(result.embeddings)
    persons = list(people)
    sims = np.array([[float(_unit(result.embeddings[lb]) @ people[p]) for p in persons] for lb in labels])
    found: list[Match] = []
    taken_l: set[int] = set()
    taken_p: set[int] = set()
    for flat in np.argsort(-sims, axis=None):
        i, j = np.unravel_index(flat, sims.shape)
        if sims[i, j] < threshold:
            break
        if i in taken_l or j in taken_p:
            continue
        taken_l.add(i)
        taken_p.add(j)
        found.append(Match(labels[i], persons[j], float(sims[i, j])))
    return found


def rename_speaker(
    transcript: Transcript,
    label: str,
    person: Person,
    path_or_audio=None,
    registry: VoiceprintRegistry | None = None,
    pipeline: "LoadedPipeline | None" = None,
) -> Voiceprint | None:
    """Give `label` a person's name in this meeting; with audio and a registry, also enrol
    them from their own segments so the next meeting names them automatically."""
    if label not in transcript.speakers and not any(s.speaker == label for s in transcript.segments):
        raise InputError(f"Không có người nói '{label}' trong bản chép lời.", "Hãy chọn đúng người nói.")
    transcript.speakers[label] = Speaker(nfc(person.name), nfc(person.title), nfc(person.unit), 1.0)
    if registry is None or path_or_audio is None:
        return None
    spans = [(s.start, s.end) for s in transcript.segments if s.speaker == label]
    return enrol(
        registry,
        person,
        path_or_audio,
        spans=spans,
        pipeline=pipeline,
        source=f"đổi tên trong cuộc họp ({label})",
    )


def _threshold(model: str) -> float:
    from diarize.pipeline import VOICEPRINT_THRESHOLD

    configured = get_settings().voiceprint_threshold
    return configured if configured > 0 else VOICEPRINT_THRESHOLD.get(model, 0.6)


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v
