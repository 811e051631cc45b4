"""Statuses and warnings as pure functions of dates and progress, over simulated days,
including Tết and tasks with no deadline."""

from datetime import date, timedelta

import pytest

from tracking.status import (
    CONDITIONAL,
    DONE_LATE,
    DONE_ON_TIME,
    FIXED,
    NEAR_DUE,
    NEEDS_DEADLINE,
    ONGOING,
    OPEN_ON_TIME,
    OPEN_OVERDUE,
    RECURRING,
    RED,
    SPECIAL_RED,
    SUBMITTED,
    UNSET,
    WAITING,
    WITHIN_DAYS,
    YELLOW,
    Rules,
    TaskState,
    effective_due,
    status_of,
    warning_of,
)


def days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def test_deadline_from_receipt_skips_tet_and_weekends():
    # Received Thursday 12/02/2026; Tết holidays run 16-20/02: working days are 13, 23, 24, 25, 26.
    due = effective_due(WITHIN_DAYS, None, "trong 5 ngày làm việc", date(2026, 2, 12))
    assert due == date(2026, 2, 26)
    # Calendar days are not working days.
    assert effective_due(WITHIN_DAYS, None, "trong 15 ngày", date(2026, 2, 12)) == date(2026, 2, 27)
    # No receipt date yet: no deadline, and the status says one is needed.
    assert effective_due(WITHIN_DAYS, None, "trong 5 ngày làm việc", None) is None
    assert status_of(TaskState(WITHIN_DAYS, None), date(2026, 2, 12)) == NEEDS_DEADLINE


def test_status_and_warning_day_by_day_across_tet():
    task = TaskState(WITHIN_DAYS, date(2026, 2, 26))
    seen = {}
    for today in days(date(2026, 2, 12), date(2026, 3, 10)):
        seen[today] = (status_of(task, today), warning_of(task, today))
    # On the Friday of Tết 6 calendar days remain but only 4 working days: not yet "near".
    assert seen[date(2026, 2, 20)] == (OPEN_ON_TIME, None)
    assert seen[date(2026, 2, 22)] == (OPEN_ON_TIME, None)  # Sunday: 23, 24, 25 are ahead
    assert seen[date(2026, 2, 23)] == (NEAR_DUE, YELLOW)
    assert seen[date(2026, 2, 26)] == (NEAR_DUE, YELLOW)  # the due day itself is still in time
    assert seen[date(2026, 2, 27)] == (OPEN_OVERDUE, RED)
    assert seen[date(2026, 3, 6)] == (OPEN_OVERDUE, SPECIAL_RED)  # 8 days overdue
    assert seen[date(2026, 3, 5)] == (OPEN_OVERDUE, RED)  # 7 days overdue
    # The transitions happen once each, in order.
    order = []
    for today in sorted(seen):
        if not order or order[-1] != seen[today]:
            order.append(seen[today])
    assert order == [(OPEN_ON_TIME, None), (NEAR_DUE, YELLOW), (OPEN_OVERDUE, RED), (OPEN_OVERDUE, SPECIAL_RED)]


def test_special_red_threshold_is_configurable():
    task = TaskState(FIXED, date(2026, 6, 30))
    assert warning_of(task, date(2026, 7, 7)) == RED  # 7 days over
    assert warning_of(task, date(2026, 7, 8)) == SPECIAL_RED  # 8 days over
    strict = Rules(near_days=3, special_overdue_days=2)
    assert warning_of(task, date(2026, 7, 3), strict) == SPECIAL_RED
    wide = Rules(near_days=10)
    assert status_of(task, date(2026, 6, 17), wide) == NEAR_DUE
    assert status_of(task, date(2026, 6, 17)) == OPEN_ON_TIME


def test_done_on_time_or_late_depends_on_the_reported_day():
    due = date(2026, 9, 30)
    on_time = TaskState(FIXED, due, done=True, completed_on=date(2026, 9, 30))
    late = TaskState(FIXED, due, done=True, completed_on=date(2026, 10, 1))
    for today in (date(2026, 9, 1), date(2026, 12, 31)):
        assert status_of(on_time, today) == DONE_ON_TIME
        assert status_of(late, today) == DONE_LATE
        assert warning_of(late, today) is None


def test_a_result_reported_in_time_silences_warnings_until_reviewed():
    due = date(2026, 9, 30)
    waiting = TaskState(FIXED, due, result_state=SUBMITTED, reported_on=date(2026, 9, 29))
    assert warning_of(waiting, date(2026, 9, 29)) is None  # near, but the result is in
    assert warning_of(waiting, date(2026, 10, 20)) is None  # the tracker has not reviewed yet
    assert status_of(waiting, date(2026, 10, 20)) == OPEN_OVERDUE  # still not accepted
    late = TaskState(FIXED, due, result_state=SUBMITTED, reported_on=date(2026, 10, 2))
    assert warning_of(late, date(2026, 10, 5)) == RED


@pytest.mark.parametrize(
    "kind, expected",
    [
        (RECURRING, ONGOING),
        (CONDITIONAL, WAITING),
        (UNSET, NEEDS_DEADLINE),
        (FIXED, NEEDS_DEADLINE),
    ],
)
def test_tasks_without_a_deadline_never_warn(kind, expected):
    task = TaskState(kind, None)
    for today in days(date(2026, 1, 1), date(2026, 12, 31)):
        assert status_of(task, today) == expected
        assert warning_of(task, today) is None
    assert status_of(TaskState(kind, None, done=True), date(2026, 5, 5)) == DONE_ON_TIME
