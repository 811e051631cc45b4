"""Drafts of the notice: storing a version, editing its task table, reading its tasks back,
what changed between versions, and an edited .docx coming back.

Every DraftVersion row is made by `add_version` (the worker's drafting stage, an edit in the web
page, an upload), numbered by `next_version`. The routes and the worker parse, call one of these,
audit and commit; nothing here commits.
"""

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from docx.document import Document as DocumentType
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import db
import drafting
from drafting.deadline import parse
from drafting.docxkit import stored_date
from drafting.reader import open_docx
from drafting.render import forget_tasks
from ketluan.errors import DocumentError, InputError, NotFoundError
from services.meetings import drafting_meeting
from tracking.matching import pair
from tracking.units import key

DOCX_SUFFIX = ".docx"


# -- versions ------------------------------------------------------------------------------


def latest_version(
    s: Session, model: type[db.TranscriptVersion] | type[db.DraftVersion], meeting_id: int
) -> int | None:
    """The meeting's newest version number of transcripts or drafts; None when it has none."""
    return s.scalar(select(func.max(model.version)).where(model.meeting_id == meeting_id))


def next_version(s: Session, model: type[db.TranscriptVersion] | type[db.DraftVersion], meeting_id: int) -> int:
    """The number the meeting's next transcript or draft version gets (1, 2, …)."""
    return (latest_version(s, model, meeting_id) or 0) + 1


@dataclass(frozen=True)
class Stored:
    """A file in the file store: where, its SHA-256 and its size."""

    path: str
    sha256: str
    size: int


def store_document(store: db.FileStore, document: DocumentType) -> Stored:
    """Save a python-docx document into the file store."""
    with store.incoming() as tmp:
        document.save(str(tmp))
        relative, sha, size = store.put_file(tmp, DOCX_SUFFIX)
    return Stored(relative, sha, size)


def add_version(
    s: Session,
    meeting: db.Meeting,
    source: str,
    stored: Stored,
    *,
    original_name: str | None = None,
    conclusion: dict[str, Any] | None = None,
    transcript_version_id: int | None = None,
    job_id: int | None = None,
    created_by: int | None = None,
) -> db.DraftVersion:
    """The one place a DraftVersion row is made: the next number, flushed (it has an id)."""
    draft = db.DraftVersion(
        meeting_id=meeting.id,
        version=next_version(s, db.DraftVersion, meeting.id),
        source=source,
        job_id=job_id,
        transcript_version_id=transcript_version_id,
        sha256=stored.sha256,
        size=stored.size,
        storage_path=stored.path,
        original_name=original_name or notice_name(meeting),
        conclusion=conclusion,
        created_by=created_by,
    )
    s.add(draft)
    s.flush()
    return draft


def notice_name(meeting: db.Meeting) -> str:
    return f"thong-bao-ket-luan-{meeting.id}.docx"


def find(s: Session, meeting_id: int, version: int) -> db.DraftVersion:
    draft = s.scalar(
        select(db.DraftVersion).where(db.DraftVersion.meeting_id == meeting_id, db.DraftVersion.version == version)
    )
    if draft is None:
        raise NotFoundError(
            f"Cuộc họp #{meeting_id} chưa có dự thảo phiên bản {version}.",
            "Xem danh sách dự thảo.",
        )
    return draft


def previous(s: Session, draft: db.DraftVersion) -> db.DraftVersion | None:
    return s.scalar(
        select(db.DraftVersion)
        .where(db.DraftVersion.meeting_id == draft.meeting_id, db.DraftVersion.version < draft.version)
        .order_by(db.DraftVersion.version.desc())
    )


# -- reading tasks ---------------------------------------------------------------------------


def read_tasks(store: db.FileStore, draft: db.DraftVersion) -> list[drafting.Task]:
    return drafting.read_notice(store.path(draft.storage_path))


def conclusion_of(store: db.FileStore, draft: db.DraftVersion) -> dict[str, Any]:
    """The draft's conclusion; for an uploaded file (no stored conclusion), its tasks read back."""
    if draft.conclusion is not None:
        return draft.conclusion
    return {"items": [], "tasks": [t.to_dict() for t in read_tasks(store, draft)], "opening": ""}


