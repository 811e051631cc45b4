"""The contracts between writing a notice and reading it back, each owned by one drafting module:
the Word-comment evidence note (drafting/evidence_note.py), the header (notice_header.py) and
the meeting date in the document's properties (docxkit.mark_ours / stored_date)."""

from datetime import date

from docx import Document

from drafting import Deadline, Evidence, Task, evidence_note
from drafting.docxkit import stored_date
from drafting.model import QUOTE_NOT_FOUND
from drafting.notice_header import read_header
from drafting.reader import read_with_header
from tests.tracking_helpers import conclusion, meeting, render


def _task(**kw) -> Task:
    base = dict(
        id="T1",
        leads=["Sở Tài chính"],
        action="Rà soát tiến độ giải ngân vốn đầu tư công",
        deadline=Deadline("relative", date(2026, 9, 3), "trong 10 ngày làm việc"),
        quote="giao Sở Tài chính chủ trì rà soát tiến độ giải ngân",
        evidence=Evidence([3, 4], 3725.0, 3741.5),
    )
    return Task(**{**base, **kw})


def test_the_evidence_note_reads_back_what_it_wrote():
    task = _task()
    note = evidence_note.write(task)
    assert note.splitlines()[0] == "Nghe lại: [01:02:05] – [01:02:21]"
    assert "Hạn dự kiến (tính từ ngày họp): 03/09/2026" in note  # a counted deadline's estimate
    read = Task(id="T1", leads=[], action=task.action)
    evidence_note.apply(read, note)
    assert read.quote == task.quote
    assert (read.evidence.start, read.evidence.end) == (3725.0, 3741.0)  # whole seconds


def test_a_note_says_what_to_check_and_stays_with_its_task():
    note = evidence_note.write(_task(leads=[], flags=[QUOTE_NOT_FOUND], evidence=Evidence()))
    assert note.count(evidence_note.TO_CHECK) == 2 and evidence_note.LISTEN not in note
    assert evidence_note.belongs(note, "Rà soát tiến độ giải ngân vốn đầu tư công năm nay")
    other = Task(id="T2", leads=[], action="Kiểm tra an toàn thực phẩm tại bếp ăn trường học")
    evidence_note.apply(other, note)  # a paragraph retyped over this note in Word
    assert other.quote == "" and other.evidence.start is None
    assert evidence_note.write(Task(id="T3", leads=["Sở Y tế"], action="Kiểm tra")) == ""


def test_the_header_and_the_stored_date_of_a_rendered_notice(tmp_path):
    path = render(tmp_path / "tb.docx")
    doc = Document(str(path))
    header = read_header(doc)
    m = meeting()
    assert header.issued_on == m.notice_date
    assert header.issuing_body == "TỈNH ỦY LÀO CAI"
    assert header.number == f"{m.notice_number}-TB/TU"
    assert header.meeting.startswith("cuộc họp") and m.title in header.meeting
    assert stored_date(doc) == m.date
    tasks, again = read_with_header(path)
    assert again == header
    assert [t.quote for t in tasks][:2] == [t.quote for t in conclusion().tasks][:2]
    assert tasks[0].evidence.start == 125.0


def test_the_office_gazetteer_is_passed_in_not_read_from_settings(tmp_path, monkeypatch):
    """Issue 14 item 7: drafting reads no settings; the office's units come from the caller."""
    from drafting.gazetteer import Gazetteer, default_gazetteer
    from ketluan.settings import get_settings

    office = tmp_path / "units.txt"
    office.write_text("[đơn vị]\nTrung tâm Điều hành đô thị thông minh\n", encoding="utf-8")
    monkeypatch.setenv("KETLUAN_GAZETTEER_FILE", str(office))
    get_settings.cache_clear()
    try:
        words = ["Trung", "tâm", "Điều", "hành", "đô", "thị", "thông", "minh"]
        assert default_gazetteer().known(words) == 0
        assert Gazetteer.load(get_settings().gazetteer_file).known(words) == len(words)
    finally:
        get_settings.cache_clear()
