"""Directive tracking: import notices (preview → confirm), follow tasks, warnings, reports.

Thin wrappers around tracking/. Units (role don_vi) see and update only the tasks they lead;
the office that imported a notice (its tracker, leaders and staff) sees all of its tasks.
The task list is also the JSON API for an office's existing tracking software.
"""

import asyncio
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

import db
from api.deps import (
    DB,
    OfficeReader,
    TaskUpdater,
    Tracker,
    TrackingReader,
    all_units,
    audit,
    visible_meeting,
)
from api.routes.audio import UPLOAD_DOC
from api.schemas import JobError
from api.tracking_schemas import (
    AppliedOut,
    BulkAcceptIn,
    BulkDeadlineIn,
    BulkOut,
    BulkRefusal,
    ConfirmIn,
    DashboardOut,
    DecisionIn,
    EventOut,
    EvidenceOut,
    ExportIn,
    GroupOut,
    ImportOut,
    NoticeOut,
    NotificationOut,
    ProgressIn,
    ReceivedIn,
    TaskDetail,
    TaskOut,
    TaskPage,
    TaskPatch,
    TrackingJobOut,
    UnitBrief,
    UnitNameApplied,
    UnitNameIn,
    UnitNameOut,
    UnitOverdue,
    WarningOut,
)
from api.upload import receive_file
from db import accounts
from db.cleanup import remove_now
from ketluan.errors import AccessDenied, ConflictError, InputError, KetluanError, NotFoundError
from services import jobs, tracking_jobs
from tracking import excel, imports, reports, tasks, warnings
from tracking import units as units_mod
from tracking.daily import local_today
from tracking.files import check_safe
from tracking.mail import mailer_from
from tracking.status import FIXED, LEVELS, rules_from

