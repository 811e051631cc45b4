"""Who sees which tasks, and what each role may do to them; every change goes into the history.

- Đơn vị (role don_vi): sees and updates the tasks its unit leads; sees, read-only, the tasks
  it cooperates on (đơn vị phối hợp: it contributes to the lead unit, which reports).
- Chuyên viên theo dõi (theo_doi): the tasks of the notices its office imported; edits them,
  accepts or sends back results, reopens.
- Other roles of that office read them; an administrator sees everything.
"""

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from db.models import Unit, User, utcnow
from db.storage import FileStore
from db.tracking import (
    Notification,
    TaskEvent,
    TaskEvidence,
    TaskSupport,
    TrackedNotice,
    TrackedTask,
)
from ketluan.errors import AccessDenied, ConflictError, InputError, KetluanError, NotFoundError
from ketluan.roles import Role
from tracking import units
from tracking.imports import record
from tracking.status import (
    FIXED,
    KINDS,
    NO_RESULT,
    RETURNED,
    SUBMITTED,
    WITHIN_DAYS,
    effective_due,
)
from transcribe.transcript import nfc

ADMIN, TRACKER, UNIT = Role.ADMIN, Role.THEO_DOI, Role.DON_VI
RETURNED_LEVEL = "tra_lai"  # a notification that a result came back, beside the warning levels
MAX_EVIDENCE = 50 * 1024 * 1024


def scope(q: Select, user: User, supports: bool = True) -> Select:
    """Restrict a query over TrackedTask to the tasks `user` may see. A unit sees the tasks it
    leads and, unless `supports` is False (warnings: they are the lead's), those it
    cooperates on."""
    if user.role_code == ADMIN:
        return q
    if user.role_code == UNIT:
        if not supports:
            return q.where(TrackedTask.lead_unit_id == user.unit_id)
        cooperating = select(TaskSupport.task_id).where(TaskSupport.unit_id == user.unit_id)
        return q.where(or_(TrackedTask.lead_unit_id == user.unit_id, TrackedTask.id.in_(cooperating)))
    office = select(TrackedNotice.id).where(TrackedNotice.unit_id == user.unit_id)
    return q.where(TrackedTask.notice_id.in_(office))


def visible_task(s: Session, user: User, task_id: int) -> TrackedTask:
    """The task, or 404 when it does not exist or belongs to someone else (ids not revealed)."""
    task = s.scalar(scope(select(TrackedTask).where(TrackedTask.id == task_id), user))
    if task is None:
        raise NotFoundError(
            f"Không tìm thấy nhiệm vụ #{task_id}.",
            "Kiểm tra lại mã nhiệm vụ, hoặc nhiệm vụ không thuộc đơn vị của bạn.",
        )
    return task


def update_progress(
    s: Session,
    task: TrackedTask,
    user: User,
    *,
    progress: int | None = None,
    note: str = "",
    result: str | None = None,
    documents: str | None = None,
    report_done: bool = False,
    today: date | None = None,
) -> TrackedTask:
    """A unit reports progress, its result and the documents it issued; `report_done` asks
    the tracker to accept the task as done."""
    _may_update(task, user)
    if task.done:
        raise ConflictError(
            f"Nhiệm vụ {task.code} đã được công nhận hoàn thành.",
            "Đề nghị chuyên viên theo dõi mở lại nếu cần cập nhật tiếp.",
        )
    changes: dict[str, Any] = {}
    if progress is not None:
        if not 0 <= progress <= 100:
            raise InputError("Tiến độ phải từ 0 đến 100 (%).", "Nhập một số từ 0 đến 100.")
        changes["progress"] = [task.progress, progress]
        task.progress = progress
    if note:
        task.progress_note = nfc(note.strip())
    if result is not None:
        changes["result"] = [task.result, nfc(result.strip())]
        task.result = nfc(result.strip())
    if documents is not None:
        changes["documents"] = [task.documents, nfc(documents.strip())]
        task.documents = nfc(documents.strip())
    action = "progress"
    if report_done:
        if not task.result.strip():
            raise InputError(
                "Chưa có kết quả để báo cáo hoàn thành.", "Ghi kết quả thực hiện (và đính kèm minh chứng) rồi gửi lại."
            )
        task.result_state, task.reported_on = SUBMITTED, today or date.today()
        task.progress = 100
        action = "report_done"
    record(s, task, user, action, nfc(note.strip()), changes=changes)
    return task


