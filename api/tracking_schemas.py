"""Request and response bodies of the tracking API (api/routes/tracking.py)."""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.schemas import In, JobError, Name, Out


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
    support_unit_ids: list[int] = Field(
        default_factory=list, description="Đơn vị phối hợp đã xác định (xem được, không cập nhật)."
    )


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
    # required fields stay required: given, they may not be blank
    content: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = Field(
        None, max_length=5000, description="Nội dung nhiệm vụ (không để trống)."
    )
    lead: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = Field(
        None, max_length=255, description="Đơn vị chủ trì (không để trống)."
    )
    supports: list[Name] | None = Field(None, max_length=50)
    sector: str | None = Field(None, max_length=128)
    documents: str | None = Field(None, max_length=5000)
    deadline_kind: str | None = Field(None, max_length=32)
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


class BulkAcceptIn(In):
    task_ids: list[int] = Field(min_length=1, max_length=500, description="Các nhiệm vụ cần công nhận.")
    note: str = Field("", max_length=2000)


class BulkDeadlineIn(In):
    task_ids: list[int] = Field(min_length=1, max_length=500, description="Các nhiệm vụ cần đổi hạn.")
    due_on: dt.date = Field(description="Hạn xử lý mới (thời hạn trở thành 'Có hạn cụ thể').")
    note: str = Field("", max_length=2000, description="Lý do đổi hạn (ghi vào lịch sử).")


class BulkRefusal(BaseModel):
    task_id: int
    code: str
    message: str
    hint: str


class BulkOut(BaseModel):
    done: list[str] = Field(description="Mã các nhiệm vụ đã xử lý.")
    refused: list[BulkRefusal] = Field(description="Nhiệm vụ không xử lý được, với lý do.")


class ImportOut(BaseModel):
    id: int
    state: str
    source_kind: str
    source_name: str
    notices: list[dict[str, Any]] = Field(
        description="Mỗi văn bản: notice (số, ngày, nhiệm vụ) và diff: added (vị trí nhiệm vụ "
        "trong notice.tasks), removed và changed (id nhiệm vụ đã lưu, code, thay đổi)."
    )
    rejected: list["DiffItem"] = Field(default_factory=list, description="Sau khi xác nhận: các mục không nhận.")


class DiffItem(In):
    """Một mục của phần khác biệt trong bản xem trước."""

    notice: int = Field(0, ge=0, description="Vị trí văn bản trong `notices` (0 là văn bản đầu).")
    kind: Literal["added", "removed", "changed"]
    ref: int = Field(description="added: vị trí nhiệm vụ trong notice.tasks; removed, changed: id nhiệm vụ đã lưu.")


class ConfirmIn(In):
    reject: list[DiffItem] = Field(
        default_factory=list,
        max_length=20000,
        description="Các mục không nhận (mặc định nhận tất cả). Nhiệm vụ bị từ chối sửa hoặc rút "
        "giữ nguyên và ghi vào lịch sử; nhiệm vụ mới bị từ chối không được tạo.",
    )
    note: str = Field("", max_length=2000, description="Lý do không nhận (ghi vào lịch sử).")


class AppliedOut(BaseModel):
    notices: list[int]
    added: int
    changed: int
    removed: int
    unchanged: int
    rejected: int = 0


class TrackingJobOut(BaseModel):
    """Một việc nhập hoặc xuất chạy ở hàng cpu. Theo dõi bằng GET (hoặc /events) đến khi
    `state` là done (kết quả: `import_id` hoặc `download_url`) hoặc failed (`error`)."""

    id: int
    kind: str = Field(description="import | export")
    state: str = Field(description="queued | running | done | failed")
    state_name: str
    progress: float = Field(description="0–1")
    error: JobError | None
    import_id: int | None = Field(None, description="Nhập xong: bản xem trước ở /imports/{import_id}.")
    download_url: str | None = Field(None, description="Xuất xong: tải tệp ở địa chỉ này.")
    file_name: str | None = None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class ExportIn(In):
    format: Literal["xlsx", "docx"] = Field(description="xlsx: bảng Excel; docx: báo cáo Word.")
    by: Literal["unit", "status", "notice", "period"] = "unit"
    on: dt.date | None = Field(None, description="Ngày tính trạng thái; mặc định hôm nay.")
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    status: str | None = Field(None, max_length=32, description="Chỉ nhiệm vụ ở trạng thái này.")
    unit_id: int | None = Field(None, description="Chỉ nhiệm vụ của đơn vị chủ trì này.")
    notice_id: int | None = Field(None, description="Chỉ nhiệm vụ của văn bản này.")


class UnitNameOut(BaseModel):
    """Một tên đơn vị như văn bản viết, và đơn vị nó chỉ."""

    name: str
    lead_tasks: int
    support_tasks: int
    unit_ids: list[int] = Field(description="Đơn vị tên này đang chỉ (trống: chưa xác định).")
    units: list[str]
    mapped_unit_id: int | None = Field(description="Đơn vị chuyên viên theo dõi đã gán, nếu có.")


class UnitNameIn(In):
    name: str = Field(min_length=1, max_length=255, description="Tên như văn bản viết.")
    unit_id: int = Field(description="Đơn vị tên này chỉ (GET /api/tracking/units).")


class UnitNameApplied(UnitNameOut):
    changed_tasks: int = Field(description="Số nhiệm vụ vừa được gán lại đơn vị.")


class UnitBrief(Out):
    id: int
    code: str
    name: str


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
