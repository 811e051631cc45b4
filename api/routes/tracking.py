"""Directive tracking: import notices (preview → confirm), follow tasks, warnings, reports.

Thin wrappers around tracking/. Units (role don_vi) see and update only the tasks they lead;
the office that imported a notice (its tracker, leaders and staff) sees all of its tasks.
The task list is also the JSON API for an office's existing tracking software.
"""

import datetime as dt
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

import db
from api.deps import ADMIN, DB, DON_VI, EVERYONE, THEO_DOI, Allow, audit, visible_meeting
from api.routes.audio import UPLOAD_DOC
from api.tracking_schemas import (
    AppliedOut,
    DashboardOut,
    DecisionIn,
    EventOut,
    EvidenceOut,
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
    UnitOverdue,
    WarningOut,
)
from api.upload import receive_file
from db import accounts
from ketluan.errors import InputError, NotFoundError
from tracking import excel, imports, reports, tasks, warnings
from tracking.mail import mailer_from
from tracking.source import read_docx
from tracking.status import LEVELS, rules_from

router = APIRouter(prefix="/api/tracking", tags=["Theo dõi nhiệm vụ"])
Reader = Annotated[db.User, Depends(Allow(*EVERYONE, DON_VI))]
Tracker = Annotated[db.User, Depends(Allow(ADMIN, THEO_DOI))]
Updater = Annotated[db.User, Depends(Allow(ADMIN, THEO_DOI, DON_VI))]
OfficeReader = Annotated[db.User, Depends(Allow(*EVERYONE))]
On = Annotated[dt.date | None, Query(description="Ngày tính trạng thái; mặc định hôm nay.")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_IMPORT_BYTES = 50 * 1024 * 1024


# -- import -----------------------------------------------------------------------------


@router.post("/imports", response_model=ImportOut, status_code=201, openapi_extra=UPLOAD_DOC)
async def upload_import(
    request: Request,
    user: Tracker,
    s: DB,
    number: Annotated[str | None, Query(max_length=64, description="Số thông báo nếu văn bản để trống.")] = None,
    issued_on: Annotated[dt.date | None, Query(description="Ngày ban hành nếu văn bản để trống.")] = None,
    received_on: Annotated[dt.date | None, Query(description="Ngày nhận văn bản.")] = None,
    unit: Annotated[str | None, Query(max_length=64, description="Mã cơ quan theo dõi (chỉ quản trị).")] = None,
) -> ImportOut:
    """Tải lên thông báo kết luận (.docx) hoặc danh sách nhiệm vụ (.xlsx) để xem trước.

    Chưa lưu nhiệm vụ nào: trả về các nhiệm vụ đọc được và phần khác biệt (thêm, bỏ, sửa) so
    với lần nhập trước của cùng thông báo. Gọi `/confirm` để lưu."""
    state = request.app.state
    unit_id = await run_in_threadpool(_office, s, user, unit)
    with state.store.incoming() as tmp:
        got = await receive_file(request, tmp, min(MAX_IMPORT_BYTES, state.settings.max_upload_bytes))
        parsed = await run_in_threadpool(
            _parse_upload, state, got.path, got.filename, number, issued_on, received_on
        )
    pending = imports.preview(s, parsed, unit_id, user, got.filename)
    audit(s, request, user, "create", "tracking_import", pending.id, file=got.filename)
    s.commit()
    return _import_out(pending)


@router.post("/meetings/{meeting_id}/drafts/{version}/import", response_model=ImportOut,
             status_code=201)
def import_draft(
    meeting_id: int,
    version: int,
    request: Request,
    user: Tracker,
    s: DB,
    number: Annotated[str | None, Query(max_length=64, description="Số thông báo nếu văn bản để trống.")] = None,
    issued_on: Annotated[dt.date | None, Query(description="Ngày ban hành nếu văn bản để trống.")] = None,
    received_on: Annotated[dt.date | None, Query(description="Ngày nhận văn bản.")] = None,
) -> ImportOut:
    """Xem trước nhiệm vụ từ một phiên bản dự thảo đã lưu của cuộc họp (bản cuối đã ký)."""
    state = request.app.state
    meeting = visible_meeting(s, user, meeting_id)
    draft = s.scalar(select(db.DraftVersion).where(db.DraftVersion.meeting_id == meeting.id,
                                                   db.DraftVersion.version == version))
    if draft is None:
        raise NotFoundError(f"Cuộc họp #{meeting.id} chưa có dự thảo phiên bản {version}.",
                            "Xem danh sách dự thảo.")
    name = draft.original_name if draft.original_name.lower().endswith(".docx") else \
        f"du-thao-{meeting.id}-v{version}.docx"
    parsed = _parse_upload(state, state.store.path(draft.storage_path), name, number, issued_on,
                           received_on)
    for notice in parsed:
        notice.meeting_id = meeting.id
    pending = imports.preview(s, parsed, meeting.unit_id, user, name)
    audit(s, request, user, "create", "tracking_import", pending.id, meeting.id, draft=version)
    s.commit()
    return _import_out(pending)


@router.get("/imports/{import_id}", response_model=ImportOut)
def get_import(import_id: int, user: Tracker, s: DB) -> ImportOut:
    """Xem lại bản xem trước của một lần nhập."""
    return _import_out(_pending(s, user, import_id))


@router.post("/imports/{import_id}/confirm", response_model=AppliedOut)
def confirm_import(import_id: int, request: Request, user: Tracker, s: DB) -> AppliedOut:
    """Xác nhận: lưu nhiệm vụ mới, cập nhật nhiệm vụ đã sửa, rút nhiệm vụ không còn trong văn bản."""
    pending = _pending(s, user, import_id)
    result = imports.confirm(s, pending.id, user)
    audit(s, request, user, "update", "tracking_import", pending.id, added=result.added)
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
def excel_template(user: Reader) -> FileResponse:
    """Mẫu Excel danh sách nhiệm vụ (cột bắt buộc, ví dụ, hướng dẫn)."""
    path = _temp_path(".xlsx")
    excel.write_template(path)
    return _file(path, XLSX, "mau-nhap-nhiem-vu.xlsx")


# -- tasks ------------------------------------------------------------------------------


@router.get("/tasks", response_model=TaskPage)
def list_tasks(
    request: Request,
    user: Reader,
    s: DB,
    on: On = None,
    status: Annotated[str | None, Query(description="Mã trạng thái, ví dụ qua_han.")] = None,
    unit_id: Annotated[int | None, Query(description="Đơn vị chủ trì.")] = None,
    notice_id: int | None = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
    updated_since: Annotated[dt.datetime | None, Query(
        description="Chỉ nhiệm vụ thay đổi sau thời điểm này (ISO 8601; updated_at lớn nhất lần trước).")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> TaskPage:
    """Danh sách nhiệm vụ được xem, kèm trạng thái và cảnh báo (API cho phần mềm theo dõi khác)."""
    today = on or dt.date.today()
    total, rows = reports.task_page(s, today, _rules(request), user, unit_id, notice_id, status,
                                    issued_from, issued_to, offset, limit,
                                    _aware(updated_since))
    return TaskPage(on=today, total=total, items=[TaskOut(**r.to_dict()) for r in rows])


@router.get("/tasks/{task_id}", response_model=TaskDetail)
def get_task(task_id: int, request: Request, user: Reader, s: DB, on: On = None) -> TaskDetail:
    """Một nhiệm vụ với lịch sử xử lý và minh chứng."""
    task = tasks.visible_task(s, user, task_id)
    return _detail(s, request, user, task, on)


@router.patch("/tasks/{task_id}", response_model=TaskDetail)
def edit_task(task_id: int, body: TaskPatch, request: Request, user: Tracker, s: DB) -> TaskDetail:
    """Chuyên viên theo dõi sửa nhiệm vụ: nội dung, đơn vị, lĩnh vực, thời hạn."""
    task = tasks.visible_task(s, user, task_id)
    tasks.edit(s, task, user, **body.model_dump())
    s.commit()
    return _detail(s, request, user, task, None)


@router.post("/tasks/{task_id}/progress", response_model=TaskDetail)
def report_progress(task_id: int, body: ProgressIn, request: Request, user: Updater, s: DB) -> TaskDetail:
    """Đơn vị cập nhật tiến độ, kết quả, văn bản triển khai; `report_done` để báo hoàn thành."""
    task = tasks.visible_task(s, user, task_id)
    tasks.update_progress(s, task, user, **body.model_dump())
    s.commit()
    return _detail(s, request, user, task, None)


@router.post("/tasks/{task_id}/evidence", response_model=EvidenceOut, status_code=201,
             openapi_extra=UPLOAD_DOC)
async def upload_evidence(task_id: int, request: Request, user: Updater, s: DB) -> db.TaskEvidence:
    """Đính kèm tệp minh chứng (trường `file`)."""
    state = request.app.state
    task = await run_in_threadpool(tasks.visible_task, s, user, task_id)
    with state.store.incoming() as tmp:
        got = await receive_file(request, tmp, min(MAX_IMPORT_BYTES, state.settings.max_upload_bytes))
        evidence = await run_in_threadpool(tasks.add_evidence, s, state.store, task, user, got.path,
                                           got.filename, got.sha256, got.size)
    s.commit()
    return evidence


@router.get("/tasks/{task_id}/evidence/{evidence_id}", response_class=FileResponse)
def download_evidence(task_id: int, evidence_id: int, request: Request, user: Reader, s: DB) -> FileResponse:
    """Tải tệp minh chứng."""
    task = tasks.visible_task(s, user, task_id)
    evidence = s.get(db.TaskEvidence, evidence_id)
    if evidence is None or evidence.task_id != task.id:
        raise NotFoundError(f"Nhiệm vụ {task.code} không có minh chứng #{evidence_id}.",
                            "Xem danh sách minh chứng của nhiệm vụ.")
    audit(s, request, user, "download", "tracking_evidence", evidence.id)
    s.commit()
    return FileResponse(request.app.state.store.path(evidence.storage_path),
                        filename=evidence.original_name or f"minh-chung-{evidence.id}")


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


# -- notices ----------------------------------------------------------------------------


@router.get("/notices", response_model=list[NoticeOut])
def list_notices(user: OfficeReader, s: DB) -> list[db.TrackedNotice]:
    """Các văn bản giao nhiệm vụ cơ quan mình đang theo dõi."""
    q = select(db.TrackedNotice).order_by(db.TrackedNotice.issued_on.desc(), db.TrackedNotice.id)
    if user.role_code != ADMIN:
        q = q.where(db.TrackedNotice.unit_id == user.unit_id)
    return list(s.scalars(q))


@router.post("/notices/{notice_id}/received", response_model=NoticeOut)
def set_received(notice_id: int, body: ReceivedIn, user: Tracker, s: DB) -> db.TrackedNotice:
    """Ghi ngày nhận văn bản: hạn "trong N ngày" được tính lại từ ngày này."""
    notice = s.get(db.TrackedNotice, notice_id)
    if notice is None or (user.role_code != ADMIN and notice.unit_id != user.unit_id):
        raise NotFoundError(f"Không tìm thấy văn bản #{notice_id}.", "Xem danh sách văn bản.")
    tasks.set_received(s, notice, body.received_on, user)
    s.commit()
    return notice


# -- dashboard, warnings, notifications -------------------------------------------------


@router.get("/dashboard", response_model=DashboardOut)
def dashboard(request: Request, user: Reader, s: DB, on: On = None) -> DashboardOut:
    """Bảng điều khiển: nhiệm vụ quá hạn theo đơn vị và số cảnh báo theo mức."""
    today, rules = on or dt.date.today(), _rules(request)
    counts = warnings.warning_counts(s, today, rules, user)
    by_unit = [UnitOverdue(unit_id=u, unit=name, overdue=n, special=sp)
               for u, name, n, sp in warnings.overdue_by_unit(s, today, user, rules)]
    return DashboardOut(on=today, overdue_by_unit=by_unit, warnings=counts)


@router.get("/warnings", response_model=list[WarningOut])
def list_warnings(
    request: Request,
    user: Reader,
    s: DB,
    on: On = None,
    level: Annotated[str | None, Query(description="vang | do | do_dac_biet")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[WarningOut]:
    """Danh sách cảnh báo: vàng (sắp đến hạn, chưa có kết quả), đỏ (quá hạn), đỏ đặc biệt."""
    if level is not None and level not in LEVELS:
        raise InputError(f"Mức cảnh báo '{level}' không có.", f"Chọn trong: {', '.join(LEVELS)}.")
    found = warnings.warnings_list(s, on or dt.date.today(), _rules(request), user, level, limit)
    return [WarningOut(level_name=w.level_name, **{k: getattr(w, k) for k in (
        "task_id", "code", "content", "lead", "notice", "due_on", "level", "days_overdue")})
        for w in found]


@router.post("/warnings/notify", response_model=list[NotificationOut])
def send_warnings(request: Request, user: Tracker, s: DB, on: On = None) -> list[db.Notification]:
    """Tạo thông báo cảnh báo cho nhiệm vụ của cơ quan mình (và gửi e-mail nếu đã cấu hình máy
    chủ thư). Chạy hằng ngày; mỗi cảnh báo chỉ gửi một lần."""
    settings = request.app.state.settings
    created = warnings.notify(s, on or dt.date.today(), rules_from(settings), mailer_from(settings),
                              user)
    s.commit()
    return created


@router.get("/notifications", response_model=list[NotificationOut])
def my_notifications(user: Reader, s: DB, unread: bool = False) -> list[db.Notification]:
    """Thông báo của đơn vị mình (đơn vị được giao) hoặc của cơ quan giao nhiệm vụ."""
    return warnings.notifications_for(s, user, unread)


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut)
def mark_read(notification_id: int, user: Reader, s: DB) -> db.Notification:
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
    user: Reader,
    s: DB,
    by: Annotated[str, Query(description="unit | status | notice | period")] = "unit",
    on: On = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
) -> list[GroupOut]:
    """Tổng hợp số nhiệm vụ theo trạng thái, nhóm theo đơn vị, trạng thái, văn bản hoặc tháng."""
    rows = reports.task_rows(s, on or dt.date.today(), _rules(request), user,
                             issued_from=issued_from, issued_to=issued_to)
    return [GroupOut(key=g.key, label=g.label, total=g.total, counts=g.counts)
            for g in reports.summarize(rows, by)]


@router.get("/reports/export.xlsx", response_class=FileResponse)
def report_xlsx(request: Request, user: Reader, s: DB, on: On = None,
                by: str = "unit", issued_from: dt.date | None = None,
                issued_to: dt.date | None = None) -> FileResponse:
    """Xuất Excel: bảng tổng hợp và danh sách nhiệm vụ."""
    today = on or dt.date.today()
    rows = reports.task_rows(s, today, _rules(request), user, issued_from=issued_from,
                             issued_to=issued_to)
    path = reports.export_xlsx(rows, _temp_path(".xlsx"), today, by)
    return _file(path, XLSX, f"nhiem-vu-{today:%Y%m%d}.xlsx")


@router.get("/reports/summary.docx", response_class=FileResponse)
def report_docx(request: Request, user: Reader, s: DB, on: On = None,
                issued_from: dt.date | None = None, issued_to: dt.date | None = None) -> FileResponse:
    """Báo cáo tóm tắt (Word): tình hình chung, theo đơn vị, nhiệm vụ quá hạn."""
    today = on or dt.date.today()
    rows = reports.task_rows(s, today, _rules(request), user, issued_from=issued_from,
                             issued_to=issued_to)
    period = ""
    if issued_from or issued_to:
        period = (f"văn bản ban hành từ {issued_from:%d/%m/%Y} " if issued_from else "văn bản ") + \
            (f"đến {issued_to:%d/%m/%Y}" if issued_to else "")
    office = user.unit.name if user.unit else ""
    path = reports.export_docx(rows, _temp_path(".docx"), today, office, period.strip())
    return _file(path, DOCX, f"bao-cao-nhiem-vu-{today:%Y%m%d}.docx")


# -- helpers ----------------------------------------------------------------------------


def _rules(request: Request):
    return rules_from(request.app.state.settings)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """Times without a zone are taken as UTC (the database keeps UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment and moment.tzinfo is None else moment


def _office(s, user: db.User, unit_code: str | None) -> int:
    if user.role_code == ADMIN and unit_code:
        return accounts.ensure_unit(s, unit_code).id
    if user.unit_id is None:
        raise InputError("Chưa chọn cơ quan theo dõi.", "Quản trị viên cần gửi tham số unit.")
    return user.unit_id


def _pending(s, user: db.User, import_id: int) -> db.PendingImport:
    pending = s.get(db.PendingImport, import_id)
    if pending is None or (user.role_code != ADMIN and pending.unit_id != user.unit_id):
        raise NotFoundError(f"Không có lần nhập #{import_id}.", "Tải tệp lên để xem trước lại.")
    return pending


def _parse_upload(state, path: Path, name: str, number, issued_on, received_on):
    """Parse under the file's own name, so error messages name the file the user chose."""
    kind = _kind(path, name)
    with tempfile.TemporaryDirectory(dir=state.store.tmp) as folder:
        named = Path(folder) / Path(name).name
        try:
            os.link(path, named)
        except OSError:  # a file system without hard links (some network shares)
            shutil.copyfile(path, named)
        if kind == "xlsx":
            found = excel.read_xlsx(named, state.settings.tracking_max_rows)
            for notice in found:
                notice.received_on = notice.received_on or received_on
            return found
        return [read_docx(named, number, issued_on, received_on)]


def _kind(path: Path, name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".docx", ".docm"):
        return "docx"
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
    except (zipfile.BadZipFile, OSError):
        pass
    raise InputError(f"Tệp '{name}' không phải .docx hay .xlsx.",
                     "Tải lên thông báo kết luận (.docx) hoặc danh sách nhiệm vụ Excel (.xlsx).")


def _import_out(p: db.PendingImport) -> ImportOut:
    return ImportOut(id=p.id, state=p.state, source_kind=p.source_kind, source_name=p.source_name,
                     notices=p.payload["notices"])


def _detail(s, request: Request, user: db.User, task: db.TrackedTask, on) -> TaskDetail:
    rows = reports.task_rows(s, on or dt.date.today(), _rules(request), None,
                             notice_id=task.notice_id)
    row = next(r for r in rows if r.id == task.id) if not task.withdrawn else None
    base = row.to_dict() if row else _withdrawn(task)
    return TaskDetail(**base,
                      history=[EventOut.model_validate(e) for e in tasks.history(s, task)],
                      evidence=[EvidenceOut.model_validate(e) for e in tasks.evidence_of(s, task)])


def _withdrawn(task: db.TrackedTask) -> dict:
    return {"id": task.id, "code": task.code, "notice": task.notice.number,
            "issued_on": task.notice.issued_on, "content": task.content,
            "lead_unit_id": task.lead_unit_id, "lead": task.lead_name, "supports": task.supports,
            "sector": task.sector, "deadline_kind": task.deadline_kind,
            "deadline_phrase": task.deadline_phrase, "due_on": task.due_on,
            "progress": task.progress, "result": task.result, "result_state": task.result_state,
            "done": task.done, "completed_on": task.completed_on, "documents": task.documents,
            "quote": task.quote, "audio_start": task.audio_start, "audio_end": task.audio_end,
            "meeting": task.notice.meeting, "updated_at": task.updated_at, "status": "da_rut",
            "status_name": "Đã rút khỏi văn bản", "warning": None, "warning_name": None}


def _temp_path(suffix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix="ketluan-", suffix=suffix)
    os.close(fd)
    return Path(name)


def _file(path: Path, media_type: str, filename: str) -> FileResponse:
    return FileResponse(path, media_type=media_type, filename=filename,
                        background=BackgroundTask(path.unlink, missing_ok=True))
