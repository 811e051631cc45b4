"""Unit names as notices write them, and the units they mean.

Notices name units in free text ("Sở Tài chính", "Sở TC", "UBND các huyện"). A lead name
resolves to a unit (created when new, so that every task has a lead unit); a cooperating
unit's name (đơn vị phối hợp) resolves only to a unit that exists. A tracker can map any
name to a unit for the notices of the office (UnitName); that mapping is tried first.

    unit = resolve(s, "Sở TC", office_id=office.id)             # mapping, then name, then new
    link_supports(s, task, office.id)                           # who cooperates on the task
    names(s, office.id)                                         # every name in use, resolved
"""

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models import Unit, User
from db.tracking import TaskSupport, TrackedNotice, TrackedTask, UnitName


@dataclass
class NameUse:
    """A unit name found in an office's tasks: how often as lead / as cooperating unit, and
    the unit it resolves to now (`mapped`: through the tracker's mapping)."""

    name: str
    key: str
    lead_tasks: int = 0
    support_tasks: int = 0
    unit_ids: set[int] = field(default_factory=set)
    mapped_unit_id: int | None = None

    @property
    def mapped(self) -> bool:
        return self.mapped_unit_id is not None


def resolve(s: Session, name: str, office_id: int | None = None, create: bool = True) -> Unit | None:
    """The unit `name` means for the notices of `office_id`: the office's mapping first, then a
    unit of that name (case and spacing ignored), else a new unit when `create`."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name or "")).strip()
    if not name:
        return None
    wanted = key(name)
    if office_id is not None:
        mapped = s.scalar(select(UnitName.unit_id).where(UnitName.office_id == office_id, UnitName.key == wanted))
        if mapped is not None:
            return s.get(Unit, mapped)
    for unit in s.scalars(select(Unit).where(func.lower(Unit.name) == name.lower()).order_by(Unit.id)):
        return unit
    for unit in s.scalars(select(Unit).order_by(Unit.id)):
        if key(unit.name) == wanted:
            return unit
    if not create:
        return None
    base = "DV-" + (_slug(name)[:50] or "khong-ten")
    code, n = base, 1
    while s.scalar(select(Unit.id).where(Unit.code == code)):
        n += 1
        code = f"{base}-{n}"
    unit = Unit(code=code, name=name)
    s.add(unit)
    s.flush()
    return unit


class Resolver:
    """resolve() for many names at once (an import of thousands of tasks): the office's
    mappings and the units are read once, and new units remembered."""

    def __init__(self, s: Session, office_id: int | None) -> None:
        self.s, self.office_id = s, office_id
        self.mapped = dict(
            s.execute(select(UnitName.key, UnitName.unit_id).where(UnitName.office_id == office_id)).all()
        )
        self.exact: dict[str, Unit] = {}
        self.by_key: dict[str, Unit] = {}
        for unit in s.scalars(select(Unit).order_by(Unit.id)):
            self.exact.setdefault(unit.name.lower(), unit)
            self.by_key.setdefault(key(unit.name), unit)

    def __call__(self, name: str, create: bool = True) -> Unit | None:
        name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name or "")).strip()
        wanted = key(name)
        if not wanted:
            return None
        if wanted in self.mapped:
            return self.s.get(Unit, self.mapped[wanted])
        unit = self.exact.get(name.lower()) or self.by_key.get(wanted)
        if unit is None and create:
            unit = resolve(self.s, name, self.office_id, create=True)
            if unit is not None:
                self.exact[name.lower()], self.by_key[wanted] = unit, unit
        return unit


def link_supports(
    s: Session, task: TrackedTask, office_id: int, resolver: Resolver | None = None, new: bool = False
) -> list[int]:
    """Link the task to the units its `supports` names resolve to (no unit is created for a
    cooperating name: "các sở, ngành liên quan" is not a unit). Returns the unit ids.
    `new`: the task was just created, so it has no links to replace."""
    if task.id is None:
        s.flush()  # the task needs its id
    if not new:
        s.execute(delete(TaskSupport).where(TaskSupport.task_id == task.id))
    find = resolver or (lambda name, create: resolve(s, name, office_id, create))
    linked: list[int] = []
    for name in task.supports or []:
        unit = find(name, create=False)
        if unit is not None and unit.id not in linked:
            linked.append(unit.id)
            s.add(TaskSupport(task_id=task.id, unit_id=unit.id, name=name[:255]))
    return linked


def supports_of(s: Session, task_ids: list[int]) -> dict[int, list[int]]:
    """Cooperating unit ids per task id."""
    out: dict[int, list[int]] = {}
    for start in range(0, len(task_ids), 1000):  # bound the IN list
        chunk = task_ids[start : start + 1000]
        for task_id, unit_id in s.execute(
            select(TaskSupport.task_id, TaskSupport.unit_id)
            .where(TaskSupport.task_id.in_(chunk))
            .order_by(TaskSupport.task_id, TaskSupport.unit_id)
        ):
            out.setdefault(task_id, []).append(unit_id)
    return out


def names(s: Session, office_id: int) -> list[NameUse]:
    """Every unit name written in the office's (not withdrawn) tasks, with what it resolves to;
    names that resolve to no unit come first (they need the tracker)."""
    found: dict[str, NameUse] = {}
    tasks = s.execute(
        select(TrackedTask.id, TrackedTask.lead_name, TrackedTask.lead_unit_id, TrackedTask.supports)
        .join(TrackedNotice, TrackedNotice.id == TrackedTask.notice_id)
        .where(TrackedNotice.unit_id == office_id, TrackedTask.withdrawn.is_(False))
    ).all()
    linked = {
        (t, name): unit_id
        for t, name, unit_id in s.execute(
            select(TaskSupport.task_id, TaskSupport.name, TaskSupport.unit_id)
            .join(TrackedTask, TrackedTask.id == TaskSupport.task_id)
            .join(TrackedNotice, TrackedNotice.id == TrackedTask.notice_id)
            .where(TrackedNotice.unit_id == office_id)
        )
    }
    for task_id, lead, lead_unit_id, supports in tasks:
        if lead:
            use = found.setdefault(key(lead), NameUse(lead, key(lead)))
            use.lead_tasks += 1
            if lead_unit_id is not None:
                use.unit_ids.add(lead_unit_id)
        for name in supports or []:
            use = found.setdefault(key(name), NameUse(name, key(name)))
            use.support_tasks += 1
            if (task_id, name[:255]) in linked:
                use.unit_ids.add(linked[task_id, name[:255]])
    for alias in s.scalars(select(UnitName).where(UnitName.office_id == office_id)):
        if alias.key in found:
            found[alias.key].mapped_unit_id = alias.unit_id
    return sorted(found.values(), key=lambda u: (bool(u.unit_ids), u.key))


def set_alias(s: Session, office_id: int, name: str, unit_id: int, user: User | None) -> UnitName:
    """Remember that `name` means unit `unit_id` in the notices of `office_id`."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip()
    alias = s.scalar(select(UnitName).where(UnitName.office_id == office_id, UnitName.key == key(name)))
    if alias is None:
        alias = UnitName(
            office_id=office_id, key=key(name), name=name[:255], unit_id=unit_id, created_by=user.id if user else None
        )
        s.add(alias)
    else:
        alias.unit_id, alias.name = unit_id, name[:255]
    s.flush()
    return alias


def key(text: str | None) -> str:
    """A name compared without case, extra spaces or Unicode form differences."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip().lower()


def _slug(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-").upper()