router = APIRouter(prefix="/api/tracking", tags=["Theo dõi nhiệm vụ"])
On = Annotated[dt.date | None, Query(description="Ngày tính trạng thái; mặc định hôm nay.")]
OfficeCode = Annotated[str | None, Query(max_length=64, description="Mã cơ quan theo dõi (chỉ quản trị).")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_IMPORT_BYTES = 50 * 1024 * 1024
EXPORT_WAIT_SECONDS = 60.0  # the GET export addresses wait this long for the worker, then 202
JOB_POLL_SECONDS = 0.3
SSE_KEEPALIVE_SECONDS = 15.0
SSE_MAX_SECONDS = 3600.0


# -- import -----------------------------------------------------------------------------


@router.post("/imports", response_model=TrackingJobOut, status_code=202, openapi_extra=UPLOAD_DOC)
async def upload_import(
    request: Request,
    user: Tracker,
    s: DB,
    number: Annotated[str | None, Query(max_length=64, description="Số thông báo nếu văn bản để trống.")] = None,
    issued_on: Annotated[dt.date | None, Query(description="Ngày ban hành nếu văn bản để trống.")] = None,
    received_on: Annotated[dt.date | None, Query(description="Ngày nhận văn bản.")] = None,
    unit: Annotated[str | None, Query(max_length=64, description="Mã cơ quan theo dõi (chỉ quản trị).")] = None,
    meeting_date: Annotated[
        dt.date | None,
        Query(
            description="Ngày họp, khi văn bản không ghi ngày: hạn không có năm và hạn 'trong N ngày' tính từ ngày này."
        ),
    ] = None,
) -> JSONResponse:
    """Tải lên thông báo kết luận (.docx) hoặc danh sách nhiệm vụ (.xlsx) để xem trước.

    Tệp được đọc ở hàng đợi cpu: trả về ngay (202) một việc nhập; theo dõi ở
    `GET /api/tracking/jobs/{id}` (hoặc `/events`) đến khi xong, rồi xem bản xem trước ở
    `GET /api/tracking/imports/{import_id}`: các nhiệm vụ đọc được và phần khác biệt (thêm, bỏ,
    sửa) so với lần nhập trước của cùng thông báo. Chưa lưu nhiệm vụ nào cho đến `/confirm`."""
    state = request.app.state
    unit_id = await run_in_threadpool(_office, s, user, unit)
    params = {"number": number, "issued_on": issued_on, "received_on": received_on, "meeting_date": meeting_date}
    with state.store.incoming() as tmp:
        got = await receive_file(request, tmp, min(MAX_IMPORT_BYTES, state.settings.max_upload_bytes))
        await run_in_threadpool(check_safe, got.path, got.filename)  # refuse a wrong or hostile file now
        job = await run_in_threadpool(_queue_upload, request, s, user, unit_id, got, params)
    return _accepted(job)


@router.post("/meetings/{meeting_id}/drafts/{version}/import", response_model=TrackingJobOut, status_code=202)
def import_draft(
    meeting_id: int,
    version: int,
    request: Request,
    user: Tracker,
    s: DB,
    number: Annotated[str | None, Query(max_length=64, description="Số thông báo nếu văn bản để trống.")] = None,
    issued_on: Annotated[dt.date | None, Query(description="Ngày ban hành nếu văn bản để trống.")] = None,
    received_on: Annotated[dt.date | None, Query(description="Ngày nhận văn bản.")] = None,
) -> JSONResponse:
    """Xem trước nhiệm vụ từ một phiên bản dự thảo đã lưu của cuộc họp (bản cuối đã ký);
    như `POST /imports`, trả về một việc nhập (202)."""
    meeting = visible_meeting(s, user, meeting_id)
    draft = s.scalar(
        select(db.DraftVersion).where(db.DraftVersion.meeting_id == meeting.id, db.DraftVersion.version == version)
    )
    if draft is None:
        raise NotFoundError(f"Cuộc họp #{meeting.id} chưa có dự thảo phiên bản {version}.", "Xem danh sách dự thảo.")
    name = (
        draft.original_name
        if draft.original_name.lower().endswith(".docx")
        else f"du-thao-{meeting.id}-v{version}.docx"
    )
    params = {
        "number": number,
        "issued_on": issued_on,
        "received_on": received_on,
        "meeting_id": meeting.id,
        "version": version,
    }
    job = tracking_jobs.create_import(s, request.app.state.store, user, meeting.unit_id, None, name, params)
    audit(s, request, user, "create", "tracking_job", job.id, meeting.id, draft=version)
    s.commit()
    jobs.dispatch(request.app.state.send, job)
    return _accepted(job)


@router.get("/imports/{import_id}", response_model=ImportOut)
def get_import(import_id: int, request: Request, user: Tracker, s: DB) -> ImportOut:
    """Xem lại bản xem trước của một lần nhập (được ghi vào nhật ký truy cập)."""
    pending = _pending(s, user, import_id)
    audit(s, request, user, "read", "tracking_import", pending.id)
    s.commit()
    return _import_out(pending)


@router.post("/imports/{import_id}/confirm", response_model=AppliedOut)
def confirm_import(import_id: int, request: Request, user: Tracker, s: DB, body: ConfirmIn | None = None) -> AppliedOut:
    """Xác nhận: lưu nhiệm vụ mới, cập nhật nhiệm vụ đã sửa, rút nhiệm vụ không còn trong văn bản.

    Không gửi gì: nhận tất cả. `reject`: các mục không nhận; nhiệm vụ bị từ chối sửa/rút giữ
    nguyên, việc từ chối (và `note`) vào lịch sử nhiệm vụ."""
    pending = _pending(s, user, import_id)
    body = body or ConfirmIn()
    reject = [imports.Item(i.notice, i.kind, i.ref) for i in body.reject]
    result = imports.confirm(s, pending.id, user, reject, body.note)
    audit(s, request, user, "update", "tracking_import", pending.id, added=result.added, rejected=result.rejected)
    s.commit()
    return AppliedOut(**result.__dict__)


@router.post("/imports/{import_id}/cancel", response_model=ImportOut)
def cancel_import(import_id: int, user: Tracker, s: DB) -> ImportOut:
    """Hủy một lần nhập chưa xác nhận."""
    pending = _pending(s, user, import_id)
    imports.cancel(s, pending.id)
    s.commit()
    return _import_out(pending)


@router.get("/template.xlsx", response_class=FileResponse)
def excel_template(user: TrackingReader) -> FileResponse:
    """Mẫu Excel danh sách nhiệm vụ (cột bắt buộc, ví dụ, hướng dẫn)."""
    path = _temp_path(".xlsx")
    excel.write_template(path)
    return _file(path, XLSX, "mau-nhap-nhiem-vu.xlsx")


# -- tasks ------------------------------------------------------------------------------


@router.get("/tasks", response_model=TaskPage)
def list_tasks(
    request: Request,
    user: TrackingReader,
    s: DB,
    on: On = None,
    status: Annotated[str | None, Query(max_length=32, description="Mã trạng thái, ví dụ qua_han.")] = None,
    unit_id: Annotated[int | None, Query(description="Đơn vị chủ trì.")] = None,
    notice_id: int | None = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
    updated_since: Annotated[
        dt.datetime | None,
        Query(description="Chỉ nhiệm vụ thay đổi sau thời điểm này (ISO 8601; updated_at lớn nhất lần trước)."),
    ] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> TaskPage:
    """Danh sách nhiệm vụ được xem, kèm trạng thái và cảnh báo (API cho phần mềm theo dõi khác);
    mỗi lần đọc được ghi vào nhật ký truy cập (nhiệm vụ mang lời chủ trì trích từ bản ghi)."""
    today = _today(request, on)
    total, rows = reports.task_page(
        s,
        today,
        _rules(request),
        user,
        unit_id,
        notice_id,
        status,
        issued_from,
        issued_to,
        offset,
        limit,
        _aware(updated_since),
    )
    audit(s, request, user, "read", "tracking_tasks", None, count=len(rows), offset=offset)
    s.commit()
    return TaskPage(on=today, total=total, items=[TaskOut(**r.to_dict()) for r in rows])


@router.get("/tasks/{task_id}", response_model=TaskDetail)
def get_task(task_id: int, request: Request, user: TrackingReader, s: DB, on: On = None) -> TaskDetail:
    """Một nhiệm vụ với lịch sử xử lý và minh chứng (được ghi vào nhật ký truy cập)."""
    task = tasks.visible_task(s, user, task_id)
    audit(s, request, user, "read", "tracking_task", task.id)
    s.commit()
    return _detail(s, request, user, task, on)


@router.patch("/tasks/{task_id}", response_model=TaskDetail)
def edit_task(task_id: int, body: TaskPatch, request: Request, user: Tracker, s: DB) -> TaskDetail:
    """Chuyên viên theo dõi sửa nhiệm vụ: nội dung, đơn vị, lĩnh vực, thời hạn."""
    task = tasks.visible_task(s, user, task_id)
    tasks.edit(s, task, user, **body.model_dump())
    s.commit()
    return _detail(s, request, user, task, None)


@router.post("/tasks/{task_id}/progress", response_model=TaskDetail)
def report_progress(task_id: int, body: ProgressIn, request: Request, user: TaskUpdater, s: DB) -> TaskDetail:
    """Đơn vị cập nhật tiến độ, kết quả, văn bản triển khai; `report_done` để báo hoàn thành."""
    task = tasks.visible_task(s, user, task_id)
    tasks.update_progress(s, task, user, **body.model_dump())
    s.commit()
    return _detail(s, request, user, task, None)


@router.post("/tasks/{task_id}/evidence", response_model=EvidenceOut, status_code=201, openapi_extra=UPLOAD_DOC)
async def upload_evidence(task_id: int, request: Request, user: TaskUpdater, s: DB) -> db.TaskEvidence:
    """Đính kèm tệp minh chứng (trường `file`)."""
    state = request.app.state
    task = await run_in_threadpool(tasks.visible_task, s, user, task_id)
    with state.store.incoming() as tmp:
        got = await receive_file(request, tmp, min(MAX_IMPORT_BYTES, state.settings.max_upload_bytes))
        evidence = await run_in_threadpool(
            tasks.add_evidence, s, state.store, task, user, got.path, got.filename, got.sha256, got.size
        )
    s.commit()
    return evidence


@router.get("/tasks/{task_id}/evidence/{evidence_id}", response_class=FileResponse)
def download_evidence(task_id: int, evidence_id: int, request: Request, user: TrackingReader, s: DB) -> FileResponse:
    """Tải tệp minh chứng."""
    task = tasks.visible_task(s, user, task_id)
    evidence = s.get(db.TaskEvidence, evidence_id)
    if evidence is None or evidence.task_id != task.id:
        raise NotFoundError(
            f"Nhiệm vụ {task.code} không có minh chứng #{evidence_id}.", "Xem danh sách minh chứng của nhiệm vụ."
        )
    audit(s, request, user, "download", "tracking_evidence", evidence.id)
    s.commit()
    return FileResponse(
        request.app.state.store.path(evidence.storage_path),
        filename=evidence.original_name or f"minh-chung-{evidence.id}",
    )


@router.post("/tasks/{task_id}/accept", response_model=TaskDetail)
def accept_task(task_id: int, body: DecisionIn, request: Request, user: Tracker, s: DB) -> TaskDetail:
    """Công nhận hoàn thành (ngày hoàn thành: ngày đơn vị báo cáo, hoặc `completed_on`)."""
    task = tasks.visible_task(s, user, task_id)
    tasks.accept(s, task, user, body.note, body.completed_on)
    s.commit()
    return _detail(s, request, user, task, None)


@router.post("/tasks/{task_id}/return", response_model=TaskDetail)
def return_task(task_id: int, body: DecisionIn, request: Request, user: Tracker, s: DB) -> TaskDetail:
    """Trả lại kết quả để đơn vị bổ sung (cần ghi lý do)."""
    task = tasks.visible_task(s, user, task_id)
    tasks.send_back(s, task, user, body.note)
    s.commit()
    return _detail(s, request, user, task, None)


@router.post("/tasks/{task_id}/reopen", response_model=TaskDetail)
def reopen_task(task_id: int, body: DecisionIn, request: Request, user: Tracker, s: DB) -> TaskDetail:
    """Mở lại nhiệm vụ đã hoàn thành (cần ghi lý do)."""
    task = tasks.visible_task(s, user, task_id)
    tasks.reopen(s, task, user, body.note)
    s.commit()
    return _detail(s, request, user, task, None)


@router.delete("/tasks/{task_id}/evidence/{evidence_id}", status_code=204)
def delete_evidence(task_id: int, evidence_id: int, request: Request, user: TaskUpdater, s: DB) -> None:
    """Xóa một tệp minh chứng tải nhầm (ghi vào lịch sử nhiệm vụ)."""
    task = tasks.visible_task(s, user, task_id)
    path = tasks.remove_evidence(s, task, user, evidence_id)
    audit(s, request, user, "delete", "tracking_evidence", evidence_id)
    s.commit()
    remove_now(s, request.app.state.store, [], [path])
    s.commit()


@router.post("/bulk/accept", response_model=BulkOut)
def accept_many(body: BulkAcceptIn, user: Tracker, s: DB) -> BulkOut:
    """Công nhận hoàn thành nhiều nhiệm vụ một lúc; nhiệm vụ chưa có kết quả hay đã hoàn thành
    được nêu lý do trong `refused`, các nhiệm vụ khác vẫn được công nhận."""
    done, refused = tasks.in_bulk(s, user, body.task_ids, lambda task: tasks.accept(s, task, user, body.note))
    s.commit()
    return BulkOut(done=done, refused=[BulkRefusal(**r) for r in refused])


@router.post("/bulk/deadline", response_model=BulkOut)
def move_deadlines(body: BulkDeadlineIn, user: Tracker, s: DB) -> BulkOut:
    """Đổi hạn xử lý của nhiều nhiệm vụ một lúc (mỗi thay đổi ghi vào lịch sử nhiệm vụ)."""

    def move(task: db.TrackedTask) -> None:
        if task.done:
            raise ConflictError(f"Nhiệm vụ {task.code} đã hoàn thành.", "Mở lại nhiệm vụ trước khi đổi hạn.")
        tasks.edit(s, task, user, deadline_kind=FIXED, due_on=body.due_on, note=body.note)

    done, refused = tasks.in_bulk(s, user, body.task_ids, move)
    s.commit()
    return BulkOut(done=done, refused=[BulkRefusal(**r) for r in refused])


# -- notices ----------------------------------------------------------------------------


@router.get("/notices", response_model=list[NoticeOut])
def list_notices(user: OfficeReader, s: DB) -> list[db.TrackedNotice]:
    """Các văn bản giao nhiệm vụ cơ quan mình đang theo dõi."""
    q = select(db.TrackedNotice).order_by(db.TrackedNotice.issued_on.desc(), db.TrackedNotice.id)
    if not all_units(user):
        q = q.where(db.TrackedNotice.unit_id == user.unit_id)
    return list(s.scalars(q))


@router.post("/notices/{notice_id}/received", response_model=NoticeOut)
def set_received(notice_id: int, body: ReceivedIn, user: Tracker, s: DB) -> db.TrackedNotice:
    """Ghi ngày nhận văn bản: hạn "trong N ngày" được tính lại từ ngày này."""
    notice = s.get(db.TrackedNotice, notice_id)
    if notice is None or (not all_units(user) and notice.unit_id != user.unit_id):
        raise NotFoundError(f"Không tìm thấy văn bản #{notice_id}.", "Xem danh sách văn bản.")
    tasks.set_received(s, notice, body.received_on, user)
    s.commit()
    return notice


# -- dashboard, warnings, notifications -------------------------------------------------


@router.get("/dashboard", response_model=DashboardOut)
def dashboard(request: Request, user: TrackingReader, s: DB, on: On = None) -> DashboardOut:
    """Bảng điều khiển: nhiệm vụ quá hạn theo đơn vị và số cảnh báo theo mức."""
    today, rules = _today(request, on), _rules(request)
    counts = warnings.warning_counts(s, today, rules, user)
    by_unit = [
        UnitOverdue(unit_id=u, unit=name, overdue=n, special=sp)
        for u, name, n, sp in warnings.overdue_by_unit(s, today, user, rules)
    ]
    return DashboardOut(on=today, overdue_by_unit=by_unit, warnings=counts)


@router.get("/warnings", response_model=list[WarningOut])
def list_warnings(
    request: Request,
    user: TrackingReader,
    s: DB,
    on: On = None,
    level: Annotated[str | None, Query(max_length=32, description="vang | do | do_dac_biet")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[WarningOut]:
    """Danh sách cảnh báo: vàng (sắp đến hạn, chưa có kết quả), đỏ (quá hạn), đỏ đặc biệt."""
    if level is not None and level not in LEVELS:
        raise InputError(f"Mức cảnh báo '{level}' không có.", f"Chọn trong: {', '.join(LEVELS)}.")
    found = warnings.warnings_list(s, _today(request, on), _rules(request), user, level, limit)
    return [
        WarningOut(
            level_name=w.level_name,
            **{
                k: getattr(w, k)
                for k in ("task_id", "code", "content", "lead", "notice", "due_on", "level", "days_overdue")
            },
        )
        for w in found
    ]


@router.post("/warnings/notify", response_model=list[NotificationOut])
def send_warnings(
    request: Request,
    user: Tracker,
    s: DB,
    on: Annotated[dt.date | None, Query(description="Chỉ hôm nay; ngày khác chỉ khi chạy thử.")] = None,
    dry_run: Annotated[bool, Query(description="Quản trị viên: xem trước, không lưu, không gửi.")] = False,
) -> list[NotificationOut]:
    """Tạo thông báo cảnh báo hôm nay cho nhiệm vụ của cơ quan mình (và gửi e-mail nếu đã cấu
    hình máy chủ thư). Chạy hằng ngày; mỗi cảnh báo chỉ gửi một lần. Cảnh báo chỉ tạo cho ngày
    hôm nay: một ngày khác sẽ gửi cảnh báo sai và chặn cảnh báo thật về sau. Quản trị viên xem
    trước cảnh báo của một ngày bất kỳ bằng `dry_run=true` (không lưu, không gửi)."""
    settings = request.app.state.settings
    today = local_today(settings)
    if dry_run:
        if not all_units(user):
            raise AccessDenied("Chỉ quản trị viên được chạy thử cảnh báo.", "Bỏ dry_run để gửi cảnh báo hôm nay.")
        created = warnings.notify(s, on or today, rules_from(settings), None, user)
        preview = [NotificationOut.model_validate(n) for n in created]
        s.rollback()  # a preview: nothing is stored, nothing is sent
        return preview
    if on is not None and on != today:
        raise InputError(
            f"Chỉ tạo cảnh báo cho hôm nay ({today:%d/%m/%Y}), không cho ngày {on:%d/%m/%Y}.",
            "Bỏ tham số on; để xem trước cảnh báo của ngày khác, quản trị viên dùng dry_run=true.",
        )
    created = warnings.notify(s, today, rules_from(settings), mailer_from(settings), user)
    s.commit()
    return [NotificationOut.model_validate(n) for n in created]


@router.get("/notifications", response_model=list[NotificationOut])
def my_notifications(user: TrackingReader, s: DB, unread: bool = False) -> list[db.Notification]:
    """Thông báo của đơn vị mình (đơn vị được giao) hoặc của cơ quan giao nhiệm vụ."""
    return warnings.notifications_for(s, user, unread)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut)
def mark_read(notification_id: int, user: TrackingReader, s: DB) -> db.Notification:
    """Đánh dấu đã đọc."""
    note = warnings.notification_for(s, user, notification_id)
    if note is None:
        raise NotFoundError(f"Không có thông báo #{notification_id}.", "Xem danh sách thông báo.")
    note.read_at = note.read_at or db.utcnow()
    s.commit()
    return note


# -- reports ----------------------------------------------------------------------------


@router.get("/reports/summary", response_model=list[GroupOut])
def report_summary(
    request: Request,
    user: TrackingReader,
    s: DB,
    by: Annotated[str, Query(max_length=16, description="unit | status | notice | period")] = "unit",
    on: On = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
) -> list[GroupOut]:
    """Tổng hợp số nhiệm vụ theo trạng thái, nhóm theo đơn vị, trạng thái, văn bản hoặc tháng."""
    rows = reports.task_rows(
        s, _today(request, on), _rules(request), user, issued_from=issued_from, issued_to=issued_to
    )
    return [GroupOut(key=g.key, label=g.label, total=g.total, counts=g.counts) for g in reports.summarize(rows, by)]


@router.post("/reports/exports", response_model=TrackingJobOut, status_code=202)
def start_export(body: ExportIn, request: Request, user: TrackingReader, s: DB) -> JSONResponse:
    """Xuất Excel (bảng tổng hợp và danh sách) hoặc báo cáo Word, ở hàng đợi cpu: trả về ngay
    (202) một việc xuất; khi xong, tải tệp ở `download_url`."""
    job = _export_job(
        s,
        request,
        user,
        body.format,
        body.on,
        body.by,
        body.issued_from,
        body.issued_to,
        body.status,
        body.unit_id,
        body.notice_id,
    )
    return _accepted(job)


@router.get(
    "/reports/export.xlsx",
    response_class=FileResponse,
    responses={202: {"model": TrackingJobOut, "description": "Chưa xong: theo dõi việc xuất."}},
)
async def report_xlsx(
    request: Request,
    user: TrackingReader,
    s: DB,
    on: On = None,
    by: Annotated[str, Query(max_length=16, description="unit | status | notice | period")] = "unit",
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    unit_id: int | None = None,
    notice_id: int | None = None,
) -> Response:
    """Xuất Excel: bảng tổng hợp và danh sách nhiệm vụ. Tệp được lập ở hàng đợi cpu; địa chỉ
    này chờ đến khi xong (tối đa vài chục giây) rồi trả tệp, hoặc trả 202 và việc xuất."""
    job = await run_in_threadpool(
        _export_job, s, request, user, "xlsx", on, by, issued_from, issued_to, status, unit_id, notice_id
    )
    return await _wait_for_file(request, user, job.id)


@router.get(
    "/reports/summary.docx",
    response_class=FileResponse,
    responses={202: {"model": TrackingJobOut, "description": "Chưa xong: theo dõi việc xuất."}},
)
async def report_docx(
    request: Request,
    user: TrackingReader,
    s: DB,
    on: On = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
    status: Annotated[str | None, Query(max_length=32)] = None,
    unit_id: int | None = None,
    notice_id: int | None = None,
) -> Response:
    """Báo cáo tóm tắt (Word): tình hình chung, theo đơn vị, nhiệm vụ quá hạn. Lập ở hàng đợi
    cpu như `/reports/export.xlsx`."""
    job = await run_in_threadpool(
        _export_job, s, request, user, "docx", on, "unit", issued_from, issued_to, status, unit_id, notice_id
    )
    return await _wait_for_file(request, user, job.id)


# -- import and export jobs -------------------------------------------------------------


@router.get("/jobs/{tracking_job_id}", response_model=TrackingJobOut)
def get_job(tracking_job_id: int, user: TrackingReader, s: DB) -> TrackingJobOut:
    """Trạng thái của một việc nhập/xuất: queued → running → done (import_id hoặc
    download_url) | failed (error: lỗi bằng tiếng Việt và cách xử lý)."""
    return _job_out(tracking_jobs.visible(s, user, tracking_job_id))


@router.get(
    "/jobs/{tracking_job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def job_events(tracking_job_id: int, request: Request, user: TrackingReader, s: DB) -> StreamingResponse:
    """Server-Sent Events: một sự kiện `job` mỗi khi trạng thái hoặc tiến độ đổi; luồng kết
    thúc khi việc xong hoặc lỗi."""
    tracking_jobs.visible(s, user, tracking_job_id)
    return StreamingResponse(
        _events(request, user, tracking_job_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/jobs/{tracking_job_id}/file", response_class=FileResponse)
def job_file(tracking_job_id: int, request: Request, user: TrackingReader, s: DB) -> FileResponse:
    """Tệp của một việc xuất đã xong."""
    job = tracking_jobs.visible(s, user, tracking_job_id)
    if job.kind != tracking_jobs.EXPORT or job.state != db.DONE or not job.output_path:
        raise ConflictError(
            f"Việc #{job.id} chưa có tệp để tải ({_state_name(job).lower()}).", "Chờ việc xuất xong rồi tải."
        )
    path = request.app.state.store.path(job.output_path)
    if not path.is_file():
        raise NotFoundError("Tệp xuất đã được dọn.", "Xuất lại báo cáo.")
    audit(s, request, user, "download", "tracking_export", job.id)
    s.commit()
    return FileResponse(
        path, media_type=job.result.get("media_type"), filename=job.result.get("file_name") or path.name
    )


# -- unit names -------------------------------------------------------------------------


@router.get("/unit-names", response_model=list[UnitNameOut])
def list_unit_names(user: Tracker, s: DB, unit: OfficeCode = None) -> list[UnitNameOut]:
    """Các tên đơn vị (chủ trì, phối hợp) trong văn bản của cơ quan mình và đơn vị mỗi tên
    đang chỉ; tên chưa xác định được đơn vị đứng đầu."""
    office = _office(s, user, unit, create=False)
    return [_name_out(s, u) for u in units_mod.names(s, office)]


@router.put("/unit-names", response_model=UnitNameApplied)
def map_unit_name(body: UnitNameIn, request: Request, user: Tracker, s: DB, unit: OfficeCode = None) -> UnitNameApplied:
    """Gán một tên đơn vị (như văn bản viết) cho một đơn vị: áp dụng ngay cho nhiệm vụ của cơ
    quan mình (ghi lịch sử) và cho các lần nhập sau. Đơn vị phối hợp được xem nhiệm vụ."""
    office = _office(s, user, unit, create=False)
    target = s.get(db.Unit, body.unit_id)
    if target is None:
        raise NotFoundError(f"Không có đơn vị #{body.unit_id}.", "Chọn đơn vị trong danh sách.")
    changed = tasks.map_unit_name(s, office, body.name, target, user)
    audit(s, request, user, "update", "tracking_unit_name", target.id, name=body.name, tasks=changed)
    s.commit()
    use = next(
        (u for u in units_mod.names(s, office) if u.key == units_mod.key(body.name)),
        units_mod.NameUse(body.name, units_mod.key(body.name), mapped_unit_id=target.id),
    )
    return UnitNameApplied(**_name_out(s, use).model_dump(), changed_tasks=changed)


@router.get("/units", response_model=list[UnitBrief])
def list_units(user: Tracker, s: DB) -> list[db.Unit]:
    """Các đơn vị đã có, để gán tên đơn vị trong văn bản."""
    return list(s.scalars(select(db.Unit).order_by(db.Unit.name, db.Unit.id)))


# -- helpers ----------------------------------------------------------------------------


def _today(request: Request, on: dt.date | None) -> dt.date:
    """The day asked for, else today in the offices' time zone (not the server clock's: a server
    on UTC is still on yesterday until 07:00 in Hà Nội), the day the daily warnings use."""
    return on or local_today(request.app.state.settings)


def _rules(request: Request):
    return rules_from(request.app.state.settings)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """Times without a zone are taken as UTC (the database keeps UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment and moment.tzinfo is None else moment


def _office(s, user: db.User, unit_code: str | None, create: bool = True) -> int:
    if all_units(user) and unit_code:
        if not create:
            found = s.scalar(select(db.Unit).where(db.Unit.code == unit_code))
            if found is None:
                raise NotFoundError(f"Không có cơ quan mã '{unit_code}'.", "Kiểm tra mã cơ quan.")
            return found.id
        return accounts.ensure_unit(s, unit_code).id
    if user.unit_id is None:
        raise InputError("Chưa chọn cơ quan theo dõi.", "Quản trị viên cần gửi tham số unit.")
    return user.unit_id


def _pending(s, user: db.User, import_id: int) -> db.PendingImport:
    pending = s.get(db.PendingImport, import_id)
    if pending is None or (not all_units(user) and pending.unit_id != user.unit_id):
        raise NotFoundError(f"Không có lần nhập #{import_id}.", "Tải tệp lên để xem trước lại.")
    return pending


def _import_out(p: db.PendingImport) -> ImportOut:
    return ImportOut(
        id=p.id,
        state=p.state,
        source_kind=p.source_kind,
        source_name=p.source_name,
        notices=p.payload["notices"],
        rejected=p.payload.get("rejected", []),
    )


def _queue_upload(request: Request, s, user: db.User, unit_id: int, got, params) -> db.TrackingJob:
    state = request.app.state
    job = tracking_jobs.create_import(s, state.store, user, unit_id, got.path, got.filename, params)
    audit(s, request, user, "create", "tracking_job", job.id, file=got.filename)
    s.commit()
    jobs.dispatch(state.send, job)  # the row is committed: the worker can claim it
    return job


def _export_job(
    s,
    request: Request,
    user: db.User,
    fmt: str,
    on,
    by,
    issued_from,
    issued_to,
    status=None,
    unit_id=None,
    notice_id=None,
) -> db.TrackingJob:
    """An export of the tasks the list shows: every filter of the list goes with it."""
    if by not in reports.GROUPS:
        raise InputError(f"Không tổng hợp được theo '{by}'.", f"Chọn trong: {', '.join(reports.GROUPS)}.")
    if status is not None and status not in reports.FILTERS:
        raise InputError(f"Trạng thái '{status}' không có.", f"Chọn trong: {', '.join(reports.FILTERS)}.")
    job = tracking_jobs.create_export(
        s,
        user,
        {
            "format": fmt,
            "on": _today(request, on),
            "by": by,
            "issued_from": issued_from,
            "issued_to": issued_to,
            "status": status,
            "unit_id": unit_id,
            "notice_id": notice_id,
        },
    )
    audit(s, request, user, "create", "tracking_job", job.id, export=fmt)
    s.commit()
    jobs.dispatch(request.app.state.send, job)
    return job


def _job_out(job: db.TrackingJob) -> TrackingJobOut:
    done = job.state == db.DONE
    error = JobError(code=job.error_code, message=job.error_message, hint=job.error_hint)
    return TrackingJobOut(
        id=job.id,
        kind=job.kind,
        state=job.state,
        state_name=_state_name(job),
        progress=job.progress,
        error=error if job.state == db.FAILED else None,
        import_id=job.result.get("import_id") if done else None,
        download_url=f"/api/tracking/jobs/{job.id}/file" if done and job.output_path else None,
        file_name=job.result.get("file_name") if done else None,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def _state_name(job: db.TrackingJob) -> str:
    return tracking_jobs.STATE_NAMES.get(job.state, job.state)


def _accepted(job: db.TrackingJob) -> JSONResponse:
    return JSONResponse(
        _job_out(job).model_dump(mode="json"), status_code=202, headers={"Location": f"/api/tracking/jobs/{job.id}"}
    )


def _load_job(sessions, job_id: int) -> db.TrackingJob | None:
    with sessions() as s:
        return s.get(db.TrackingJob, job_id)


async def _wait_for_file(request: Request, user: db.User, job_id: int) -> Response:
    """Serve an export once the worker wrote it; 202 with the job if it takes too long."""
    sessions = request.app.state.sessions
    loop = asyncio.get_running_loop()
    deadline = loop.time() + EXPORT_WAIT_SECONDS
    while True:
        job = await run_in_threadpool(_load_job, sessions, job_id)
        if job is None:  # removed meanwhile
            raise NotFoundError(f"Không còn việc xuất #{job_id}.", "Bấm xuất lại.")
        if job.state == db.DONE:
            return await run_in_threadpool(_serve_file, sessions, request, user, job_id)
        if job.state == db.FAILED:
            raise _error_of(job)
        if loop.time() > deadline or await request.is_disconnected():
            return _accepted(job)
        await asyncio.sleep(JOB_POLL_SECONDS)


def _serve_file(sessions, request: Request, user: db.User, job_id: int) -> FileResponse:
    with sessions() as s:
        return job_file(job_id, request, user, s)


def _error_of(job: db.TrackingJob) -> KetluanError:
    error = KetluanError(job.error_message, job.error_hint)
    error.code = job.error_code  # the same HTTP status as the error had in the worker
    return error


async def _events(request: Request, user: db.User, job_id: int):
    yield "retry: 2000\n\n"
    sessions, last = request.app.state.sessions, None
    loop = asyncio.get_running_loop()
    started = idle = loop.time()
    while loop.time() - started < SSE_MAX_SECONDS:
        if await request.is_disconnected():
            return
        job = await run_in_threadpool(_load_job, sessions, job_id)
        if job is None:
            yield _event("gone", {"id": job_id})
            return
        payload = _job_out(job).model_dump(mode="json")
        key = (payload["state"], payload["progress"])
        if key != last:
            last, idle = key, loop.time()
            yield _event("job", payload)
            if job.state in (db.DONE, db.FAILED):
                return
        elif loop.time() - idle > SSE_KEEPALIVE_SECONDS:
            idle = loop.time()
            yield ": keep-alive\n\n"
        await asyncio.sleep(JOB_POLL_SECONDS)


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _name_out(s, use) -> UnitNameOut:
    found = (
        {u.id: u.name for u in s.scalars(select(db.Unit).where(db.Unit.id.in_(use.unit_ids)))} if use.unit_ids else {}
    )
    ids = sorted(use.unit_ids)
    return UnitNameOut(
        name=use.name,
        lead_tasks=use.lead_tasks,
        support_tasks=use.support_tasks,
        unit_ids=ids,
        units=[found.get(i, "") for i in ids],
        mapped_unit_id=use.mapped_unit_id,
    )


def _detail(s, request: Request, user: db.User, task: db.TrackedTask, on) -> TaskDetail:
    rows = reports.task_rows(s, _today(request, on), _rules(request), None, notice_id=task.notice_id)
    row = next(r for r in rows if r.id == task.id) if not task.withdrawn else None
    base = row.to_dict() if row else _withdrawn(task)
    return TaskDetail(
        **base,
        history=[EventOut.model_validate(e) for e in tasks.history(s, task)],
        evidence=[EvidenceOut.model_validate(e) for e in tasks.evidence_of(s, task)],
    )


def _withdrawn(task: db.TrackedTask) -> dict:
    return {
        "id": task.id,
        "code": task.code,
        "notice": task.notice.number,
        "issued_on": task.notice.issued_on,
        "content": task.content,
        "lead_unit_id": task.lead_unit_id,
        "lead": task.lead_name,
        "supports": task.supports,
        "sector": task.sector,
        "deadline_kind": task.deadline_kind,
        "deadline_phrase": task.deadline_phrase,
        "due_on": task.due_on,
        "progress": task.progress,
        "result": task.result,
        "result_state": task.result_state,
        "done": task.done,
        "completed_on": task.completed_on,
        "documents": task.documents,
        "quote": task.quote,
        "audio_start": task.audio_start,
        "audio_end": task.audio_end,
        "meeting": task.notice.meeting,
        "updated_at": task.updated_at,
        "status": "da_rut",
        "status_name": "Đã rút khỏi văn bản",
        "warning": None,
        "warning_name": None,
    }


def _temp_path(suffix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix="ketluan-", suffix=suffix)
    os.close(fd)
    return Path(name)


def _file(path: Path, media_type: str, filename: str) -> FileResponse:
    return FileResponse(
        path, media_type=media_type, filename=filename, background=BackgroundTask(path.unlink, missing_ok=True)
    )
