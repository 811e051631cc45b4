"""The notice and the minutes as a Văn phòng would issue them (issue 13): both formats, drafted
from a clean transcript with the format's default signer and recipients, checked the way a
văn thư reads them; and dates read from the header of notices written elsewhere (issue 16)."""

import re
from datetime import date

import pytest
from docx import Document

from drafting import Meeting, check_meeting, extract, read_notice, render_minutes, render_notice
from drafting.notice_header import header_date
from ketluan.errors import DocumentError
from transcribe.transcript import AudioInfo, Segment, Speaker, Transcript

CHAIR = {
    "party": "đồng chí Nguyễn Văn An, Phó Bí thư Thường trực Tỉnh ủy",
    "state": "Đồng chí Nguyễn Văn An, Chủ tịch UBND tỉnh",
}
BODY = {"party": "Tỉnh ủy Lào Cai", "state": "Ủy ban nhân dân tỉnh Lào Cai"}


def transcript() -> Transcript:
    said = [
        ("S1", "Mời đồng chí Giám đốc Sở Tài chính báo cáo tiến độ giải ngân."),
        ("S2", "Đến nay toàn tỉnh giải ngân được bốn mươi hai phần trăm kế hoạch vốn."),
        ("S1", "Tôi xin kết luận như sau. Thứ nhất, ghi nhận các đơn vị đã cố gắng nhưng tỷ lệ giải ngân còn thấp."),
        (
            "S1",
            "Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát, điều chuyển vốn "
            "các dự án chậm giải ngân, báo cáo trước ngày 15/9/2026.",
        ),
        ("S1", "Sở Y tế thường xuyên kiểm tra an toàn thực phẩm tại các bếp ăn tập thể."),
        ("S1", "Yêu cầu Công an tỉnh bảo đảm an ninh trật tự trong quý IV/2026."),
        ("S1", "Tôi xin cảm ơn các đồng chí."),
    ]
    segs = [Segment(k, k * 60.0, k * 60.0 + 50.0, text, speaker=who) for k, (who, text) in enumerate(said)]
    return Transcript(
        audio=AudioInfo(duration=len(said) * 60.0),
        segments=segs,
        speakers={
            "S1": Speaker(name="Nguyễn Văn An"),
            "S2": Speaker(name="Lê Bình", title="Giám đốc Sở Tài chính", unit="Sở Tài chính"),
        },
    )


def meeting(fmt: str, **kw) -> Meeting:
    # typed the way the form suggests: "đồng chí …" in Chủ trì, "Họp …" in the title
    values = dict(
        format=fmt,
        issuing_body=BODY[fmt],
        title="Họp giao ban tháng 8",
        date=date(2026, 8, 20),
        place="Hội trường A",
        chair=CHAIR[fmt],
        notice_number="15",
        start_time="14:00",
        secretary="Lê Thị Hoa",
    )
    return Meeting(**(values | kw))


def paragraphs(path) -> list[str]:
    return [p.text for p in Document(path).paragraphs if p.text.strip()]


@pytest.fixture(scope="module", params=["party", "state"])
def drafted(request, tmp_path_factory):
    m = meeting(request.param)
    c = extract(transcript(), m)
    path = tmp_path_factory.mktemp(request.param) / "notice.docx"
    render_notice(c, m).save(path)
    return m, c, path


def test_each_task_once_in_the_body_and_no_table(drafted):
    _m, c, path = drafted
    assert len(c.tasks) == 3
    doc = Document(path)
    assert len(doc.tables) == 2  # header and signature: no task table in the body
    body = paragraphs(path)
    for task in c.tasks:
        said = [t for t in body if task.action[1:30].lower() in t.lower()]
        assert len(said) == 1, (task.action, said)
        assert said[0].startswith(("1. Giao", "2. Giao", "3. Giao", "Giao"))
    # the assessment first, not numbered like a task, then the tasks
    assess = next(k for k, t in enumerate(body) if t.startswith("Ghi nhận"))
    first_task = next(k for k, t in enumerate(body) if t.startswith("1. Giao"))
    assert assess < first_task
    # "thường xuyên" said once, in the sentence
    health = next(t for t in body if "Sở Y tế" in t)
    assert health.lower().count("thường xuyên") == 1


