"""Import: parsed notices → a preview with its diff → (the tracker confirms) → saved tasks.

    pending = preview(s, notices, unit_id=office.id, user=tracker)  # nothing saved but the preview
    pending.payload["notices"][0]["diff"]                            # added / removed / changed
    result = confirm(s, pending.id, user=tracker)                    # tasks created or updated
    confirm(s, pending.id, tracker, reject=[Item(0, "changed", task_id)])  # all but that change

A notice is known by (office, number, date of issue). Importing it again matches its tasks
to the saved ones (same text and lead first, then the most similar text), so nothing is
duplicated; what differs is shown as the diff, and only confirming applies it. The tracker
may turn down single items of the diff: a rejected change or withdrawal leaves the task as it
was and says so in its history; a rejected new task is not created.
"""

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import User, utcnow
from db.tracking import PendingImport, TaskEvent, TrackedNotice, TrackedTask
from ketluan.errors import ConflictError, InputError, NotFoundError
from tracking import units
from tracking.matching import pair
from tracking.source import ParsedNotice, ParsedTask
from tracking.status import FIXED, KINDS, WITHIN_DAYS, effective_due
from transcribe.transcript import nfc

COMPARED = ("content", "lead", "supports", "deadline")
OPTIONAL = ("sector", "documents")  # compared only when the file fills them in


@dataclass
class Applied:
    notices: list[int] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    rejected: int = 0  # items of the diff the tracker turned down


@dataclass(frozen=True)
class Item:
    """One item of a preview's diff: `notice` is the notice's place in the preview; `ref` is
    the task's place in that notice for an added task, the saved task's id otherwise."""

    notice: int
    kind: Literal["added", "removed", "changed"]
    ref: int


def preview(
    s: Session, notices: list[ParsedNotice], unit_id: int, user: User | None = None, source_name: str = ""
) -> PendingImport:
    """Save the parsed notices with their diffs as a PendingImport to confirm later."""
    if not notices or not any(n.tasks for n in notices):
        raise InputError(
            "Không tìm thấy nhiệm vụ nào để nhập.",
            "Kiểm tra lại tệp: thông báo cần có bảng nhiệm vụ hoặc các câu giao việc.",
        )
    payload = {"notices": [{"notice": n.to_dict(), "diff": diff(s, n, unit_id)} for n in notices]}
    first = notices[0]
    pending = PendingImport(
        unit_id=unit_id,
        source_kind=first.source_kind,
        source_name=source_name or first.source_name,
        source_sha256=first.sha256,
        payload=payload,
        created_by=user.id if user else None,
    )
    s.add(pending)
    s.flush()
    return pending


def confirm(
    s: Session, import_id: int, user: User | None = None, reject: Iterable[Item] = (), note: str = ""
) -> Applied:
    """Apply a previewed import, if the saved tasks have not changed since the preview;
    the items in `reject` are left out (`note`: why, for the tasks' history)."""
    pending = s.get(PendingImport, import_id)
    if pending is None:
        raise NotFoundError(f"Không có lần nhập #{import_id}.", "Tải tệp lên để xem trước lại.")
    if pending.state != "preview":
        what = "đã được xác nhận" if pending.state == "applied" else "đã bị hủy"
        raise ConflictError(f"Lần nhập #{import_id} {what}.", "Tải tệp lên lại nếu cần nhập tiếp.")
    rejected = _check_items(pending.payload["notices"], reject)
    result = Applied()
    for k, entry in enumerate(pending.payload["notices"]):
        notice = ParsedNotice.from_dict(entry["notice"])
        if diff(s, notice, pending.unit_id) != entry["diff"]:
            raise ConflictError(
                f"Nhiệm vụ của thông báo {notice.number} đã thay đổi từ lúc xem trước.",
                "Hãy xem trước lại rồi xác nhận.",
            )
        _apply(
            s,
            notice,
            entry["diff"],
            pending,
            user,
            result,
            {(i.kind, i.ref) for i in rejected if i.notice == k},
            nfc(note.strip()),
        )
    pending.state, pending.applied_at = "applied", utcnow()
    # The decisions stay with the import: a rejected new task has no history of its own.
    pending.payload = {
        **pending.payload,
        "rejected": [
            {"notice": i.notice, "kind": i.kind, "ref": i.ref}
            for i in sorted(rejected, key=lambda i: (i.notice, i.kind, i.ref))
        ],
        "note": nfc(note.strip()),
    }
    s.flush()
    return result


def cancel(s: Session, import_id: int) -> None:
    pending = s.get(PendingImport, import_id)
    if pending is not None and pending.state == "preview":
        pending.state = "cancelled"


