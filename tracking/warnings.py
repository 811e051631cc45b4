"""Dashboard queries and warnings with escalation, as in-app notifications and e-mail.

    overdue_by_unit(s, today, user)        → [(unit, name, overdue, special)]
    warnings_list(s, today, rules, user)   → [Warning] (vàng, đỏ, đỏ đặc biệt)
    notify(s, today, rules, mailer)        → new Notification rows, e-mailed when configured

Levels come from tracking.status.warning_of; the SQL only narrows the rows to those that can
carry a warning (open, with a deadline no later than the "near" cutoff), so both agree.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from db.models import Unit, User
from db.tracking import Notification, TrackedNotice, TrackedTask, UnitContact
from ketluan.roles import Can, Role, can
from tracking.mail import Mailer
from tracking.status import (
    DEFAULT_RULES,
    FIXED,
    LEVELS,
    RED,
    SPECIAL_RED,
    SUBMITTED,
    WITHIN_DAYS,
    YELLOW,
    Rules,
    TaskState,
    near_cutoff,
    special_cutoff,
    warning_of,
)
from tracking.tasks import scope

DATED = (FIXED, WITHIN_DAYS)


@dataclass
class Warning:
    task_id: int
    code: str
    content: str
    lead_unit_id: int | None
    lead: str
    notice_unit_id: int
    notice: str
    due_on: date
    level: str
    days_overdue: int

    @property
    def level_name(self) -> str:
        return LEVELS[self.level]


def overdue_by_unit(
    s: Session, today: date, user: User | None = None, rules: Rules = DEFAULT_RULES
) -> list[tuple[int | None, str, int, int]]:
    """Per lead unit: open tasks past their deadline, and how many of them are "đặc biệt"."""
    special = special_cutoff(today, rules)
    q = (
        select(
            TrackedTask.lead_unit_id,
            func.coalesce(Unit.name, TrackedTask.lead_name),
            func.count(),
            func.sum(case((TrackedTask.due_on < special, 1), else_=0)),
        )
        .outerjoin(Unit, Unit.id == TrackedTask.lead_unit_id)
        .where(_open(), TrackedTask.due_on < today)
        .group_by(TrackedTask.lead_unit_id, func.coalesce(Unit.name, TrackedTask.lead_name))
        .order_by(func.count().desc())
    )
    if user is not None:
        q = scope(q, user, supports=False)
    return [(uid, name, int(n), int(sp or 0)) for uid, name, n, sp in s.execute(q)]


def warnings_list(
    s: Session,
    today: date,
    rules: Rules = DEFAULT_RULES,
    user: User | None = None,
    level: str | None = None,
    limit: int | None = None,
) -> list[Warning]:
    """Open tasks with a warning, the most overdue first."""
    q = (
        select(
            TrackedTask.id,
            TrackedTask.code,
            TrackedTask.content,
            TrackedTask.lead_unit_id,
            TrackedTask.lead_name,
            TrackedNotice.unit_id,
            TrackedNotice.number,
            TrackedTask.deadline_kind,
            TrackedTask.due_on,
            TrackedTask.result_state,
            TrackedTask.reported_on,
        )
        .join(TrackedNotice, TrackedNotice.id == TrackedTask.notice_id)
        .where(_open(), TrackedTask.due_on <= near_cutoff(today, rules))
        .order_by(TrackedTask.due_on, TrackedTask.id)
    )
    if level == YELLOW:
        q = q.where(TrackedTask.due_on >= today, TrackedTask.result_state != SUBMITTED)
    elif level in (RED, SPECIAL_RED):
        q = q.where(TrackedTask.due_on < today)
    if user is not None:
        q = scope(q, user, supports=False)
    out = []
    for row in s.execute(q):
        state = TaskState(row.deadline_kind, row.due_on, False, None, row.result_state, row.reported_on)
        found = warning_of(state, today, rules)
        if found is None or (level and found != level):
            continue
        out.append(
            Warning(
                row.id,
                row.code,
                row.content,
                row.lead_unit_id,
                row.lead_name,
                row.unit_id,
                row.number,
                row.due_on,
                found,
                max(0, (today - row.due_on).days),
            )
        )
        if limit and len(out) >= limit:
            break
    return out


def warning_counts(s: Session, today: date, rules: Rules = DEFAULT_RULES, user: User | None = None) -> dict[str, int]:
    """How many tasks carry each warning level: warning_of's rules as one SQL aggregate
    (tests/test_tracking_dashboard.py checks that both agree)."""
    t = TrackedTask
    overdue = and_(
        t.due_on < today, ~and_(t.result_state == SUBMITTED, func.coalesce(t.reported_on, today) <= t.due_on)
    )
    special = special_cutoff(today, rules)
    q = select(
        func.sum(case((and_(t.due_on >= today, t.result_state != SUBMITTED), 1), else_=0)),
        func.sum(case((and_(overdue, t.due_on >= special), 1), else_=0)),
        func.sum(case((and_(overdue, t.due_on < special), 1), else_=0)),
    ).where(_open(), t.due_on <= near_cutoff(today, rules))
    if user is not None:
        q = scope(q, user, supports=False)
    yellow, red, special_red = s.execute(q).one()
    return {YELLOW: int(yellow or 0), RED: int(red or 0), SPECIAL_RED: int(special_red or 0)}


def notify(
    s: Session, today: date, rules: Rules = DEFAULT_RULES, mailer: Mailer | None = None, user: User | None = None
) -> list[Notification]:
    """Create the notifications today's warnings call for (once per task, level, audience and
    deadline), and e-mail them when a mail relay is configured.

    vàng → the unit; đỏ → the unit and its head; đỏ đặc biệt → also the assigning office.
    With `user`, only the tasks that user sees (a tracker runs it for the office's notices).
    """
    created: list[Notification] = []
    for w in warnings_list(s, today, rules, user):
        audiences = [("unit", w.lead_unit_id)]
        if w.level in (RED, SPECIAL_RED):
            audiences.append(("unit_head", w.lead_unit_id))
        if w.level == SPECIAL_RED:
            audiences.append(("assigner", w.notice_unit_id))
        for audience, unit_id in audiences:
            if unit_id is None:
                continue
            key = f"{w.task_id}:{w.level}:{audience}:{w.due_on.isoformat()}"
            if s.scalar(select(Notification.id).where(Notification.key == key)):
                continue
            note = Notification(
                key=key, task_id=w.task_id, unit_id=unit_id, audience=audience, level=w.level, message=message(w)
            )
            s.add(note)
            created.append(note)
    s.flush()
    if mailer is not None and mailer.enabled:
        for note in created:
            _email(s, mailer, note)
    return created


def message(w: Warning) -> str:
    if w.level == YELLOW:
        left = f"hạn xử lý {w.due_on:%d/%m/%Y}"
        return f"[{w.level_name}] Nhiệm vụ {w.code} ({w.lead}) sắp đến {left}, chưa có kết quả: {_short(w.content)}"
    return (
        f"[{w.level_name}] Nhiệm vụ {w.code} ({w.lead}) quá hạn {w.days_overdue} ngày "
        f"(hạn {w.due_on:%d/%m/%Y}, {w.notice}): {_short(w.content)}"
    )


def notifications_for(s: Session, user: User, unread_only: bool = False, limit: int = 200) -> list[Notification]:
    """A unit's staff read the unit's notifications; the assigning office reads its own."""
    q = _audience(select(Notification), user)
    if unread_only:
        q = q.where(Notification.read_at.is_(None))
    q = q.order_by(Notification.created_at.desc(), Notification.id.desc())
    return list(s.scalars(q.limit(limit)))


def notification_for(s: Session, user: User, notification_id: int) -> Notification | None:
    return s.scalar(_audience(select(Notification), user).where(Notification.id == notification_id))


# -- helpers ------------------------------------------------------------------------------


def _audience(q, user: User):
    if user.role_code == Role.DON_VI:
        return q.where(Notification.unit_id == user.unit_id, Notification.audience.in_(("unit", "unit_head")))
    if not can(user.role_code, Can.ALL_UNITS):
        return q.where(Notification.unit_id == user.unit_id, Notification.audience == "assigner")
    return q


def _open():
    return and_(
        TrackedTask.done.is_(False),
        TrackedTask.withdrawn.is_(False),
        TrackedTask.deadline_kind.in_(DATED),
        TrackedTask.due_on.is_not(None),
    )


def _email(s: Session, mailer: Mailer, note: Notification) -> None:
    q = select(UnitContact.email).where(UnitContact.unit_id == note.unit_id)
    if note.audience == "unit_head":
        q = q.where(UnitContact.head.is_(True))
    elif note.audience == "unit":
        q = q.where(or_(UnitContact.head.is_(False), UnitContact.head.is_(None)))
    to = sorted(set(s.scalars(q)))
    if not to:
        return
    subject = (
        f"[ketluan] Cảnh báo {LEVELS[note.level].lower()}: nhiệm vụ quá hạn"
        if note.level != YELLOW
        else "[ketluan] Cảnh báo vàng: nhiệm vụ sắp đến hạn"
    )
    try:
        mailer.send(to, subject, note.message)
        note.emailed_to = ", ".join(to)
    except Exception as exc:  # the relay is down: the in-app notification still stands
        note.email_error = f"{type(exc).__name__}: {exc}"[:500]


def _short(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