def test_opening_in_official_phrasing_without_doubled_words(drafted):
    m, _, path = drafted
    body = paragraphs(path)
    opening = next(t for t in body if t.startswith("Ngày "))
    day = "20-8-2026" if m.format == "party" else "20/8/2026"
    title = "Phó Bí thư Thường trực Tỉnh ủy" if m.format == "party" else "Chủ tịch UBND tỉnh"
    assert opening == (
        f"Ngày {day}, tại Hội trường A, đồng chí Nguyễn Văn An, {title} chủ trì cuộc họp giao ban tháng 8."
    )
    lead_in = body[body.index(opening) + 1]
    assert lead_in.startswith("Sau khi nghe báo cáo của Sở Tài chính và ý kiến phát biểu của các đại biểu dự họp, ")
    assert lead_in.endswith("như sau:")
    text = "\n".join(body)
    doubled = re.findall(r"\b(\w+) \1\b", text, flags=re.IGNORECASE)
    assert not doubled
    assert "đồng chí đồng chí" not in text.lower() and "họp họp" not in text.lower()


def test_closing_and_signature_name_the_same_body(drafted):
    m, _, path = drafted
    doc = Document(path)
    sig = [p.text for p in doc.tables[-1].cell(0, 1).paragraphs if p.text]
    closing = next(t for t in paragraphs(path) if "biết, thực hiện./." in t)
    if m.format == "party":
        assert sig == ["T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG"]
        assert closing == (
            "Văn phòng Tỉnh ủy thông báo ý kiến kết luận của Thường trực Tỉnh ủy "
            "để các cơ quan, đơn vị liên quan biết, thực hiện./."
        )
    else:
        assert sig == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
        assert closing == (
            "Văn phòng UBND tỉnh thông báo ý kiến kết luận của đồng chí Chủ tịch "
            "UBND tỉnh để các cơ quan, đơn vị liên quan biết, thực hiện./."
        )


def test_recipients_list_the_bodies_given_tasks(drafted):
    m, c, path = drafted
    lines = [p.text for p in Document(path).tables[-1].cell(0, 0).paragraphs[1:]]
    text = "\n".join(lines)
    assert "Như trên" not in text
    for body in {b for t in c.tasks for b in t.leads}:
        short = body.removeprefix("Sở ")
        assert body in text or f"Các sở: {short}" in text or f", {short}" in text, body
    end = "," if m.format == "party" else ";"
    assert all(line.endswith(end) for line in lines[:-1])
    assert lines[-1] == ("- Lưu Văn phòng Tỉnh ủy." if m.format == "party" else "- Lưu: VT, TH.")


def test_the_office_sets_another_signer_and_the_closing_follows():
    for fmt, authority, closing in (
        ("party", "T/M THƯỜNG TRỰC", "Thường trực Tỉnh ủy thông báo để các cơ quan"),
        ("party", "T/M BAN THƯỜNG VỤ", "Ban Thường vụ Tỉnh ủy thông báo ý kiến kết luận của Thường trực Tỉnh ủy để"),
        ("state", "TM. ỦY BAN NHÂN DÂN", "UBND tỉnh thông báo ý kiến kết luận của đồng chí Chủ tịch UBND tỉnh để"),
    ):
        from drafting import docxkit, wording

        m = meeting(fmt, signer_authority=authority)
        assert wording.closing(m, docxkit.layout(fmt)).startswith(closing), authority


def test_empty_chair_and_title_as_typed():
    from drafting import docxkit, wording

    m = meeting("state", chair="", title="Cuộc họp về công tác phòng chống thiên tai")
    text = wording.opening(m, [], docxkit.layout("state"))
    assert text.startswith(
        "Ngày 20/8/2026, tại Hội trường A, đồng chí Chủ tịch UBND tỉnh chủ "
        "trì cuộc họp về công tác phòng chống thiên tai."
    )
    assert "chủ trì đã họp" not in text and "cuộc họp cuộc họp" not in text.lower()


def test_values_of_the_other_format_are_warned_about():
    assert check_meeting(meeting("party")) == check_meeting(meeting("state")) == []
    [warning] = check_meeting(
        meeting(
            "state",
            signer_authority="T/M THƯỜNG TRỰC",
            concluded_by="Thường trực Tỉnh ủy",
            recipients=["Lưu Văn phòng Tỉnh ủy"],
        )
    )
    assert "văn bản hành chính" in warning and "Thẩm quyền ký" in warning
    assert "Kết luận bởi" in warning and "Nơi nhận" in warning
    [warning] = check_meeting(meeting("party", recipients=["Lưu: VT, TH"]))
    assert "văn bản Đảng" in warning and "Nơi nhận" in warning