def diff(s: Session, notice: ParsedNotice, unit_id: int) -> dict[str, Any]:
    """What importing `notice` would change: added, removed and changed tasks (JSON)."""
    saved = find_notice(s, unit_id, notice)
    old = (
        []
        if saved is None
        else list(
            s.scalars(
                select(TrackedTask)
                .where(TrackedTask.notice_id == saved.id, TrackedTask.withdrawn.is_(False))
                .order_by(TrackedTask.seq)
            )
        )
    )
    pairs, added, removed = match(old, notice.tasks)
    index = {id(t): k for k, t in enumerate(notice.tasks)}  # by identity: texts may repeat
    changed, unchanged = [], 0
    for task, new in pairs:
        changes = _changes(task, new)
        if changes:
            changed.append({"id": task.id, "code": task.code, "index": index[id(new)], "changes": changes})
        else:
            unchanged += 1
    return {
        "notice_id": saved.id if saved else None,
        "added": [index[id(t)] for t in added],
        "removed": [{"id": t.id, "code": t.code, "content": t.content, "lead": t.lead_name} for t in removed],
        "changed": changed,
        "unchanged": unchanged,
    }


def match(old: list[TrackedTask], new: list[ParsedTask]):
    """Pair saved tasks with parsed ones: identical text and lead first, then similar text
    (tracking/matching.py)."""
    found = pair(
        old, new, lambda t, n: _key(n.content) == _key(t.content) and _key(n.lead) == _key(t.lead_name), _similarity
    )
    return found.same + found.similar, found.added, found.removed


def find_notice(s: Session, unit_id: int, notice: ParsedNotice) -> TrackedNotice | None:
    return s.scalar(
        select(TrackedNotice).where(
            TrackedNotice.unit_id == unit_id,
            TrackedNotice.number == notice.number,
            TrackedNotice.issued_on == notice.issued_on,
        )
    )


resolve_unit = units.resolve  # (s, name, office_id=None, create=True): mapping, name, or new


def record(s: Session, task: TrackedTask, user: User | None, action: str, note: str = "", **detail: Any) -> None:
    """One line of the task's history."""
    s.add(
        TaskEvent(
            task_id=task.id,
            user_id=user.id if user else None,
            username=user.username if user else "",
            action=action,
            note=note,
            detail=detail,
        )
    )


# -- helpers ------------------------------------------------------------------------------


def _check_items(notices: list[dict[str, Any]], items: Iterable[Item]) -> set[Item]:
    """The rejected items, each checked against the preview it refers to."""
    out = set()
    for item in items:
        d = notices[item.notice]["diff"] if 0 <= item.notice < len(notices) else None
        known = d is not None and (
            item.ref in d["added"]
            if item.kind == "added"
            else any(x["id"] == item.ref for x in d["removed"])
            if item.kind == "removed"
            else any(x["id"] == item.ref for x in d["changed"])
            if item.kind == "changed"
            else False
        )
        if not known:
            raise InputError(
                f"Mục '{item.kind} {item.ref}' (văn bản thứ {item.notice + 1}) không có trong bản xem trước.",
                "Tải lại bản xem trước rồi chọn lại các mục không nhận.",
            )
        out.add(item)
    return out


def _apply(
    s: Session,
    parsed: ParsedNotice,
    d: dict[str, Any],
    pending: PendingImport,
    user: User | None,
    result: Applied,
    rejected: AbstractSet[tuple[str, int]] = frozenset(),
    note: str = "",
) -> None:
    notice = s.get(TrackedNotice, d["notice_id"]) if d["notice_id"] else None
    if notice is None:
        notice = TrackedNotice(
            unit_id=pending.unit_id,
            number=parsed.number,
            issued_on=parsed.issued_on,
            created_by=user.id if user else None,
        )
        s.add(notice)
    notice.title = parsed.title or notice.title
    notice.issuing_body = parsed.issuing_body or notice.issuing_body
    notice.meeting = parsed.meeting or notice.meeting
    notice.received_on = parsed.received_on or notice.received_on
    notice.meeting_id = parsed.meeting_id or notice.meeting_id
    notice.source_kind, notice.source_name = parsed.source_kind, parsed.source_name
    notice.source_sha256 = parsed.sha256
    s.flush()
    result.notices.append(notice.id)
    source = {"import_id": pending.id, "file": parsed.source_name}
    find = units.Resolver(s, notice.unit_id)
    for entry in d["changed"]:
        task = s.get(TrackedTask, entry["id"])
        if task is None:  # deleted since the preview: nothing left to change
            continue
        if ("changed", task.id) in rejected:
            record(
                s,
                task,
                user,
                "reimport_rejected",
                note or "Không nhận thay đổi của văn bản nhập lại",
                changes=entry["changes"],
                **source,
            )
            result.rejected += 1
            continue
        new = parsed.tasks[entry["index"]]
        if _fill(task, new, notice, find):
            units.link_supports(s, task, notice.unit_id, find)
        record(s, task, user, "reimport", "Cập nhật theo văn bản nhập lại", changes=entry["changes"], **source)
        result.changed += 1
    for gone in d["removed"]:
        task = s.get(TrackedTask, gone["id"])
        if task is None:  # deleted since the preview: already gone
            continue
        if ("removed", task.id) in rejected:
            record(
                s,
                task,
                user,
                "withdraw_rejected",
                note or "Vẫn theo dõi, dù không còn trong văn bản nhập lại",
                **source,
            )
            result.rejected += 1
            continue
        task.withdrawn = True
        record(s, task, user, "withdraw", "Không còn trong văn bản nhập lại", **source)
        result.removed += 1
    seq = s.scalar(select(func.max(TrackedTask.seq)).where(TrackedTask.notice_id == notice.id)) or 0
    taken = set(
        s.scalars(
            select(TrackedTask.code).where(TrackedTask.code.startswith(f"{notice.number}/{notice.issued_on.year}-"))
        )
    )
    created = []
    for index in d["added"]:
        if ("added", index) in rejected:
            result.rejected += 1
            continue
        seq += 1
        task = TrackedTask(notice_id=notice.id, seq=seq, code=_code(notice, seq, taken))
        _fill(task, parsed.tasks[index], notice, find)
        created.append(task)
    s.add_all(created)
    s.flush()  # one INSERT round for the list, then their links and history
    for task in created:
        units.link_supports(s, task, notice.unit_id, find, new=True)
        record(s, task, user, "import", f"Nhập từ {parsed.source_name or 'tệp'}", **source)
        result.added += 1
    result.unchanged += d["unchanged"]
    s.flush()


