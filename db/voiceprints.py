"""The voiceprint registry in the service database, one per unit (an office's own people).

`DBVoiceprints` is diarize's `VoiceprintRegistry` on db.Speaker (the person: name, title,
organisation) and db.Voiceprint (a float32 vector, its embedding model, where it came from,
who enrolled it). The worker names a meeting's speakers from the registry of the meeting's
unit; the API, the admin page and `ketluan voices` enrol, list and remove through it. The
same code runs on the embedded SQLite file and on the PostgreSQL that several GPU nodes share.

Also here: the diarization centroids kept with a transcript version (packed by the worker,
carried through edits), so that a speaker of a past meeting is enrolled at once, from its
centroid, without running the models again.
"""

import base64
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import db
from db.models import Meeting, Speaker, TranscriptVersion, Unit, User
from db.models import Voiceprint as VoiceprintRow
from diarize.result import Diarization
from diarize.voiceprints import (
    UNKNOWN,
    Person,
    Voiceprint,
    VoiceprintRegistry,
    clean_person,
    clean_vector,
)
from ketluan.errors import InputError, NotFoundError
from ketluan.settings import get_settings
from transcribe.transcript import Transcript

DEFAULT_UNIT = ("MAC-DINH", "Đơn vị mặc định")  # the CLI's registry when no unit exists yet
_PLACEHOLDER = re.compile(UNKNOWN.replace("{n}", r"\d+") + r"$")


class DBVoiceprints(VoiceprintRegistry):
    """The registry of unit `unit_id` (None: every unit, for reading only).

    `bind` is an Engine (each call is its own transaction) or a Session (calls join the
    caller's transaction and only flush, so an API route commits them with its audit row).
    """

    def __init__(self, bind: Engine | Session, unit_id: int | None, created_by: int | None = None) -> None:
        self.bind = bind
        self.unit_id = unit_id
        self.created_by = created_by

    def add(self, person: Person, model: str, vector: np.ndarray, source: str = "") -> Voiceprint:
        """A print for `person`: the unit's speaker of that name, or a new one."""
        person = clean_person(person)
        vec = clean_vector(vector)
        with self._session() as s:
            speaker = speaker_for(s, self._writable_unit(), person)
            return self._add(s, speaker, model, vec, source, None)

    def add_to(
        self,
        speaker_id: int,
        model: str,
        vector: np.ndarray,
        source: str = "",
        audio_id: int | None = None,
    ) -> Voiceprint:
        """A print for a given person of the registry (db.Speaker id)."""
        vec = clean_vector(vector)
        with self._session() as s:
            speaker = s.get(Speaker, speaker_id)
            if speaker is None or (self.unit_id is not None and speaker.unit_id != self.unit_id):
                raise NotFoundError(
                    f"Không có người #{speaker_id} trong danh bạ giọng nói của đơn vị.",
                    "Chọn người trong danh bạ, hoặc thêm người mới.",
                )
            return self._add(s, speaker, model, vec, source, audio_id)

    def list(self, model: str | None = None, speaker_id: int | None = None) -> list[Voiceprint]:
        q = (
            select(VoiceprintRow, Speaker, User.username)
            .join(Speaker, VoiceprintRow.speaker_id == Speaker.id)
            .outerjoin(User, VoiceprintRow.created_by == User.id)
        )
        if self.unit_id is not None:
            q = q.where(Speaker.unit_id == self.unit_id)
        if model is not None:
            q = q.where(VoiceprintRow.model == model)
        if speaker_id is not None:
            q = q.where(VoiceprintRow.speaker_id == speaker_id)
        with self._session() as s:
            return [_print(row, sp, who) for row, sp, who in s.execute(q.order_by(VoiceprintRow.id))]

    def remove(self, voiceprint_id: int) -> bool:
        with self._session() as s:
            row = s.get(VoiceprintRow, voiceprint_id)
            if row is None or (self.unit_id is not None and row.speaker.unit_id != self.unit_id):
                return False
            s.delete(row)
            return True

    def _add(self, s: Session, speaker: Speaker, model: str, vec: np.ndarray, source: str, audio_id) -> Voiceprint:
        source = source[:500]
        same = s.scalars(
            select(VoiceprintRow).where(
                VoiceprintRow.speaker_id == speaker.id,
                VoiceprintRow.model == model,
                VoiceprintRow.source == source,
                VoiceprintRow.vector == vec.tobytes(),
            )
        ).first()
        if same is not None:  # the same print saved twice (a double click, a re-sent request)
            return _print(same, speaker, self._username(s, same.created_by))
        row = VoiceprintRow(
            speaker_id=speaker.id,
            model=model,
            dim=int(vec.size),
            vector=vec.tobytes(),
            audio_id=audio_id,
            source=source,
            created_by=self.created_by,
        )
        s.add(row)
        s.flush()
        return _print(row, speaker, self._username(s, self.created_by))

    def _writable_unit(self) -> int:
        if self.unit_id is None:
            raise InputError("Chưa chọn đơn vị sở hữu danh bạ giọng nói.", "Chọn đơn vị (mã đơn vị) rồi làm lại.")
        return self.unit_id

    @staticmethod
    def _username(s: Session, user_id: int | None) -> str:
        if user_id is None:
            return ""
        return s.scalar(select(User.username).where(User.id == user_id)) or ""

    @contextmanager
    def _session(self) -> Iterator[Session]:
        if isinstance(self.bind, Session):
            yield self.bind
            self.bind.flush()
        else:
            with Session(self.bind, expire_on_commit=False) as s, s.begin():
                yield s


