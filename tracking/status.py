"""Deadline kinds, statuses and warning levels: pure functions of dates and progress.

    due = effective_due(WITHIN_DAYS, None, "trong 10 ngày làm việc", received_on=date(2026, 4, 24))
    status_of(TaskState(FIXED, due, done=False), today=date(2026, 5, 6))  → Status "qua_han"

"Sắp đến hạn" counts working days (weekends and Vietnamese public holidays do not count,
drafting.deadline.add_working_days); "đỏ đặc biệt" counts calendar days overdue.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from drafting.deadline import add_working_days
from drafting.deadline import parse as parse_deadline
from drafting.deadline_kinds import Follow, kind_of
from ketluan.settings import Settings

# Loại thời hạn
FIXED = "co_han"  # có hạn cụ thể
RECURRING = "thuong_xuyen"  # thường xuyên
CONDITIONAL = "cho_dieu_kien"  # chờ quyết định hoặc điều kiện khác
WITHIN_DAYS = "trong_n_ngay"  # ký ban hành / thực hiện trong N ngày kể từ ngày nhận
UNSET = ""  # no deadline written: the tracker must add one
KINDS = {
    FIXED: "Có hạn cụ thể",
    RECURRING: "Thường xuyên",
    CONDITIONAL: "Chờ điều kiện",
    WITHIN_DAYS: "Trong N ngày kể từ ngày nhận",
    UNSET: "Chưa có hạn",
}

# Trạng thái
OPEN_ON_TIME = "trong_han"
OPEN_OVERDUE = "qua_han"
DONE_ON_TIME = "hoan_thanh_dung_han"
DONE_LATE = "hoan_thanh_qua_han"
NEAR_DUE = "sap_den_han"
ONGOING = "thuong_xuyen"
WAITING = "cho_dieu_kien"
NEEDS_DEADLINE = "can_bo_sung_han"
STATUSES = {
    OPEN_ON_TIME: "Chưa hoàn thành – trong hạn",
    OPEN_OVERDUE: "Chưa hoàn thành – quá hạn",
    DONE_ON_TIME: "Hoàn thành – đúng hạn",
    DONE_LATE: "Hoàn thành – quá hạn",
    NEAR_DUE: "Sắp đến hạn",
    ONGOING: "Thường xuyên",
    WAITING: "Chờ điều kiện",
    NEEDS_DEADLINE: "Cần bổ sung hạn",
}

# Cảnh báo
YELLOW = "vang"
RED = "do"
SPECIAL_RED = "do_dac_biet"
LEVELS = {YELLOW: "Vàng", RED: "Đỏ", SPECIAL_RED: "Đỏ đặc biệt"}

# Kết quả
NO_RESULT = "none"
SUBMITTED = "submitted"
RETURNED = "returned"


@dataclass(frozen=True)
class TaskState:
    """What the status depends on; a TrackedTask row has the same attribute names."""

    deadline_kind: str
    due_on: date | None
    done: bool = False
    completed_on: date | None = None
    result_state: str = NO_RESULT
    reported_on: date | None = None


@dataclass(frozen=True)
class Rules:
    near_days: int = 3  # working days
    special_overdue_days: int = 7  # calendar days


DEFAULT_RULES = Rules()


def status_of(task: TaskState, today: date, rules: Rules = DEFAULT_RULES) -> str:
    """The task's status code (a key of STATUSES) on `today`."""
    if task.done:
        if task.due_on is None or task.deadline_kind not in (FIXED, WITHIN_DAYS):
            return DONE_ON_TIME
        finished = task.completed_on or today
        return DONE_ON_TIME if finished <= task.due_on else DONE_LATE
    if task.deadline_kind == RECURRING:
        return ONGOING
    if task.deadline_kind == CONDITIONAL:
        return WAITING
    if task.due_on is None or task.deadline_kind == UNSET:
        return NEEDS_DEADLINE
    if today > task.due_on:
        return OPEN_OVERDUE
    if task.due_on <= near_cutoff(today, rules):
        return NEAR_DUE
    return OPEN_ON_TIME


def warning_of(task: TaskState, today: date, rules: Rules = DEFAULT_RULES) -> str | None:
    """Vàng: near the deadline with no result; đỏ: overdue; đỏ đặc biệt: long overdue.

    A result reported on time and waiting for the tracker raises no warning; one sent back
    counts as no result.
    """
    status = status_of(task, today, rules)
    reported_in_time = (
        task.result_state == SUBMITTED and task.due_on is not None and (task.reported_on or today) <= task.due_on
    )
    if status == NEAR_DUE and task.result_state != SUBMITTED:
        return YELLOW
    if status == OPEN_OVERDUE and not reported_in_time:
        assert task.due_on is not None
        return SPECIAL_RED if (today - task.due_on).days > rules.special_overdue_days else RED
    return None


def near_cutoff(today: date, rules: Rules = DEFAULT_RULES) -> date:
    """The last due date that counts as near on `today`: N working days ahead."""
    return _working_days_ahead(today, rules.near_days)


def special_cutoff(today: date, rules: Rules = DEFAULT_RULES) -> date:
    """Due dates before this one are "đỏ đặc biệt" when still open."""
    return today - timedelta(days=rules.special_overdue_days)


def effective_due(kind: str, due: date | None, phrase: str, received_on: date | None) -> date | None:
    """The deadline to track. "Trong N ngày" deadlines run from the receipt date of the
    notice (working days skip weekends and holidays), so they have none until it is known."""
    if kind == WITHIN_DAYS:
        if received_on is None:
            return None
        parsed = parse_deadline(phrase, received_on)
        return parsed.due if kind_of(parsed.kind).follow is Follow.COUNTED else None
    if kind in (RECURRING, CONDITIONAL, UNSET):
        return None
    return due


# How each of drafting's deadline kinds is followed (drafting/deadline_kinds.py: Follow) is
# a tracking kind: a new drafting kind names its Follow and needs nothing here.
BY_FOLLOW = {
    Follow.DATE: FIXED,
    Follow.COUNTED: WITHIN_DAYS,
    Follow.ONGOING: RECURRING,
    Follow.EVENT: CONDITIONAL,
    Follow.NONE: UNSET,
}


def kind_from_drafting(kind: str) -> str:
    """The tracking kind of a drafting deadline kind (drafting/deadline_kinds.py: KINDS)."""
    return BY_FOLLOW[kind_of(kind).follow]


@lru_cache(maxsize=256)
def _working_days_ahead(today: date, n: int) -> date:
    # Cached: a dashboard asks this once per task row with the same day.
    return add_working_days(today, n)


def rules_from(settings: Settings) -> Rules:
    return Rules(settings.tracking_near_days, settings.tracking_special_overdue_days)