def _fill(task: TrackedTask, new: ParsedTask, notice: TrackedNotice, find: units.Resolver) -> bool:
    """Copy the parsed task in; True when its cooperating units must be linked again."""
    task.content = new.content
    if _key(new.lead) != _key(task.lead_name or "") or task.lead_unit_id is None:
        unit = find(new.lead)
        task.lead_unit_id = unit.id if unit else None
    task.lead_name = new.lead
    relink = task.id is None or list(task.supports or []) != list(new.supports)
    task.supports = list(new.supports)
    task.deadline_kind, task.deadline_phrase = new.deadline_kind, new.deadline_phrase
    task.due_on = effective_due(new.deadline_kind, new.due, new.deadline_phrase, notice.received_on)
    task.sector = new.sector or task.sector or ""
    task.documents = new.documents or task.documents or ""
    task.quote = new.quote or task.quote or ""
    task.audio_start = new.audio_start if new.audio_start is not None else task.audio_start
    task.audio_end = new.audio_end if new.audio_end is not None else task.audio_end
    return relink


def _changes(task: TrackedTask, new: ParsedTask) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    if _key(task.content) != _key(new.content):
        out["content"] = [task.content, new.content]
    if _key(task.lead_name) != _key(new.lead):
        out["lead"] = [task.lead_name, new.lead]
    if [_key(x) for x in task.supports or []] != [_key(x) for x in new.supports]:
        out["supports"] = [list(task.supports or []), list(new.supports)]
    new_due = new.due if new.deadline_kind == FIXED else None
    if _deadline_of(task.deadline_kind, task.due_on, task.deadline_phrase) != _deadline_of(
        new.deadline_kind, new_due, new.deadline_phrase
    ):
        out["deadline"] = [
            _deadline_text(task.deadline_kind, task.due_on, task.deadline_phrase),
            _deadline_text(new.deadline_kind, new.due, new.deadline_phrase),
        ]
    for name in OPTIONAL:
        value = getattr(new, name)
        if value and _key(value) != _key(getattr(task, name) or ""):
            out[name] = [getattr(task, name), value]
    return out


def _deadline_of(kind, due, phrase):
    if kind == FIXED:
        return kind, due
    if kind == WITHIN_DAYS:
        return kind, _key(phrase)
    return (kind,)


def _deadline_text(kind, due, phrase) -> str:
    if kind == FIXED and due:
        return f"{KINDS[kind]}: {due:%d/%m/%Y}"
    return f"{KINDS.get(kind, kind)}{': ' + phrase if phrase else ''}"


def _similarity(t: TrackedTask, n: ParsedTask) -> float:
    ratio = SequenceMatcher(None, _key(t.content), _key(n.content), autojunk=False).ratio()
    return ratio + (0.05 if _key(t.lead_name) == _key(n.lead) else 0.0)


def _code(notice: TrackedNotice, seq: int, taken: set[str]) -> str:
    """The task's code (mã nhiệm vụ); `taken`: codes already used with the same start."""
    code = f"{notice.number}/{notice.issued_on.year}-{seq:02d}"
    if code in taken:
        code = f"{code}.{notice.unit.code if notice.unit else notice.unit_id}"
    taken.add(code)
    return code


_key = units.key