@pytest.mark.parametrize("fmt", ["party", "state"])
def test_minutes_from_the_same_transcript(tmp_path, fmt):
    m = meeting(fmt)
    t = transcript()
    path = tmp_path / "minutes.docx"
    render_minutes(t, m, extract(t, m)).save(path)
    doc = Document(path)
    text = "\n".join(paragraphs(path))
    assert doc.tables[0].cell(1, 0).text.startswith("Số")
    assert "-BB/TU" in doc.tables[0].cell(1, 0).text or "/BB-UBND" in doc.tables[0].cell(1, 0).text
    assert "Cuộc họp kết thúc vào 14 giờ 07 phút cùng ngày./." in text
    assert "Đồng chí Lê Bình, Giám đốc Sở Tài chính phát biểu: Đến nay toàn tỉnh" in text
    assert not re.search(r"\[\d\d:\d\d", text) and "(?)" not in text


# -- the date in the header of notices written elsewhere (issue 16) --------------------


def _hand_written(path, header: list[str], body: list[str]):
    doc = Document()
    for line in [*header, "THÔNG BÁO", "Kết luận của Thường trực Tỉnh ủy", *body]:
        doc.add_paragraph(line)
    doc.save(path)
    return path


BODY_LINES = [
    "Sau khi nghe báo cáo, Thường trực Tỉnh ủy kết luận như sau:",
    "1. Giao Sở Nội vụ hoàn thiện đề án, trình Thường trực Tỉnh ủy trước ngày 30-12.",
    "2. Giao Sở Y tế rà soát cơ sở khám chữa bệnh trong 10 ngày làm việc.",
    "Văn phòng Tỉnh ủy thông báo để các cơ quan, đơn vị biết, thực hiện./.",
]


@pytest.mark.parametrize(
    ("line", "number", "day"),
    [
        ("Hà Nội, ngày 15 tháng 4 năm 2022", "Số: 114/TB-VPCP", date(2022, 4, 15)),
        ("Lào Cai, ngày 20/8/2026", "Số 123-TB/TU", date(2026, 8, 20)),
        ("Lào Cai, ngày 03-3-2026", "Số: 45/TB-UBND", date(2026, 3, 3)),
    ],
)
def test_the_date_comes_from_the_header_as_published(tmp_path, line, number, day):
    from tracking import read_docx

    path = _hand_written(tmp_path / "tb.docx", [number, line], BODY_LINES)
    assert header_date(Document(path)) == day
    notice = read_docx(path)
    assert (notice.number, notice.issued_on) == (number.split(" ", 1)[1].strip(), day)
    tasks = read_notice(path)
    assert [t.leads for t in tasks] == [["Sở Nội vụ"], ["Sở Y tế"]]
    assert tasks[0].deadline.due == date(day.year, 12, 30)  # the year from the header
    from drafting.deadline import add_working_days

    assert tasks[1].deadline.due == add_working_days(day, 10)  # counted from that date


def test_without_a_date_the_option_gives_it(tmp_path):
    import json

    from typer.testing import CliRunner

    from cli import app

    path = _hand_written(tmp_path / "tb.docx", ["Số 123-TB/TU"], BODY_LINES)
    with pytest.raises(DocumentError, match="Không thấy ngày") as caught:
        read_notice(path)
    assert "--meeting-date" in caught.value.cli_hint and "--" not in caught.value.hint  # the UI hint
    result = CliRunner().invoke(app, ["import-docx", str(path), "--json"])
    assert isinstance(result.exception, DocumentError)
    result = CliRunner().invoke(app, ["import-docx", str(path), "--json", "--meeting-date", "10/3/2027"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data[0]["deadline"]["due"] == "2027-12-30"
    assert data[1]["deadline"]["due"] == "2027-03-24"  # 10 working days from 10/3/2027
    result = CliRunner().invoke(app, ["import-docx", str(path), "--json", "--issued", "2027-03-12"])
    assert json.loads(result.output)[1]["deadline"]["due"] == "2027-03-26"


def test_tracking_import_takes_the_dates_it_is_given(tmp_path):
    from tracking import read_docx

    path = _hand_written(tmp_path / "tb.docx", ["Số 123-TB/TU"], BODY_LINES)
    notice = read_docx(path, issued_on=date(2027, 3, 12))
    assert notice.issued_on == date(2027, 3, 12)
    assert notice.tasks[0].due == date(2027, 12, 30)  # the year of the issue date
    notice = read_docx(path, issued_on=date(2027, 3, 12), meeting_date=date(2026, 11, 2))
    assert notice.tasks[0].due == date(2026, 12, 30)  # the meeting's year wins
