"""The table of deadline kinds (drafting/deadline_kinds.py) and how a deadline is written
(drafting/deadline_text.py): every kind is labelled, followed by tracking, and read back
from the Thời hạn column as the same deadline."""

import unicodedata
from datetime import date

import pytest

from drafting import Meeting, read_notice, render_notice
from drafting.deadline import parse
from drafting.deadline_kinds import KINDS, NONE, Follow
from drafting.deadline_text import COLUMN, prose, without_estimate, write
from drafting.docxkit import layout
from drafting.model import Conclusion, Deadline, Task
from tracking import status

MEETING = date(2026, 8, 20)

# What a chair says, for every kind; a new kind without an example here fails
# test_every_kind_has_an_example.
SAID = {
    "date": [
        "trước ngày 15/9/2026",
        "trước ngày mười lăm tháng chín",
        "cuối tuần này",
        "trước Tết Nguyên đán",
        "trình trước ngày 15/9 và ban hành trước ngày 30/9/2026",
    ],
    "month": ["trong tháng mười", "trước tháng 7/2027", "đầu tháng mười", "giữa tháng 9"],
    "quarter": ["trong quý IV", "trước quý IV", "trong quý ba năm sau"],
    "year": ["trong năm nay", "đầu năm 2027", "trong năm hai nghìn không trăm hai mươi bảy"],
    "relative": ["trong 30 ngày", "trong ba mươi ngày làm việc kể từ ngày ký", "trong tuần này"],
    "recurring": ["định kỳ hằng tháng", "thường xuyên"],
    "event": ["khi có phát sinh", "trước kỳ họp Hội đồng nhân dân tỉnh"],
    NONE: ["", "theo kế hoạch của Ủy ban"],
}


def deadline_of(said: str) -> Deadline:
    d = parse(said, MEETING)
    if said and d.kind == NONE:  # typed in the draft page and not understood: kept as typed
        d = Deadline(NONE, None, said)
    return d


EXAMPLES = [(k, deadline_of(s)) for k, says in SAID.items() for s in says]


def test_every_kind_has_an_example():
    assert set(SAID) == set(KINDS)
    for kind, d in EXAMPLES:
        assert d.kind == kind


def test_every_kind_has_a_label_and_a_tracking_kind():
    for k in KINDS.values():
        assert k.label.strip() and unicodedata.is_normalized("NFC", k.label)
        assert status.KINDS[status.kind_from_drafting(k.name)]
        assert k.has_due == (k.follow in (Follow.DATE, Follow.COUNTED))
    # the precedence parse uses: every kind a finder yields has one
    assert all(k.precedence is not None for k in KINDS.values() if k.name != NONE)


@pytest.mark.parametrize(("kind", "d"), EXAMPLES, ids=[s or "empty" for ss in SAID.values() for s in ss])
def test_column_reads_back_as_the_same_deadline(kind, d):
    """What the Thời hạn cell shows, parsed as import-docx parses it, is the same deadline."""
    cell = write(d, COLUMN)
    phrase = without_estimate(cell)
    again = parse(phrase, MEETING) if phrase else Deadline()
    if phrase and again.kind == NONE:
        again = Deadline(NONE, None, phrase)
    assert (again.kind, again.due) == (d.kind, d.due)
    if d.due is None:  # written as said
        assert again.phrase.casefold() == d.phrase.casefold()
    assert cell[:1] == cell[:1].upper()


@pytest.mark.parametrize("fmt", ["party", "state"])
def test_body_reads_back_as_the_same_deadline(fmt):
    lay = layout(fmt)
    for _, d in EXAMPLES:
        text = write(d, prose(lay))
        again = parse(text, MEETING)
        assert (again.kind, again.due) == (d.kind, d.due) or (not text and d.kind == NONE)
        assert text[:1] == text[:1].lower()


def test_a_notice_round_trip_keeps_every_deadline(tmp_path):
    """Through the .docx: the appendix's Thời hạn column, read back by read_notice."""
    tasks = [
        Task(id=f"T{n}", leads=["Sở Tài chính"], action=f"Thực hiện việc số {n}", deadline=d)
        for n, (_, d) in enumerate(EXAMPLES, 1)
    ]
    meeting = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="họp giao ban", date=MEETING)
    path = tmp_path / "notice.docx"
    render_notice(Conclusion(meeting.to_dict(), "", tasks=tasks), meeting, appendix=True).save(path)
    back = read_notice(path)
    assert [t.action for t in back] == [t.action for t in tasks]
    for before, after in zip(tasks, back, strict=True):
        assert (after.deadline.kind, after.deadline.due) == (before.deadline.kind, before.deadline.due)
