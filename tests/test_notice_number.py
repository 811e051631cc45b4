"""The notice's number as offices type it. Walking the chain as a new office, the drafter typed
"25-TB/TU" (the field's example reads "Số 123-TB/TU") and the notice said "Số 25-TB/TU-TB/TU"."""

import datetime as dt

import pytest

import db
import drafting
from services.meetings import bare_number, drafting_meeting


@pytest.mark.parametrize(
    ("typed", "fmt", "line"),
    [
        ("25-TB/TU", "party", "Số 25-TB/TU"),
        ("Số 25-TB/TU", "party", "Số 25-TB/TU"),
        ("25", "party", "Số 25-TB/TU"),
        ("07/TB-UBND", "state", "Số: 07/TB-UBND"),
        ("số: 07/tb-ubnd", "state", "Số: 07/TB-UBND"),
        ("12/TB-VPCP", "state", "Số: 12/TB-VPCP/TB-UBND"),  # another symbol is the office's to fix
    ],
)
def test_the_notice_prints_the_number_once_however_it_was_typed(typed, fmt, line):
    row = db.Meeting(
        title="họp",
        issuing_body="Tỉnh ủy Lào Cai" if fmt == "party" else "UBND tỉnh Lào Cai",
        date=dt.date(2026, 8, 20),
        format=fmt,
        notice_number=typed,
        superior_body="",
        place="",
        chair="Nguyễn Văn An",
        attendees=[],
        recipients=[],
        concluded_by="",
        signer_authority="",
        signer_title="",
        signer_name="",
    )
    meeting = drafting_meeting(row)
    conclusion = drafting.Conclusion(meeting=meeting.to_dict(), opening="", items=[], tasks=[])
    doc = drafting.render_notice(conclusion, meeting)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert [c.split("\n")[0].strip() for c in cells if c.startswith("Số")] == [line], cells
    assert row.notice_number == typed  # the row (and tracking) keep what was typed


def test_bare_number_leaves_a_plain_number_alone():
    assert bare_number("25", "party") == "25" and bare_number("", "state") == ""