def speaker_for(s: Session, unit_id: int, person: Person) -> Speaker:
    """The unit's speaker with this name (and title, when several share it), or a new one.
    A title or organisation the registry lacks is filled in from `person`."""
    person = clean_person(person)
    if _PLACEHOLDER.match(person.name):
        raise InputError(
            f"'{person.name}' là tên tạm máy đặt, không ghi danh giọng nói được.",
            "Hãy nhập họ tên thật của người nói trước.",
        )
    same_name = list(
        s.scalars(select(Speaker).where(Speaker.unit_id == unit_id, Speaker.name == person.name).order_by(Speaker.id))
    )
    exact = [sp for sp in same_name if sp.title == person.title]
    open_ = [sp for sp in same_name if not sp.title or not person.title]
    speaker = next(iter(exact or open_), None)
    if speaker is None:
        speaker = Speaker(unit_id=unit_id, name=person.name, title=person.title, organisation=person.unit)
        s.add(speaker)
        s.flush()
    else:
        speaker.title = speaker.title or person.title
        speaker.organisation = speaker.organisation or person.unit
    return speaker


def default_registry(office: str | None = None, write: bool = False) -> DBVoiceprints:
    """The CLI's registry on the configured database: unit `office` (a unit code); without
    one, the only unit there is. Reading with several units and none named reads them all;
    writing needs one (in a database with no unit yet, a default unit is made)."""
    engine = db.connect(get_settings().db_url)
    with db.session(engine) as s:
        units = list(s.scalars(select(Unit).order_by(Unit.code)))
        if office:
            unit = next((u for u in units if u.code == office), None)
            if unit is None:
                raise InputError(
                    f"Không có đơn vị mã '{office}'.",
                    f"Các mã đơn vị hiện có: {', '.join(u.code for u in units) or '(chưa có)'}.",
                )
        elif len(units) == 1:
            unit = units[0]
        elif not units and write:
            unit = Unit(code=DEFAULT_UNIT[0], name=DEFAULT_UNIT[1])
            s.add(unit)
            s.flush()
        elif write:
            raise InputError(
                "Có nhiều đơn vị: chưa rõ ghi danh vào danh bạ giọng nói của đơn vị nào.",
                f"Thêm --office MÃ (một trong: {', '.join(u.code for u in units)}).",
            )
        else:
            unit = None
        unit_id = unit.id if unit else None
    return DBVoiceprints(engine, unit_id)


# -- centroids kept with a transcript version -------------------------------------------------


def pack_centroids(result: "Diarization") -> dict[str, Any] | None:
    """The speakers' centroids of a diarization, for TranscriptVersion.speaker_embeddings."""
    if not result.embeddings:
        return None
    return {
        "model": result.embedding_model,
        "labels": {
            label: {"vector": _b64(vec), "seconds": round(result.speech_time(label), 2)}
            for label, vec in result.embeddings.items()
        },
    }


