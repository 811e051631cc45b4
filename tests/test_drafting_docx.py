"""The notice and the minutes as Word documents: header layout, fonts, sizes, task appendix."""

import re
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.shared import Pt

from drafting import Meeting, PageStyle, extract, extract_text, render_minutes, render_notice
from drafting.render import deadline_text
from transcribe.transcript import AudioInfo, Segment, Speaker, Transcript

TEXT = """Thường trực Tỉnh ủy kết luận như sau:
1. Về giải ngân vốn đầu tư công
Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng, Kho bạc Nhà nước tỉnh rà soát, điều \
chuyển vốn, báo cáo UBND tỉnh trước ngày 15/9/2026.
Sở Văn hóa, Thể thao và Du lịch thường xuyên tuyên truyền kết quả thực hiện.
2. Về an ninh trật tự
Công an tỉnh bảo đảm an ninh trật tự trong quý IV/2026.
"""


def meeting(fmt: str = "party") -> Meeting:
    return Meeting(
        format=fmt,
        issuing_body="Tỉnh ủy Lào Cai" if fmt == "party" else "Ủy ban nhân dân tỉnh Lào Cai",
        superior_body="",
        title="nghe báo cáo tiến độ giải ngân vốn đầu tư công",
        date=date(2026, 8, 20),
        place="Trụ sở Tỉnh ủy",
        chair="Nguyễn Văn An, Phó Bí thư Thường trực Tỉnh ủy",
        notice_number="123",
        signer_name="Trần Văn Bình",
        notice_date=date(2026, 8, 22),
    )


@pytest.fixture(scope="module")
def party_docx(tmp_path_factory):
    m = meeting("party")
    path = tmp_path_factory.mktemp("docx") / "party.docx"
    render_notice(extract_text(TEXT, m), m).save(path)
    return path


def runs(paragraphs):
    return [r for p in paragraphs for r in p.runs if r.text.strip()]


def test_party_header_layout(party_docx):
    doc = Document(party_docx)
    header = doc.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs]
    assert left == ["TỈNH ỦY LÀO CAI", "*"]
    assert header.cell(1, 0).text == "Số 123-TB/TU"  # no colon in Party documents
    right = header.cell(0, 1).paragraphs[0]
    assert right.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    run = right.runs[0]
    assert run.bold and run.underline and run.font.size == Pt(15)
    date_run = header.cell(1, 1).paragraphs[0].runs[0]
    assert date_run.text == "Lào Cai, ngày 22 tháng 8 năm 2026" and date_run.italic
    assert header.cell(0, 0).paragraphs[0].runs[0].bold


def test_title_body_font_and_page(party_docx):
    doc = Document(party_docx)
    texts = [p.text for p in doc.paragraphs]
    title = doc.paragraphs[texts.index("THÔNG BÁO")]
    assert title.runs[0].bold and title.runs[0].font.size == Pt(16)
    summary = doc.paragraphs[texts.index("THÔNG BÁO") + 1]
    assert summary.text.startswith("kết luận của") and summary.runs[0].bold
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.styles["Normal"].font.size == Pt(14)
    for r in runs(doc.paragraphs):
        assert r.font.name == "Times New Roman"
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.top_margin.mm) == 20
    # page numbers from page 2: a PAGE field in the header, none on the first page
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml
    assert (
        "Văn phòng Tỉnh ủy thông báo ý kiến kết luận của Thường trực Tỉnh ủy để các cơ quan, "
        "đơn vị liên quan biết, thực hiện./."
    ) in texts