def accept(
    s: Session,
    task: TrackedTask,
    user: User,
    note: str = "",
    completed_on: date | None = None,
    today: date | None = None,
) -> TrackedTask:
    """The tracker accepts the result: the task is done on the day the unit reported it."""
    _may_track(task, user)
    if task.done:
        raise ConflictError(f"Nhiệm vụ {task.code} đã hoàn thành.", "Không cần công nhận lại.")
    if not task.result.strip():
        raise InputError(
            f"Nhiệm vụ {task.code} chưa có kết quả.", "Chờ đơn vị báo cáo kết quả, hoặc trả lại để đơn vị bổ sung."
        )
    task.done = True
    task.completed_on = completed_on or task.reported_on or today or date.today()
    task.result_state, task.progress = SUBMITTED, 100
    record(s, task, user, "accept", nfc(note.strip()), completed_on=task.completed_on.isoformat())
    return task


def send_back(s: Session, task: TrackedTask, user: User, note: str) -> TrackedTask:
    """The tracker returns the result for more work; the reason goes into the history."""
    _may_track(task, user)
    if not note.strip():
        raise InputError("Cần ghi lý do trả lại.", "Ghi rõ đơn vị phải bổ sung gì.")
    if task.done:
        raise ConflictError(f"Nhiệm vụ {task.code} đã hoàn thành.", "Mở lại nhiệm vụ trước.")
    if task.result_state != SUBMITTED:
        raise ConflictError(
            f"Nhiệm vụ {task.code} chưa có kết quả chờ duyệt.", "Chỉ trả lại được kết quả đơn vị đã báo cáo hoàn thành."
        )
    task.result_state, task.reported_on = RETURNED, None
    record(s, task, user, "return", nfc(note.strip()))
    if task.lead_unit_id is not None:  # the unit reads it in its notifications list
        s.add(
            Notification(
                key=f"tra_lai:{task.id}:{utcnow().isoformat()}",
                task_id=task.id,
                unit_id=task.lead_unit_id,
                audience="unit",
                level=RETURNED_LEVEL,
                message=f"Kết quả nhiệm vụ {task.code} bị trả lại để bổ sung: {nfc(note.strip())}",
            )
        )
    return task


def reopen(s: Session, task: TrackedTask, user: User, note: str) -> TrackedTask:
    _may_track(task, user)
    if not task.done:
        raise ConflictError(f"Nhiệm vụ {task.code} chưa hoàn thành.", "Không cần mở lại.")
    if not note.strip():
        raise InputError("Cần ghi lý do mở lại.", "Ghi rõ vì sao nhiệm vụ cần làm tiếp.")
    task.done, task.completed_on = False, None
    task.result_state, task.reported_on = NO_RESULT, None
    record(s, task, user, "reopen", nfc(note.strip()))
    return task