def carry_centroids(data: dict[str, Any] | None, merges: list[tuple[str, str]]) -> dict[str, Any] | None:
    """The centroids after merging speakers (source into target): the target's becomes the
    mean of both unit vectors, weighted by speech time, as its cluster now holds both."""
    if not data or not merges:
        return data
    labels = {k: dict(v) for k, v in data.get("labels", {}).items()}
    for source, target in merges:
        gone = labels.pop(source, None)
        if gone is None:
            continue
        kept = labels.get(target)
        if kept is None:
            labels[target] = gone
            continue
        a, b = float(kept.get("seconds") or 1.0), float(gone.get("seconds") or 1.0)
        mean = a * _unit(_vector(kept)) + b * _unit(_vector(gone))
        labels[target] = {"vector": _b64(_unit(mean)), "seconds": round(a + b, 2)}
    return {**data, "labels": labels}


def centroid(tv: TranscriptVersion, label: str) -> tuple[str, np.ndarray]:
    """(embedding model, centroid) of `label` in this version, or a Vietnamese InputError."""
    data = tv.speaker_embeddings or {}
    entry = data.get("labels", {}).get(label)
    if entry is None:
        if not data:
            raise InputError(
                f"Phiên bản {tv.version} của bản chép lời không kèm vân tay giọng của người nói "
                "(được xử lý trước khi có tính năng này, hoặc chưa phân biệt người nói).",
                "Chạy lại xử lý cuộc họp, hoặc ghi danh người này từ một đoạn ghi âm ở trang Quản trị.",
            )
        raise InputError(
            f"Không có vân tay giọng của người nói '{label}' trong bản chép lời.",
            f"Chọn một trong: {', '.join(sorted(data.get('labels', {}))) or '(chưa có)'}.",
        )
    return data["model"], _vector(entry)


def enrol_from_transcript(
    s: Session,
    meeting: Meeting,
    tv: TranscriptVersion,
    label: str,
    person: Person | None = None,
    speaker_id: int | None = None,
    user_id: int | None = None,
) -> Voiceprint:
    """Save `label`'s voice from this transcript version into the meeting unit's registry,
    for `speaker_id` or for `person` (default: the name the transcript gives the label)."""
    model, vector = centroid(tv, label)
    transcript = Transcript.from_dict(tv.data)
    mine = [seg for seg in transcript.segments if seg.speaker == label]
    span = f", {_clock(mine[0].start)}–{_clock(mine[-1].end)}" if mine else ""
    source = f"cuộc họp #{meeting.id}, {label}{span}"
    registry = DBVoiceprints(s, meeting.unit_id, created_by=user_id)
    if speaker_id is not None:
        return registry.add_to(speaker_id, model, vector, source, audio_id=meeting.audio_id)
    if person is None or not person.name:
        person = _named(transcript, label)
    return registry.add(person, model, vector, source)


# -- helpers ------------------------------------------------------------------------------


def _named(transcript: "Transcript", label: str) -> Person:
    info = transcript.speakers.get(label)
    if info is None or not info.name:
        raise InputError(f"Người nói '{label}' chưa có tên trong bản chép lời.", "Hãy nhập họ tên người nói.")
    return Person(info.name, info.title, info.unit)


def _print(row: VoiceprintRow, speaker: Speaker, username: str | None) -> Voiceprint:
    return Voiceprint(
        id=row.id,
        person=Person(speaker.name, speaker.title, speaker.organisation),
        model=row.model,
        vector=np.frombuffer(row.vector, dtype="<f4").copy(),
        source=row.source,
        created_at=row.created_at.isoformat(timespec="seconds") if row.created_at else "",
        speaker_id=speaker.id,
        created_by=username or "",
    )


def _b64(vec: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vec, dtype="<f4").tobytes()).decode("ascii")


def _vector(entry: dict[str, Any]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(entry["vector"]), dtype="<f4").copy()


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def _clock(seconds: float) -> str:
    s = int(max(0.0, seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"