def test_task_table_is_an_appendix_after_the_signature(tmp_path):
    m = meeting("party")
    path = tmp_path / "appendix.docx"
    render_notice(extract_text(TEXT, m), m, appendix=True).save(path)
    doc = Document(path)
    assert len(doc.tables) == 3  # header, signature, then the appendix
    body = [p.text for p in doc.paragraphs]
    start = body.index("Phụ lục")
    assert doc.paragraphs[start].paragraph_format.page_break_before
    assert body[start + 1 : start + 3] == [
        "DANH MỤC NHIỆM VỤ",
        "(Kèm theo Thông báo số 123-TB/TU ngày 22 tháng 8 năm 2026 của Tỉnh ủy Lào Cai)",
    ]
    # the paragraphs still say every task once, before the signature
    said = [t for t in body[:start] if re.match(r"^(?:\d+\. |[a-z]\) )?Giao ", t)]
    assert len(said) == 3
    table = doc.tables[2]
    assert "w:tblHeader" in table.rows[0]._tr.xml  # header row repeated on each page
    assert all("w:cantSplit" in r._tr.xml for r in table.rows[1:])  # rows not split
    head = [c.text for c in table.rows[0].cells]
    assert head == ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert len(rows) == 3
    assert rows[0][0] == "1" and rows[0][1].startswith("Rà soát, điều chuyển vốn")
    assert rows[0][2] == "Sở Tài chính"
    # one body per line, so names with commas survive
    assert rows[0][3].split("\n") == ["Sở Xây dựng", "Kho bạc Nhà nước tỉnh"]
    assert rows[0][4] == "Trước ngày 15/09/2026"
    assert rows[1][2] == "Sở Văn hóa, Thể thao và Du lịch" and rows[1][4] == "Thường xuyên"
    assert rows[2][4] == "Trong quý IV/2026"
    cell_run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert cell_run.font.size == Pt(12)


def test_signature_and_recipients(party_docx):
    doc = Document(party_docx)
    sig = doc.tables[-1]
    assert sig.cell(0, 0).paragraphs[0].text == "Nơi nhận:"
    right = [p for p in sig.cell(0, 1).paragraphs if p.text]
    assert [p.text for p in right] == ["T/L BAN THƯỜNG VỤ", "CHÁNH VĂN PHÒNG", "Trần Văn Bình"]
    # HD 36: the authority and the name bold, the signer's title not
    assert [bool(p.runs[0].bold) for p in right] == [True, False, True]
    recipients = [p.text for p in sig.cell(0, 0).paragraphs[1:]]
    # every body given a task; the sở grouped; no "Như trên"; the archive line last
    assert recipients == [
        "- Thường trực Tỉnh ủy,",
        "- Các sở: Tài chính, Xây dựng,",
        "- Kho bạc Nhà nước tỉnh,",
        "- Sở Văn hóa, Thể thao và Du lịch,",
        "- Công an tỉnh,",
        "- Lưu Văn phòng Tỉnh ủy.",
    ]


def test_state_header(tmp_path):
    m = meeting("state")
    path = tmp_path / "state.docx"
    render_notice(extract_text(TEXT, m), m).save(path)
    doc = Document(path)
    header = doc.tables[0]
    right = [p.text for p in header.cell(0, 1).paragraphs]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header.cell(0, 1).paragraphs[1].runs[0].underline
    # the body name breaks as offices write it, and its rule is ⅓–½ of the words
    assert header.cell(0, 0).paragraphs[0].text == "ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI"
    rule = header.cell(0, 0).paragraphs[1]
    assert "w:pBdr" in rule._p.xml and not rule.text
    cell_mm = 70 - 3.8  # the cell less its left and right margins
    rule_mm = cell_mm - rule.paragraph_format.left_indent.mm - rule.paragraph_format.right_indent.mm
    words_mm = 44  # "ỦY BAN NHÂN DÂN" in 13 pt bold Times New Roman
    assert words_mm / 3 <= rule_mm <= words_mm / 2
    assert header.cell(1, 0).text == "Số: 123/TB-UBND"
    sig = [p.text for p in doc.tables[-1].cell(0, 1).paragraphs if p.text]
    assert sig[:2] == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]
    recipients = [p.text for p in doc.tables[-1].cell(0, 0).paragraphs[1:]]
    assert recipients[0] == "- Chủ tịch, các Phó Chủ tịch UBND tỉnh;"
    assert recipients[1:4] == [
        "- Các sở: Tài chính, Xây dựng;",
        "- Kho bạc Nhà nước tỉnh;",
        "- Sở Văn hóa, Thể thao và Du lịch;",
    ]
    assert recipients[-1] == "- Lưu: VT, TH."
    texts = [p.text for p in doc.paragraphs]
    assert (
        "Văn phòng UBND tỉnh thông báo ý kiến kết luận của đồng chí Phó Bí thư Thường trực "
        "Tỉnh ủy để các cơ quan, đơn vị liên quan biết, thực hiện./."
    ) in texts


