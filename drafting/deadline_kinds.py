"""Deadline kinds: every fact about a kind in one table (the shapes: docs/drafting.md,
"Deadlines"; tracking's own kinds: docs/tracking.md).

A new kind is one row here, a finder that yields it in drafting/deadline.py, and its tests;
how it is written (drafting/deadline_text.py), where the task sentence puts it
(drafting/wording.py), how it is read back (drafting/reader.py) and how tracking follows
it (tracking/status.py: kind_from_drafting) all read the row.

This module imports nothing from the project: drafting/deadline.py takes its precedence
from here, and everything that writes a deadline sits above that.
"""

from dataclasses import dataclass
from enum import Enum


class Follow(Enum):
    """How the due date of a kind is known, which is how tracking follows the task
    (tracking/status.py maps each to one of its own kinds)."""

    DATE = "date"  # a calendar date or the end of a period: the due date itself
    COUNTED = "counted"  # N days/weeks/months from a start: the meeting while drafting
    # (an estimate), the notice's receipt once tracked
    ONGOING = "ongoing"  # recurring work: no due date
    EVENT = "event"  # when something happens: no due date until it does
    NONE = "none"  # no deadline said


class Place(Enum):
    """Where the notice's task sentence says the deadline (drafting/wording.py)."""

    END = "end"  # "…, hoàn thành trước ngày 15/9/2026" (or after "báo cáo …" directly)
    AFTER = "after"  # straight after the action, no "hoàn thành": "… khi có phát sinh"
    BEFORE = "before"  # before the action: "Giao Sở Y tế thường xuyên kiểm tra …"


@dataclass(frozen=True)
class Kind:
    """One kind of deadline: what a person calls it and how the code treats it."""

    name: str  # the value of Deadline.kind, stored in every draft's JSON
    label: str  # Vietnamese, for people
    follow: Follow
    # Several deadlines in one sentence, none of them dated twice: the lowest wins
    # (drafting/deadline.py: parse); None for a kind no finder yields.
    precedence: int | None
    # How a dated deadline is written in a notice (drafting/deadline_text.py): the usual
    # mark and the period, with {date} (a whole date), {month}, {quarter} (Roman), {year}.
    # None: written as said, the phrase itself.
    mark: str | None = None
    period: str | None = None
    place: Place = Place.END

    @property
    def has_due(self) -> bool:
        """Whether the parser gives this kind a due date."""
        return self.follow in (Follow.DATE, Follow.COUNTED)


NONE = "none"  # Deadline.kind when no deadline was said

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("date", "Ngày cụ thể", Follow.DATE, 0, "trước", "ngày {date}"),
        Kind("month", "Trong tháng", Follow.DATE, 1, "trong", "tháng {month}/{year}"),
        Kind("quarter", "Trong quý", Follow.DATE, 1, "trong", "quý {quarter}/{year}"),
        Kind("year", "Trong năm", Follow.DATE, 1, "trong", "năm {year}"),
        Kind("relative", "Trong một khoảng thời gian", Follow.COUNTED, 2),
        Kind("recurring", "Thường xuyên, định kỳ", Follow.ONGOING, 4, place=Place.BEFORE),
        Kind("event", "Khi có sự việc, điều kiện", Follow.EVENT, 3, place=Place.AFTER),
        Kind(NONE, "Chưa có thời hạn", Follow.NONE, None, place=Place.AFTER),
    )
}


def kind_of(name: str) -> Kind:
    """The row of a Deadline.kind; an unknown name (a draft from a newer version) reads as
    no deadline rather than failing."""
    return KINDS.get(name, KINDS[NONE])