def edit(s: Session, task: TrackedTask, user: User, **fields: Any) -> TrackedTask:
    """The tracker corrects a task: content, lead, supports, sector, deadline (kind, due, phrase)."""
    _may_track(task, user)
    for name, label in (("content", "Nội dung"), ("lead", "Chủ trì")):
        if fields.get(name) is not None and not fields[name].strip():
            raise InputError(f"{label} nhiệm vụ không được để trống.", f"Nhập {label.lower()} rồi lưu lại.")
    changes: dict[str, Any] = {}
    for name in ("content", "sector", "documents"):
        if fields.get(name) is not None and nfc(fields[name].strip()) != (getattr(task, name) or ""):
            changes[name] = [getattr(task, name), nfc(fields[name].strip())]
            setattr(task, name, nfc(fields[name].strip()))
    if fields.get("lead") is not None and nfc(fields["lead"].strip()) != (task.lead_name or ""):
        unit = units.resolve(s, nfc(fields["lead"]), task.notice.unit_id)
        changes["lead"] = [task.lead_name, nfc(fields["lead"].strip())]
        task.lead_name, task.lead_unit_id = changes["lead"][1], unit.id if unit else None
    if fields.get("supports") is not None:
        names = [nfc(x.strip()) for x in fields["supports"] if x.strip()]
        if names != list(task.supports or []):
            changes["supports"] = [list(task.supports or []), names]
            task.supports = names
            units.link_supports(s, task, task.notice.unit_id)
    kind = fields.get("deadline_kind")
    if kind is not None or fields.get("due_on") is not None or fields.get("deadline_phrase"):
        kind = task.deadline_kind if kind is None else kind
        if kind not in KINDS:
            raise InputError(f"Loại thời hạn '{kind}' không có.", f"Chọn trong: {', '.join(k for k in KINDS if k)}.")
        phrase = fields.get("deadline_phrase") or task.deadline_phrase
        due = fields.get("due_on") if fields.get("due_on") is not None else task.due_on
        if kind == FIXED and not fields.get("deadline_phrase") and due != task.due_on:
            phrase = ""  # a new date: the old words ("trước ngày 31/12/2026") no longer hold
        if kind == FIXED and due is None:
            raise InputError("Thời hạn 'Có hạn cụ thể' cần ngày hạn xử lý.", "Nhập hạn xử lý.")
        new_due = effective_due(kind, due, phrase, task.notice.received_on)
        if kind == WITHIN_DAYS and task.notice.received_on and new_due is None:
            raise InputError(
                f"Không hiểu thời hạn '{phrase}'.", "Ghi dạng 'trong 10 ngày làm việc' hoặc 'trong 15 ngày'."
            )
        if (kind, phrase, new_due) != (task.deadline_kind, task.deadline_phrase, task.due_on):
            changes["deadline"] = [[task.deadline_kind, _iso(task.due_on)], [kind, _iso(new_due)]]
            if phrase != task.deadline_phrase:
                changes["deadline_phrase"] = [task.deadline_phrase, phrase]
        task.deadline_kind, task.deadline_phrase, task.due_on = kind, phrase, new_due
    record(s, task, user, "edit", nfc(fields.get("note") or ""), changes=changes)
    return task


def set_received(s: Session, notice: TrackedNotice, received_on: date, user: User) -> None:
    """The date the notice arrived: "trong N ngày" deadlines start counting on it."""
    notice.received_on = received_on
    for task in s.scalars(select(TrackedTask).where(TrackedTask.notice_id == notice.id)):
        if task.deadline_kind == WITHIN_DAYS:
            old = task.due_on
            task.due_on = effective_due(WITHIN_DAYS, None, task.deadline_phrase, received_on)
            record(
                s,
                task,
                user,
                "received",
                f"Ngày nhận văn bản: {received_on:%d/%m/%Y}",
                due=[_iso(old), _iso(task.due_on)],
            )


def add_evidence(
    s: Session,
    store: FileStore,
    task: TrackedTask,
    user: User,
    path: Path,
    name: str,
    sha256: str | None = None,
    size: int | None = None,
) -> TaskEvidence:
    """Attach an evidence file (minh chứng); stored once by content hash."""
    _may_update(task, user)
    if not (size if size is not None else path.stat().st_size):
        raise InputError(f"Tệp minh chứng '{name}' rỗng (0 byte).", "Chọn lại tệp rồi tải lên.")
    suffix = Path(name).suffix.lower()[:10]
    if sha256 is None:
        relative, sha256, size = store.put_file(path, suffix)
    else:
        relative = store.commit(path, sha256, suffix)
    evidence = TaskEvidence(
        task_id=task.id, sha256=sha256, size=size or 0, storage_path=relative, original_name=name, uploaded_by=user.id
    )
    s.add(evidence)
    s.flush()
    record(s, task, user, "evidence", f"Đính kèm minh chứng: {name}", evidence_id=evidence.id)
    return evidence


def remove_evidence(s: Session, task: TrackedTask, user: User, evidence_id: int) -> str:
    """Remove a wrong evidence file from the task (recorded in its history); returns its stored
    path, for the caller to remove once no other row names it."""
    _may_update(task, user)
    evidence = s.get(TaskEvidence, evidence_id)
    if evidence is None or evidence.task_id != task.id:
        raise NotFoundError(
            f"Nhiệm vụ {task.code} không có minh chứng #{evidence_id}.",
            "Tải lại trang để xem danh sách minh chứng hiện có.",
        )
    record(s, task, user, "evidence_removed", f"Xóa minh chứng: {evidence.original_name}", evidence_id=evidence.id)
    path = evidence.storage_path
    s.delete(evidence)
    s.flush()
    return path


