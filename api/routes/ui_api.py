"""JSON endpoints the web pages need beyond the service API: password change, restoring a
transcript version, a draft's conclusion (items and tasks), editing a draft's tasks, what
changed in an uploaded .docx, and the installed models. Same rules as every route: Allow(...)."""

import difflib
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

import db
import drafting
from api.deps import ADMIN, DB, DON_VI, EVERYONE, TONG_HOP, Allow, audit, check_password, visible_meeting
from api.middleware import LARGE_BODY, SMALL_BODY
from api.schemas import DraftOut, In, Name, TranscriptOut
from db import accounts
from drafting.deadline import parse
from drafting.render import forget_tasks
from ketluan.errors import InputError, NotFoundError
from models.store import ModelStore
from services.meeting_jobs import drafting_meeting

router = APIRouter(tags=["Giao diện web"])
Anyone = Annotated[db.User, Depends(Allow(*EVERYONE, DON_VI))]
Reader = Annotated[db.User, Depends(Allow(*EVERYONE))]
Drafter = Annotated[db.User, Depends(Allow(ADMIN, TONG_HOP))]
Admin = Annotated[db.User, Depends(Allow(ADMIN))]


class PasswordIn(In):
    old_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class RestoreIn(In):
    version: int = Field(ge=1)


class TaskEditIn(In):
    id: str = Field(default="", max_length=64)
    leads: list[Name] = Field(default_factory=list, max_length=50)
    supports: list[Name] = Field(default_factory=list, max_length=50)
    action: str = Field(min_length=1, max_length=5000)
    deadline_phrase: str = Field(default="", max_length=255)


class DraftEditIn(In):
    base_version: int = Field(ge=1, description="Phiên bản dự thảo có phần kết luận được sửa.")
    tasks: list[TaskEditIn] = Field(max_length=500)


class ConclusionOut(BaseModel):
    version: int
    source: str
    conclusion: dict[str, Any] | None


class ChangesOut(BaseModel):
    version: int
    compared_with: int | None
    added: list[str]
    removed: list[str]
    changed: list[dict[str, str]]
    unchanged: int


class ModelOut(BaseModel):
    name: str
    kind: str
    installed: bool
    default: bool
    size: int
    description: str


@router.post("/api/auth/password", status_code=204, openapi_extra=SMALL_BODY)
def change_password(body: PasswordIn, request: Request, user: Anyone, s: DB) -> None:
    """Đổi mật khẩu của chính mình (cần mật khẩu cũ)."""
    if check_password(request, s, user.username, body.old_password) is None:
        # 400, not 401: the session is fine, only the typed password is wrong.
        raise InputError("Mật khẩu hiện tại không đúng.", "Nhập lại mật khẩu hiện tại.")
    if body.new_password == body.old_password:
        raise InputError("Mật khẩu mới trùng mật khẩu cũ.", "Chọn một mật khẩu khác.")
    accounts.set_password(s, user, body.new_password)
    audit(s, request, user, "update", "password", user.id)
    s.commit()


@router.post("/api/meetings/{meeting_id}/transcript/restore", response_model=TranscriptOut)
def restore_transcript(meeting_id: int, body: RestoreIn, request: Request, user: Drafter, s: DB) -> TranscriptOut:
    """Khôi phục một phiên bản cũ: chép nó thành phiên bản mới nhất (không xóa gì)."""
    meeting = visible_meeting(s, user, meeting_id)
    old = s.scalar(
        select(db.TranscriptVersion).where(
            db.TranscriptVersion.meeting_id == meeting.id,
            db.TranscriptVersion.version == body.version,
        )
    )
    if old is None:
        raise NotFoundError(f"Không có phiên bản {body.version}.", "Chọn trong danh sách phiên bản.")
    tv = db.TranscriptVersion(
        meeting_id=meeting.id,
        version=_latest(s, db.TranscriptVersion, meeting.id) + 1,
        source="restore",
        data=old.data,
        speaker_embeddings=old.speaker_embeddings,
        note=f"khôi phục phiên bản {old.version}",
        created_by=user.id,
    )
    s.add(tv)
    s.flush()
    audit(s, request, user, "update", "transcript", tv.id, meeting.id, restored=old.version)
    s.commit()
    return TranscriptOut.of(tv)