# -- editing the task table -----------------------------------------------------------------


class TaskEdit(Protocol):
    """One row of the edited task table (the web page's form)."""

    @property
    def id(self) -> str: ...
    @property
    def leads(self) -> list[str]: ...
    @property
    def supports(self) -> list[str]: ...
    @property
    def action(self) -> str: ...
    @property
    def deadline_phrase(self) -> str: ...


def edit(
    s: Session,
    store: db.FileStore,
    meeting: db.Meeting,
    base_version: int,
    edits: Sequence[TaskEdit],
    user_id: int,
    page: drafting.PageStyle | None = None,
) -> db.DraftVersion:
    """A new version ("edited") of draft `base_version` with its task table replaced by `edits`,
    the notice rendered again. A task keeps its identity (and its evidence, the chair's words)
    only by its own id; a new row gets a new id, never one a deleted task had. `page`: the
    notice's font and margins (PageStyle.from_settings in the caller)."""
    base = find(s, meeting.id, base_version)
    if base.conclusion is None:
        raise InputError(
            f"Phiên bản {base.version} là tệp tải lên, không có phần kết luận để sửa ở đây.",
            "Sửa trực tiếp trong Word rồi tải lên lại, hoặc chọn một phiên bản do máy soạn.",
        )
    data = dict(base.conclusion)
    old = {t.get("id"): t for t in data.get("tasks", [])}
    for n, row in enumerate(edits, 1):
        bad = bad_date(row.deadline_phrase)
        if bad:
            raise InputError(
                f"Nhiệm vụ {n}: ngày '{bad}' trong cột Thời hạn không có thật.",
                "Sửa lại theo dạng ngày/tháng/năm, ví dụ 30/06/2026, hoặc để trống nếu không có hạn.",
            )
    tasks: list[dict[str, Any]] = []
    used = {k for k in old if isinstance(k, str)}
    for row in edits:
        task = dict(old.get(row.id) or {}) if row.id else {}
        if not task:
            task = {"id": _new_id(used), "evidence": {}, "quote": ""}
        task.update(leads=row.leads, supports=row.supports, action=row.action)
        deadline = dict(task.get("deadline") or drafting.Deadline().to_dict())
        if row.deadline_phrase != deadline.get("phrase", ""):
            deadline = _deadline(row.deadline_phrase, meeting)
        task["deadline"] = deadline
        tasks.append(task)
    data["tasks"] = tasks
    conclusion = drafting.Conclusion.from_dict(data)
    kept = {t["id"] for t in tasks}
    removed = [drafting.Task.from_dict(t) for k, t in old.items() if k not in kept]
    forget_tasks(conclusion, removed)  # a deleted task does not stay as a plain sentence
    stored = store_document(store, drafting.render_notice(conclusion, drafting_meeting(meeting), page=page))
    return add_version(
        s,
        meeting,
        "edited",
        stored,
        conclusion=conclusion.to_dict(),
        transcript_version_id=base.transcript_version_id,
        created_by=user_id,
    )


def _deadline(phrase: str, meeting: db.Meeting) -> dict[str, Any]:
    """A typed deadline phrase, parsed like the extractor does ('trước 30/6/2026')."""
    if not phrase or meeting.date is None:
        return drafting.Deadline(phrase=phrase).to_dict()
    found = parse(phrase, meeting.date)
    found.phrase = found.phrase or phrase  # an unparsed phrase is kept as written
    return found.to_dict()


def _new_id(used: set[str]) -> str:
    n = 1
    while f"T{n}" in used:
        n += 1
    used.add(f"T{n}")
    return f"T{n}"


_DATES = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b")


def bad_date(phrase: str) -> str | None:
    """The first written date in `phrase` that does not exist (31/02/2026), else None."""
    for m in _DATES.finditer(phrase or ""):
        try:
            dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return m.group(0)
    return None


# -- what changed ----------------------------------------------------------------------------


@dataclass
class Changes:
    compared_with: int | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[dict[str, str]] = field(default_factory=list)
    unchanged: int = 0