def in_bulk(s: Session, user: User, task_ids: list[int], act: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """`act(task)` on each task the user may see, one savepoint each: a refusal (a task with no
    result, one already done) is reported and the others go through. Returns (codes done,
    refusals as {task_id, code, message, hint})."""
    done: list[str] = []
    refused: list[dict[str, Any]] = []
    for task_id in dict.fromkeys(task_ids):
        try:
            with s.begin_nested():
                task = visible_task(s, user, task_id)
                act(task)
            done.append(task.code)
        except KetluanError as e:
            code = s.scalar(select(TrackedTask.code).where(TrackedTask.id == task_id))
            refused.append({"task_id": task_id, "code": code or f"#{task_id}", "message": e.message, "hint": e.hint})
    return done, refused


def map_unit_name(s: Session, office_id: int, name: str, unit: Unit, user: User) -> int:
    """The tracker says which unit `name` means in the office's notices: remembered for later
    imports, and applied now to the office's tasks (each change in the task's history).
    Returns how many tasks changed."""
    if user.role_code not in (ADMIN, TRACKER) or (user.role_code == TRACKER and office_id != user.unit_id):
        raise AccessDenied(
            "Chỉ chuyên viên theo dõi của cơ quan giao nhiệm vụ làm được việc này.",
            "Đề nghị chuyên viên theo dõi xử lý.",
        )
    if not units.key(name):
        raise InputError("Chưa có tên đơn vị cần gán.", "Ghi tên đơn vị như văn bản viết.")
    units.set_alias(s, office_id, name, unit.id, user)
    wanted, changed = units.key(name), 0
    q = (
        select(TrackedTask)
        .join(TrackedNotice, TrackedNotice.id == TrackedTask.notice_id)
        .where(TrackedNotice.unit_id == office_id, TrackedTask.withdrawn.is_(False))
        .order_by(TrackedTask.id)
    )
    for task in s.scalars(q):
        as_lead = units.key(task.lead_name) == wanted and task.lead_unit_id != unit.id
        as_support = any(units.key(x) == wanted for x in task.supports or [])
        before = set(s.scalars(select(TaskSupport.unit_id).where(TaskSupport.task_id == task.id)))
        if as_lead:
            old = task.lead_unit.name if task.lead_unit else None
            task.lead_unit_id = unit.id
            record(
                s,
                task,
                user,
                "map_unit",
                f"Đơn vị chủ trì “{task.lead_name}” là {unit.name}",
                lead_unit=[old, unit.name],
            )
        if as_support and unit.id not in before:
            units.link_supports(s, task, office_id)
            record(
                s, task, user, "map_unit", f"Đơn vị phối hợp “{name.strip()}” là {unit.name}", support_unit=unit.name
            )
        changed += as_lead or (as_support and unit.id not in before)
    s.flush()
    return changed


def history(s: Session, task: TrackedTask) -> list[TaskEvent]:
    return list(s.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.at, TaskEvent.id)))


def evidence_of(s: Session, task: TrackedTask) -> list[TaskEvidence]:
    return list(s.scalars(select(TaskEvidence).where(TaskEvidence.task_id == task.id).order_by(TaskEvidence.id)))


def may_update(task: TrackedTask, user: User) -> bool:
    return (
        user.role_code == ADMIN
        or (user.role_code == UNIT and task.lead_unit_id == user.unit_id)
        or (user.role_code == TRACKER and task.notice.unit_id == user.unit_id)
    )


# -- helpers ------------------------------------------------------------------------------


def _may_update(task: TrackedTask, user: User) -> None:
    if not may_update(task, user):
        raise AccessDenied(
            "Bạn chỉ cập nhật được nhiệm vụ do đơn vị mình chủ trì.",
            "Liên hệ đơn vị chủ trì hoặc chuyên viên theo dõi.",
        )


def _may_track(task: TrackedTask, user: User) -> None:
    if user.role_code != ADMIN and not (user.role_code == TRACKER and task.notice.unit_id == user.unit_id):
        raise AccessDenied(
            "Chỉ chuyên viên theo dõi của cơ quan giao nhiệm vụ làm được việc này.",
            "Đề nghị chuyên viên theo dõi xử lý.",
        )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