@router.get("/api/meetings/{meeting_id}/drafts/{version}/conclusion", response_model=ConclusionOut)
def draft_conclusion(meeting_id: int, version: int, request: Request, user: Reader, s: DB):
    """Phần kết luận và bảng nhiệm vụ của một phiên bản dự thảo (bản tải lên: đọc từ .docx)."""
    meeting = visible_meeting(s, user, meeting_id)
    draft = _draft(s, meeting.id, version)
    data = draft.conclusion
    if data is None:
        tasks = _read_tasks(request, draft)
        data = {"items": [], "tasks": [t.to_dict() for t in tasks], "opening": ""}
    audit(s, request, user, "read", "draft", draft.id, meeting.id, version=draft.version, part="conclusion")
    s.commit()
    return ConclusionOut(version=draft.version, source=draft.source, conclusion=data)


@router.post("/api/meetings/{meeting_id}/drafts/edit", response_model=DraftOut, status_code=201,
             openapi_extra=LARGE_BODY)
async def edit_draft(meeting_id: int, body: DraftEditIn, request: Request, user: Drafter, s: DB):
    """Sửa bảng nhiệm vụ của một dự thảo đã soạn và tạo lại tệp .docx (phiên bản mới)."""
    return await run_in_threadpool(_edit_draft, meeting_id, body, request, user, s)


@router.get("/api/meetings/{meeting_id}/drafts/{version}/changes", response_model=ChangesOut)
def draft_changes(meeting_id: int, version: int, request: Request, user: Reader, s: DB):
    """Nhiệm vụ thêm, bỏ, sửa trong phiên bản này so với phiên bản trước đó."""
    meeting = visible_meeting(s, user, meeting_id)
    draft = _draft(s, meeting.id, version)
    previous = s.scalar(
        select(db.DraftVersion)
        .where(db.DraftVersion.meeting_id == meeting.id, db.DraftVersion.version < version)
        .order_by(db.DraftVersion.version.desc())
    )
    new = [_task_line(t.to_dict()) for t in _read_tasks(request, draft)]
    old: list[str] = []
    if previous is not None:
        if previous.conclusion is not None:
            old = [_task_line(t) for t in previous.conclusion.get("tasks", [])]
        else:
            old = [_task_line(t.to_dict()) for t in _read_tasks(request, previous)]
    added, removed, changed, same = _compare(old, new)
    audit(s, request, user, "read", "draft", draft.id, meeting.id, version=draft.version, part="changes")
    s.commit()
    return ChangesOut(
        version=draft.version,
        compared_with=previous.version if previous else None,
        added=added,
        removed=removed,
        changed=changed,
        unchanged=same,
    )


@router.get("/api/models", response_model=list[ModelOut])
def list_models(request: Request, user: Admin) -> list[ModelOut]:
    """Các mô hình trong kho mô hình cục bộ (chỉ xem)."""
    store = ModelStore(request.app.state.settings.model_store_dir)
    return [
        ModelOut(
            name=m.name,
            kind=m.kind,
            installed=m.installed,
            default=m.default,
            size=m.size,
            description=m.description,
        )
        for m in store.status()
    ]


# -- helpers ----------------------------------------------------------------------------


