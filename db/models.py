"""Database models shared by api/, worker/ and tracking/.

Portable between SQLite (embedded default) and PostgreSQL (production): plain
types, JSON (JSONB on PostgreSQL), timestamps stored as UTC.
"""

import datetime as dt
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ketluan.roles import ROLE_NAMES

# Job states (DESIGN.md), one vocabulary for every kind of job (services/jobs.py): queued, then
# the kind's running state(s), then a final one. ACTIVE ones are held by a worker or waiting.
QUEUED = "queued"
RUNNING = "running"  # a tracking import or export
TRANSCRIBING = "transcribing"
DIARIZING = "diarizing"
DRAFTING = "drafting"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"
ACTIVE_STATES = (QUEUED, RUNNING, TRANSCRIBING, DIARIZING, DRAFTING)
FINAL_STATES = (DONE, FAILED, CANCELLED)
JOB_STATES = ACTIVE_STATES + FINAL_STATES

# What a job waits for next: the gpu stage (transcribe + diarize) or the cpu stage (draft).
STAGE_GPU = "gpu"
STAGE_CPU = "cpu"

# What a job does: process a meeting's recording, or make a voiceprint from an uploaded clip
# (gpu stage only: the embedding needs the diarization models).
KIND_MEETING = "meeting"
KIND_ENROL = "enrol"

# Roles: code → what users read (ketluan/roles.py; the migrations seed frozen copies).
ROLES: dict[str, str] = {r.value: name for r, name in ROLE_NAMES.items()}

JSONType = JSON().with_variant(JSONB(), "postgresql")

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in Python, naive UTC in the database (same on every backend)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    metadata = metadata


class Unit(Base):
    """An office or unit (Văn phòng Tỉnh ủy, Văn phòng UBND huyện...). Meetings belong to one."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The office glossary (transcribe/glossary.py format), applied to every meeting of the unit
    # together with the meeting's own glossary. Who changed it is in the audit trail.
    glossary: Mapped[str] = mapped_column(Text, default="", server_default="")
    glossary_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Role(Base):
    __tablename__ = "roles"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role_code: Mapped[str] = mapped_column(ForeignKey("roles.code"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    role: Mapped[Role] = relationship(lazy="joined")
    unit: Mapped[Unit | None] = relationship(lazy="joined")


class AuthToken(Base):
    """A session cookie or an API bearer token; only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # session | api
    label: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class LoginThrottle(Base):
    """Recent failed sign-ins for one key ("user:<name>" or "ip:<address>"). In the database so
    that every API process and node sees the same count (db/throttle.py)."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AudioFile(Base):
    """One unit's recording. The file is stored once under the data directory by its SHA-256,
    whichever units upload it; the row is the unit's own (name, time, uploader), so a unit
    uploading bytes another unit already has learns nothing of that other upload."""

    __tablename__ = "audio_files"
    __table_args__ = (UniqueConstraint("unit_id", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    duration: Mapped[float] = mapped_column(Float)
    format: Mapped[str] = mapped_column(String(64))
    codec: Mapped[str] = mapped_column(String(64), default="")
    sample_rate: Mapped[int] = mapped_column(Integer, default=0)
    channels: Mapped[int] = mapped_column(Integer, default=0)
    storage_path: Mapped[str] = mapped_column(String(512))  # relative to the storage dir
    original_name: Mapped[str] = mapped_column(String(255), default="")
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Meeting(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    issuing_body: Mapped[str] = mapped_column(String(255), default="")
    superior_body: Mapped[str] = mapped_column(String(255), default="")
    date: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(255), default="")
    chair: Mapped[str] = mapped_column(String(255), default="")
    attendees: Mapped[list[str]] = mapped_column(JSONType, default=list)
    notice_number: Mapped[str] = mapped_column(String(64), default="")
    format: Mapped[str] = mapped_column(String(16), default="state")  # party | state
    # Who concludes and signs, and who receives the notice; empty: the format's default
    # (drafting/data/layouts/*.toml).
    concluded_by: Mapped[str] = mapped_column(String(255), default="", server_default="")
    signer_authority: Mapped[str] = mapped_column(String(128), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(String(128), default="", server_default="")
    signer_name: Mapped[str] = mapped_column(String(128), default="", server_default="")
    recipients: Mapped[list[str]] = mapped_column(JSONType, default=list)
    glossary: Mapped[str] = mapped_column(Text, default="")
    audio_id: Mapped[int | None] = mapped_column(ForeignKey("audio_files.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    audio: Mapped[AudioFile | None] = relationship(lazy="joined")


class Job(Base):
    """One run of the pipeline over a meeting's audio (kind "meeting"), or one voiceprint
    enrolment from a clip (kind "enrol": no meeting, a speaker). The row, not the queue,
    is the truth."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=KIND_MEETING, server_default=KIND_MEETING)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    audio_id: Mapped[int | None] = mapped_column(ForeignKey("audio_files.id"))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), index=True)
    # kind "enrol": {"clip": path in the file store until the job ends, "clip_name": shown name,
    # "voiceprint_id": the result}
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    stage: Mapped[str] = mapped_column(String(8), default=STAGE_GPU)
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # 0–1 within the state
    error_code: Mapped[str] = mapped_column(String(32), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    error_hint: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    log: Mapped[list[str]] = mapped_column(JSONType, default=list)  # short notes: skipped stages
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TranscriptVersion(Base):
    """A transcribe.Transcript as JSON. Every edit makes a new version; none is overwritten."""

    __tablename__ = "transcript_versions"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # asr | edit
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="SET NULL"), unique=True
    )  # at most one ASR result per job: a retried job cannot add a second
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Diarization's centroid per speaker label, {"model", "labels": {label: {"vector": base64
    # float32, "seconds"}}} (db/voiceprints.py): a vector, not audio, kept so that a speaker
    # of a past meeting can be enrolled without running the models again. Edits carry it on.
    speaker_embeddings: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DraftVersion(Base):
    """A .docx notice: generated by drafting/ or uploaded after editing."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # generated | uploaded
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"), unique=True)
    transcript_version_id: Mapped[int | None] = mapped_column(ForeignKey("transcript_versions.id", ondelete="SET NULL"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    storage_path: Mapped[str] = mapped_column(String(512))
    original_name: Mapped[str] = mapped_column(String(255), default="")
    conclusion: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Speaker(Base):
    """A known person (a leader, a head of department) in a unit's speaker registry."""

    __tablename__ = "speakers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    organisation: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    voiceprints: Mapped[list["Voiceprint"]] = relationship(back_populates="speaker", cascade="all, delete-orphan")


class Voiceprint(Base):
    """A speaker embedding (float32 bytes) from a given embedding model; never audio."""

    __tablename__ = "voiceprints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), index=True)
    model: Mapped[str] = mapped_column(String(128))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    audio_id: Mapped[int | None] = mapped_column(ForeignKey("audio_files.id", ondelete="SET NULL"))
    # Where it came from: "đoạn ghi âm chu-tich.wav", "cuộc họp #12, S2, 00:03:10–00:41:05".
    source: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    speaker: Mapped[Speaker] = relationship(back_populates="voiceprints")


class AuditEvent(Base):
    """Who read or changed what, when, from where."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(32))  # read | download | create | update | delete | login
    object_type: Mapped[str] = mapped_column(String(32))  # audio | transcript | draft | meeting | ...
    object_id: Mapped[int | None] = mapped_column(Integer)
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
