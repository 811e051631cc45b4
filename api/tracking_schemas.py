"""Request and response bodies of the tracking API (api/routes/tracking.py)."""

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from api.schemas import In, Out


class TaskOut(BaseModel):
    """A task as external systems read it; `code` (mã nhiệm vụ) is stable across re-imports."""

    id: int
    code: str
    notice: str = Field(description="Số văn bản giao, ví dụ 02-TB/TU.")
    issued_on: dt.date
    content: str
    lead_unit_id: int | None
    lead: str
    supports: list[str]
    sector: str
    deadline_kind: str = Field(description="co_han | thuong_xuyen | cho_dieu_kien | trong_n_ngay | ''")
    deadline_phrase: str
    due_on: dt.date | None
    progress: int
    result: str
    result_state: str = Field(description="none | submitted | returned")
    done: bool
    completed_on: dt.date | None
    documents: str
    quote: str = Field(description="Lời chủ trì (nguồn của nhiệm vụ).")
    audio_start: float | None = Field(description="Thời điểm trong bản ghi âm, giây.")
    audio_end: float | None
    meeting: str = Field(description="Cuộc họp, như thông báo ghi.")
    updated_at: dt.datetime
    status: str
    status_name: str
    warning: str | None = Field(description="vang | do | do_dac_biet, hoặc null")
    warning_name: str | None


class TaskPage(BaseModel):
    on: dt.date = Field(description="Ngày tính trạng thái.")
    total: int
    items: list[TaskOut]


class EventOut(Out):
    at: dt.datetime
    username: str
    action: str
    note: str
    detail: dict[str, Any]


class EvidenceOut(Out):
    id: int
    original_name: str
    size: int
    sha256: str
    created_at: dt.datetime


class TaskDetail(TaskOut):
    history: list[EventOut]
    evidence: list[EvidenceOut]


class TaskPatch(In):
    content: str | None = Field(None, max_length=5000)
    lead: str | None = Field(None, max_length=255)
    supports: list[str] | None = None
    sector: str | None = Field(None, max_length=128)
    documents: str | None = Field(None, max_length=5000)
    deadline_kind: str | None = None
    deadline_phrase: str | None = Field(None, max_length=255)
    due_on: dt.date | None = None
    note: str = Field("", max_length=2000)


class ProgressIn(In):
    progress: int | None = Field(None, ge=0, le=100)
    note: str = Field("", max_length=5000)
    result: str | None = Field(None, max_length=20000)
    documents: str | None = Field(None, max_length=5000)
    report_done: bool = Field(False, description="Báo cáo hoàn thành, chờ chuyên viên theo dõi duyệt.")


class DecisionIn(In):
    note: str = Field("", max_length=2000)
    completed_on: dt.date | None = None


class ReceivedIn(In):
    received_on: dt.date


class ImportOut(BaseModel):
    id: int
    state: str
    source_kind: str
    source_name: str
    notices: list[dict[str, Any]] = Field(
        description="Mỗi văn bản: notice (số, ngày, nhiệm vụ) và diff (added, removed, changed).")


class AppliedOut(BaseModel):
    notices: list[int]
    added: int
    changed: int
    removed: int
    unchanged: int


class NoticeOut(Out):
    id: int
    number: str
    issued_on: dt.date
    received_on: dt.date | None
    title: str
    issuing_body: str
    meeting: str
    source_kind: str
    source_name: str


class UnitOverdue(BaseModel):
    unit_id: int | None
    unit: str
    overdue: int
    special: int


class WarningOut(BaseModel):
    task_id: int
    code: str
    content: str
    lead: str
    notice: str
    due_on: dt.date
    level: str
    level_name: str
    days_overdue: int


class DashboardOut(BaseModel):
    on: dt.date
    overdue_by_unit: list[UnitOverdue]
    warnings: dict[str, int]


class NotificationOut(Out):
    id: int
    task_id: int
    audience: str
    level: str
    message: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    emailed_to: str


class GroupOut(BaseModel):
    key: str
    label: str
    total: int
    counts: dict[str, int]