def _edit_draft(meeting_id: int, body: DraftEditIn, request: Request, user: db.User, s):
    meeting = visible_meeting(s, user, meeting_id)
    base = _draft(s, meeting.id, body.base_version)
    if base.conclusion is None:
        raise InputError(
            f"Phiên bản {base.version} là tệp tải lên, không có phần kết luận để sửa ở đây.",
            "Sửa trực tiếp trong Word rồi tải lên lại, hoặc chọn một phiên bản do máy soạn.",
        )
    data = dict(base.conclusion)
    old = {t.get("id"): t for t in data.get("tasks", [])}
    for n, edit in enumerate(body.tasks, 1):
        bad = bad_date(edit.deadline_phrase)
        if bad:
            raise InputError(
                f"Nhiệm vụ {n}: ngày '{bad}' trong cột Thời hạn không có thật.",
                "Sửa lại theo dạng ngày/tháng/năm, ví dụ 30/06/2026, hoặc để trống nếu không có hạn.")
    tasks, used = [], set(old)
    for edit in body.tasks:
        # a task keeps its identity (and its evidence, the chair's words) only by its own id;
        # a new row gets a new id, never one a deleted task had
        task = dict(old.get(edit.id) or {}) if edit.id else {}
        if not task:
            task = {"id": _new_id(used), "evidence": {}, "quote": ""}
        task.update(leads=edit.leads, supports=edit.supports, action=edit.action)
        deadline = dict(task.get("deadline") or {"kind": "none", "due": None})
        if edit.deadline_phrase != deadline.get("phrase", ""):
            deadline = _deadline(edit.deadline_phrase, meeting)
        task["deadline"] = deadline
        tasks.append(task)
    data["tasks"] = tasks
    conclusion = drafting.Conclusion.from_dict(data)
    kept = {t["id"] for t in tasks}
    removed = [drafting.Task.from_dict(t) for k, t in old.items() if k not in kept]
    forget_tasks(conclusion, removed)  # a deleted task does not stay as a plain sentence
    document = drafting.render_notice(conclusion, drafting_meeting(meeting))
    store = request.app.state.store
    with store.incoming() as tmp:
        document.save(str(tmp))
        relative, sha, size = store.put_file(tmp, ".docx")
    draft = db.DraftVersion(
        meeting_id=meeting.id,
        version=_latest(s, db.DraftVersion, meeting.id) + 1,
        source="edited",
        transcript_version_id=base.transcript_version_id,
        sha256=sha,
        size=size,
        storage_path=relative,
        original_name=f"thong-bao-ket-luan-{meeting.id}.docx",
        conclusion=conclusion.to_dict(),
        created_by=user.id,
    )
    s.add(draft)
    s.flush()
    audit(s, request, user, "create", "draft", draft.id, meeting.id, edited=base.version)
    s.commit()
    return draft


def _deadline(phrase: str, meeting: db.Meeting) -> dict[str, Any]:
    """A typed deadline phrase, parsed like the extractor does ('trước 30/6/2026')."""
    if not phrase:
        return {"kind": "none", "due": None, "phrase": ""}
    if meeting.date is None:
        return _raw(phrase)
    found = parse(phrase, meeting.date)
    found.phrase = found.phrase or phrase  # an unparsed phrase is kept as written
    return found.to_dict()


def _new_id(used: set) -> str:
    n = 1
    while f"T{n}" in used:
        n += 1
    used.add(f"T{n}")
    return f"T{n}"


_DATES = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b")


def bad_date(phrase: str) -> str | None:
    """The first written date in `phrase` that does not exist (31/02/2026), else None."""
    import datetime as dt

    for m in _DATES.finditer(phrase or ""):
        try:
            dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return m.group(0)
    return None


def _raw(phrase: str) -> dict[str, Any]:
    return {"kind": "none", "due": None, "phrase": phrase}


def _read_tasks(request: Request, draft: db.DraftVersion):
    return drafting.read_notice(request.app.state.store.path(draft.storage_path))


def _task_line(task: dict[str, Any]) -> str:
    leads = ", ".join(task.get("leads") or [])
    deadline = (task.get("deadline") or {}).get("phrase", "")
    return " — ".join(p for p in (task.get("action", "").strip(), leads, deadline) if p)


def _compare(old: list[str], new: list[str]):
    """Pair tasks by similarity: equal, changed (similar), added, removed."""
    left, added, changed, same = list(old), [], [], 0
    for line in new:
        # capitals, spaces and the Unicode form are not changes ("hằng tháng" → "Hằng tháng")
        equal = next((o for o in left if _same_text(o) == _same_text(line)), None)
        if equal is not None:
            left.remove(equal)
            same += 1
            continue
        best = max(left, key=lambda o: _ratio(o, line), default=None)
        if best is not None and _ratio(best, line) >= 0.6:
            left.remove(best)
            changed.append({"before": best, "after": line})
        else:
            added.append(line)
    return added, left, changed, same


def _same_text(text: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", text).casefold().split()).rstrip(" .;")


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _same_text(a), _same_text(b)).ratio()


def _draft(s, meeting_id: int, version: int) -> db.DraftVersion:
    draft = s.scalar(
        select(db.DraftVersion).where(db.DraftVersion.meeting_id == meeting_id, db.DraftVersion.version == version)
    )
    if draft is None:
        raise NotFoundError(
            f"Cuộc họp #{meeting_id} chưa có dự thảo phiên bản {version}.",
            "Xem danh sách dự thảo.",
        )
    return draft


def _latest(s, model, meeting_id: int) -> int:
    return s.scalar(select(func.max(model.version)).where(model.meeting_id == meeting_id)) or 0