def test_page_style_comes_from_the_caller(tmp_path, monkeypatch):
    """Font and margins are what the edge built from its Settings; drafting reads none itself."""
    from ketluan.settings import Settings, get_settings

    assert PageStyle.from_settings(Settings()) == PageStyle()  # the defaults agree
    page = PageStyle.from_settings(Settings(docx_margins_mm=(25, 25, 35, 15), docx_font="Arial", docx_body_pt=13))
    monkeypatch.setenv("KETLUAN_DOCX_FONT", "Courier New")  # not read by drafting
    get_settings.cache_clear()
    try:
        m = meeting()
        c = extract_text(TEXT, m)
        render_notice(c, m, page=page).save(tmp_path / "n.docx")
        render_minutes(Transcript(audio=AudioInfo(duration=0.0), segments=[]), m, c, page=page).save(
            tmp_path / "m.docx"
        )
        render_notice(c, m).save(tmp_path / "default.docx")
    finally:
        get_settings.cache_clear()
    for name in ("n.docx", "m.docx"):
        doc = Document(tmp_path / name)
        section = doc.sections[0]
        assert round(section.left_margin.mm) == 35 and round(section.bottom_margin.mm) == 25
        assert doc.styles["Normal"].font.name == "Arial"
        assert doc.styles["Normal"].font.size == Pt(13)
        runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
        assert runs and {r.font.name for r in runs} == {"Arial"}
    default = Document(tmp_path / "default.docx")
    assert {r.font.name for p in default.paragraphs for r in p.runs if r.text.strip()} == {"Times New Roman"}
    assert round(default.sections[0].left_margin.mm) == 30


def test_audio_time_is_a_comment_not_printed_text(tmp_path):
    segs = [Segment(0, 2520.0, 2535.0, "Tôi xin kết luận. Giao Sở Y tế kiểm tra an toàn thực phẩm.", speaker="S1")]
    t = Transcript(audio=AudioInfo(duration=2600.0), segments=segs, speakers={"S1": Speaker(name="Nguyễn Văn An")})
    m = meeting()
    path = tmp_path / "n.docx"
    render_notice(extract(t, m), m).save(path)
    doc = Document(path)
    comments = list(doc.comments)
    assert len(comments) == 1 and "[00:42:00]" in comments[0].text
    assert "Giao Sở Y tế" in comments[0].text
    assert all("[00:42:00]" not in p.text for p in doc.paragraphs)


@pytest.mark.parametrize("fmt", ["party", "state"])
def test_minutes_as_mau_1_9(tmp_path, fmt):
    """NĐ 30 Phụ lục III Mẫu 1.9 (and the Party form): number line, BIÊN BẢN, time started,
    chair, secretary, one paragraph per contribution, the conclusion, the end time, both
    signatures; no audio times, no "(?)", no model name, no "Người nói"."""
    segs = [
        Segment(0, 0.0, 5.0, "Mời đồng chí Giám đốc Sở Tài chính báo cáo.", speaker="S1"),
        Segment(1, 6.0, 9.0, "Vâng ạ.", speaker="S2"),
        Segment(
            2,
            65.0,
            70.0,
            "Xin báo cáo tiến độ giải ngân đạt ba mươi phần trăm.",
            speaker="S2",
            flags=["low_confidence"],
        ),
        Segment(3, 71.0, 80.0, "Đề nghị bổ sung vốn cho các dự án giao thông.", speaker="S3"),
        Segment(
            4,
            3000.0,
            3300.0,
            "Tôi xin kết luận. Giao Sở Y tế kiểm tra an toàn thực phẩm trước ngày 30/9/2026.",
            speaker="S1",
        ),
    ]
    t = Transcript(
        audio=AudioInfo(duration=5700.0),
        segments=segs,
        model="whisper-base",
        speakers={"S1": Speaker(name="Nguyễn Văn An"), "S2": Speaker(name="Lê Bình", title="Giám đốc Sở Tài chính")},
    )
    m = meeting(fmt)
    m.start_time, m.secretary = "8:00", "đồng chí Lê Thị Hoa, Chuyên viên Văn phòng"
    path = tmp_path / "minutes.docx"
    render_minutes(t, m, extract(t, m)).save(path)
    doc = Document(path)
    text = "\n".join(p.text for p in doc.paragraphs)
    number = doc.tables[0].cell(1, 0).text
    assert number == ("Số       -BB/TU" if fmt == "party" else "Số:       /BB-UBND")
    assert "BIÊN BẢN\nCuộc họp nghe báo cáo tiến độ giải ngân vốn đầu tư công" in text
    assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 20 tháng 8 năm 2026." in text
    assert "Chủ trì: đồng chí Nguyễn Văn An, Phó Bí thư Thường trực Tỉnh ủy." in text
    assert "Thư ký (người ghi biên bản): đồng chí Lê Thị Hoa, Chuyên viên Văn phòng." in text
    assert (
        "Đồng chí Lê Bình, Giám đốc Sở Tài chính phát biểu: Xin báo cáo tiến độ giải ngân đạt ba mươi phần trăm."
    ) in text
    assert "Đồng chí ………… (đại biểu thứ 1) phát biểu: Đề nghị bổ sung vốn" in text
    assert "Vâng ạ" not in text  # not a contribution
    assert "Giao Sở Y tế kiểm tra an toàn thực phẩm" in text.split("Kết luận của")[1]
    assert "Tôi xin kết luận" not in text  # the chair's conclusion once, as the Kết luận
    assert "Cuộc họp kết thúc vào 09 giờ 35 phút cùng ngày./." in text
    for leftover in ("[00:", "(?)", "whisper", "mô hình", "Người nói", "S1", "S3"):
        assert leftover not in text
    sig = [p.text for c in doc.tables[-1].rows[0].cells for p in c.paragraphs if p.text]
    assert sig == ["THƯ KÝ", "(Ký, ghi rõ họ tên)", "Lê Thị Hoa", "CHỦ TRÌ", "(Ký, ghi rõ họ tên)", "Nguyễn Văn An"]
    assert "Nơi nhận:" in text and text.rstrip().endswith(", hồ sơ.")


