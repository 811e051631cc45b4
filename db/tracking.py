"""Tables of the directive-tracking module (tracking/): notices, tasks, history, evidence,
imports waiting for confirmation, notifications and unit contacts.

A task's status is never stored: tracking.status computes it from the dates and the
result, so it cannot go stale. `due_on` is the effective deadline (for "trong N ngày"
deadlines it is already counted from the receipt date), which keeps dashboard queries
plain SQL on indexed columns.
"""

import datetime as dt
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models import Base, JSONType, Unit, UTCDateTime, utcnow


class TrackedNotice(Base):
    """A signed notice (e.g. "02-TB/TU" of 20/8/2026) whose tasks a unit follows up."""

    __tablename__ = "tracking_notices"
    __table_args__ = (UniqueConstraint("unit_id", "number", "issued_on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # assigning office
    number: Mapped[str] = mapped_column(String(64))  # "02-TB/TU"
    issued_on: Mapped[dt.date] = mapped_column(Date)
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text, default="")  # trích yếu
    issuing_body: Mapped[str] = mapped_column(String(255), default="")
    meeting: Mapped[str] = mapped_column(Text, default="")  # the meeting, as the notice names it
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    source_kind: Mapped[str] = mapped_column(String(8), default="docx")  # docx | xlsx
    source_name: Mapped[str] = mapped_column(String(255), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")


class TrackedTask(Base):
    """One task with one lead unit (the practice: one lead, one output, one deadline)."""

    __tablename__ = "tracking_tasks"
    __table_args__ = (
        UniqueConstraint("notice_id", "seq"),
        Index("ix_tracking_tasks_open_due", "done", "due_on"),
        Index("ix_tracking_tasks_lead_due", "lead_unit_id", "due_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(96), unique=True)  # mã nhiệm vụ, never reused
    notice_id: Mapped[int] = mapped_column(ForeignKey("tracking_notices.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)  # nội dung
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    lead_name: Mapped[str] = mapped_column(String(255), default="")  # as written in the notice
    supports: Mapped[list[str]] = mapped_column(JSONType, default=list)  # đơn vị phối hợp
    sector: Mapped[str] = mapped_column(String(128), default="")  # lĩnh vực
    deadline_kind: Mapped[str] = mapped_column(String(16), default="")  # tracking.status.KINDS
    deadline_phrase: Mapped[str] = mapped_column(String(255), default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date)  # effective deadline
    progress: Mapped[int] = mapped_column(Integer, default=0)  # tiến độ, 0-100 %
    progress_note: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")  # kết quả
    result_state: Mapped[str] = mapped_column(String(16), default="none")  # none|submitted|returned
    reported_on: Mapped[dt.date | None] = mapped_column(Date)  # the unit reported it done
    done: Mapped[bool] = mapped_column(Boolean, default=False)  # the tracker accepted
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    documents: Mapped[str] = mapped_column(Text, default="")  # văn bản triển khai
    quote: Mapped[str] = mapped_column(Text, default="")  # the chair's words
    audio_start: Mapped[float | None] = mapped_column(Float)
    audio_end: Mapped[float | None] = mapped_column(Float)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)  # dropped on re-import
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    notice: Mapped[TrackedNotice] = relationship(lazy="joined")
    lead_unit: Mapped[Unit | None] = relationship(lazy="joined")


class TaskEvent(Base):
    """The task's history: every import, change, update, acceptance, return and reopening."""

    __tablename__ = "tracking_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tracking_tasks.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class TaskEvidence(Base):
    """An evidence file (minh chứng), stored by content hash in the file store."""

    __tablename__ = "tracking_evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tracking_tasks.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    storage_path: Mapped[str] = mapped_column(String(512))
    original_name: Mapped[str] = mapped_column(String(255), default="")
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingImport(Base):
    """A parsed file waiting for the tracker to confirm: the preview and its diff."""

    __tablename__ = "tracking_imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="preview")  # preview|applied|cancelled
    source_kind: Mapped[str] = mapped_column(String(8))
    source_name: Mapped[str] = mapped_column(String(255), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)  # notices with their tasks
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """An in-app warning for a unit (its staff, its head) or the assigning office."""

    __tablename__ = "tracking_notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)  # one per task, level, audience, due
    task_id: Mapped[int] = mapped_column(ForeignKey("tracking_tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # who reads it
    audience: Mapped[str] = mapped_column(String(16))  # unit | unit_head | assigner
    level: Mapped[str] = mapped_column(String(16))  # vang | do | do_dac_biet
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_to: Mapped[str] = mapped_column(Text, default="")
    email_error: Mapped[str] = mapped_column(Text, default="")


class UnitContact(Base):
    """Where a unit's warnings go by e-mail; `head` marks the unit head (thủ trưởng)."""

    __tablename__ = "tracking_contacts"
    __table_args__ = (UniqueConstraint("unit_id", "email"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    email: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    head: Mapped[bool] = mapped_column(Boolean, default=False)


class TaskSupport(Base):
    """A cooperating unit (đơn vị phối hợp) of a task, resolved from the names in `supports`:
    the unit sees the task (read-only); only the lead unit updates it."""

    __tablename__ = "tracking_task_supports"
    __table_args__ = (Index("ix_tracking_task_supports_unit_task", "unit_id", "task_id"),)
    task_id: Mapped[int] = mapped_column(ForeignKey("tracking_tasks.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")  # as written in the notice


class UnitName(Base):
    """A tracker's mapping of a unit name as notices write it ("Sở TC", "STC") to a unit,
    for the notices of one office; imports and edits resolve names through it first."""

    __tablename__ = "tracking_unit_names"
    __table_args__ = (UniqueConstraint("office_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    key: Mapped[str] = mapped_column(String(255))  # the name, NFC, lower case, single spaces
    name: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrackingJob(Base):
    """An import (parse a file into a preview) or an export (Excel / Word report) run by a
    worker on the cpu queue. The row is the truth: state, lease, result, error."""

    __tablename__ = "tracking_jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # import | export
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # the importing office
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    input_path: Mapped[str] = mapped_column(String(512), default="")  # jobs/<id>-in.docx
    input_name: Mapped[str] = mapped_column(String(255), default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    output_path: Mapped[str] = mapped_column(String(512), default="")  # jobs/<id>-out.xlsx
    error_code: Mapped[str] = mapped_column(String(32), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    error_hint: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DailyRun(Base):
    """One row per scheduled daily run (e.g. the warnings of one day): whoever inserts it runs,
    so several workers or beats never run it twice; an unfinished row whose lease ran out
    (the worker died) may be taken over."""

    __tablename__ = "tracking_daily_runs"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    owner: Mapped[str] = mapped_column(String(255), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