def changes(s: Session, store: db.FileStore, draft: db.DraftVersion) -> Changes:
    """Tasks added, removed and changed in `draft` against the version before it, paired by
    tracking/matching.py (the tracking import's rule)."""
    before = previous(s, draft)
    new = [_task_line(t.to_dict()) for t in read_tasks(store, draft)]
    old: list[str] = []
    if before is not None:
        old = [_task_line(t) for t in conclusion_of(store, before).get("tasks", [])]
    return compare_lines(old, new, before.version if before else None)


def compare_lines(old: list[str], new: list[str], compared_with: int | None = None) -> Changes:
    """Two versions' task lines paired (tracking/matching.py); capitals, spaces and the Unicode
    form are not changes."""
    found = pair(old, new, lambda a, b: _same_text(a) == _same_text(b), _ratio)
    position = {id(line): k for k, line in enumerate(new)}
    similar = sorted(found.similar, key=lambda p: position[id(p[1])])
    return Changes(
        compared_with=compared_with,
        added=found.added,
        removed=found.removed,
        changed=[{"before": a, "after": b} for a, b in similar],
        unchanged=len(found.same),
    )


def _task_line(task: dict[str, Any]) -> str:
    leads = ", ".join(task.get("leads") or [])
    deadline = (task.get("deadline") or {}).get("phrase", "")
    return " — ".join(p for p in (task.get("action", "").strip(), leads, deadline) if p)


def _same_text(text: str) -> str:
    # capitals, spaces and the Unicode form are not changes ("hằng tháng" → "Hằng tháng"), nor
    # how a date is written: the notice prints "15-9-2026" for the "15/9/2026" typed in the page
    text = " ".join(unicodedata.normalize("NFC", text).casefold().split()).rstrip(" .;")
    return _DATE.sub(lambda m: f"{int(m[1])}/{int(m[2])}/{m[3]}", text)


_DATE = re.compile(r"\b(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})\b")


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _same_text(a), _same_text(b)).ratio()


# -- an edited .docx coming back ---------------------------------------------------------------


def check_upload(path: Path, shown: str, meeting: db.Meeting) -> None:
    """An uploaded draft: a safe .docx python-docx opens (drafting/reader.py: open_docx) and this
    meeting's notice: a "THÔNG BÁO" whose properties ketluan wrote for this meeting's date, or
    whose trích yếu or number is this meeting's. Anything else (the transcript export, the
    minutes, another meeting's notice) is refused by name."""
    doc = open_docx(path, shown)
    lines = [" ".join(p.text.split()) for p in doc.paragraphs if p.text.strip()]
    cells = [" ".join(c.text.split()) for t in doc.tables[:1] for r in t.rows for c in r.cells]
    at = next((k for k, line in enumerate(lines[:20]) if line.upper() == "THÔNG BÁO"), None)
    # the trích yếu (the lines under THÔNG BÁO) and the header: not the body, which may
    # mention other meetings
    summary = []
    for line in lines[at + 1 : at + 4] if at is not None else []:
        if re.fullmatch(r"[-_*\s]+", line) or line.lower().startswith("ngày "):
            break  # the rule under the trích yếu, or the body's first sentence
        summary.append(line)
    text = key(" ".join(summary + cells))
    ours = "ketluan" in (doc.core_properties.comments or "") and (
        meeting.date is None or stored_date(doc) == meeting.date
    )
    title = key(meeting.title or "")
    number = key(meeting.notice_number or "")
    same = (
        ours
        or (len(title) >= 8 and title in text)
        or (bool(number) and re.search(r"số:?\s*" + re.escape(number), text) is not None)
    )
    if not (at is not None and same):
        raise DocumentError(
            f"Tệp '{shown}' không phải thông báo kết luận của cuộc họp này.",
            f"Hãy chọn bản dự thảo của cuộc họp “{meeting.title}”: tải về bằng nút “Tải .docx” "
            "ở danh sách phiên bản dự thảo, sửa trong Word rồi tải lên lại (không chọn bản chép "
            "lời, biên bản hay thông báo của cuộc họp khác).",
        )