def test_office_template(tmp_path):
    tpl = Document()
    tpl.add_paragraph("{{ issuing_body }} — {{ meeting.title }}")
    table = tpl.add_table(rows=3, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = (
        "STT",
        "Nội dung nhiệm vụ",
        "Cơ quan chủ trì",
    )
    table.cell(1, 0).text = "{%tr for t in tasks %}"
    table.cell(2, 0).text, table.cell(2, 1).text, table.cell(2, 2).text = (
        "{{ t.n }}",
        "{{ t.action }}",
        "{{ t.leads }}",
    )
    row = table.add_row()
    row.cells[0].text = "{%tr endfor %}"
    src = tmp_path / "office.docx"
    tpl.save(src)
    m = meeting()
    out = tmp_path / "out.docx"
    render_notice(extract_text(TEXT, m), m, template=src).save(out)
    doc = Document(out)
    assert doc.paragraphs[0].text == "Tỉnh ủy Lào Cai — " + m.title
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[1][0] == "1" and rows[1][2] == "Sở Tài chính" and len(rows) == 4


def test_deadline_text_reads_back_the_same():
    from drafting.deadline import parse

    m = meeting()
    for t in extract_text(TEXT, m).tasks:
        shown = deadline_text(t.deadline)
        again = parse(shown, m.date)
        assert (again.kind, again.due) == (t.deadline.kind, t.deadline.due)


def test_libreoffice_converts_to_pdf(party_docx, tmp_path):
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice is missing: apt-get install libreoffice-writer fonts-liberation")
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(party_docx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "party.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "THÔNG BÁO" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text


def test_empty_conclusion_and_odd_characters_still_render(tmp_path):
    from drafting.model import Conclusion

    m = meeting()
    m.title = "họp <về> A & B \x01"
    render_notice(Conclusion(meeting={}, opening=""), m).save(tmp_path / "empty.docx")
    assert len(Document(tmp_path / "empty.docx").tables) == 2  # header and signature
    t = Transcript(
        audio=AudioInfo(duration=9.0), segments=[Segment(0, 0.0, 9.0, "Xin kết luận. Giao Sở Y tế kiểm tra \x07 <b>.")]
    )
    c = extract(t, m)
    assert c.tasks[0].action == "Kiểm tra <b>"
    render_notice(c, m).save(tmp_path / "odd.docx")
    render_minutes(t, m).save(tmp_path / "odd-minutes.docx")
    assert "Giao Sở Y tế kiểm tra <b>." in [p.text for p in Document(tmp_path / "odd.docx").paragraphs]
