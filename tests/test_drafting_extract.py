"""Task extraction: every phrasing shape in DOMAIN.md, spoken noise, the concluding part."""

from datetime import date

import pytest

from drafting import Meeting, extract, extract_text
from drafting.gazetteer import Gazetteer
from drafting.text import clean, split, tokens_from_segments
from transcribe.transcript import AudioInfo, Segment, Speaker, Transcript

MEETING = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="nghe báo cáo", date=date(2026, 8, 20))


def tasks_of(text: str):
    return extract_text("Thường trực Tỉnh ủy kết luận như sau:\n" + text, MEETING).tasks


def one(text: str):
    tasks = tasks_of(text)
    assert len(tasks) == 1, [t.to_dict() for t in tasks]
    return tasks[0]


def test_giao_with_lead_and_supports():
    t = one(
        "Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng, Kho bạc Nhà nước tỉnh rà soát "
        "vốn các dự án chậm giải ngân, báo cáo UBND tỉnh trước ngày 15/9/2026."
    )
    assert t.leads == ["Sở Tài chính"]
    assert t.supports == ["Sở Xây dựng", "Kho bạc Nhà nước tỉnh"]
    assert t.action.startswith("Rà soát vốn")
    assert (t.deadline.kind, t.deadline.due) == ("date", date(2026, 9, 15))
    assert "15/9/2026" not in t.action  # the date goes to the Thời hạn column


def test_giao_without_comma_or_voi():
    t = one("Giao Sở Nông nghiệp và Môi trường chủ trì phối hợp Sở Tài chính đề xuất kinh phí.")
    assert t.leads == ["Sở Nông nghiệp và Môi trường"]
    assert t.supports == ["Sở Tài chính"]


def test_lead_first_with_several_leads():
    t = one("Sở Y tế, Sở Giáo dục và Đào tạo thường xuyên kiểm tra an toàn thực phẩm.")
    assert t.leads == ["Sở Y tế", "Sở Giáo dục và Đào tạo"]
    assert t.deadline.kind == "recurring"


def test_many_leads_across_a_semicolon():
    t = one("Giao các sở, ngành; UBND các xã, phường định kỳ hằng tháng báo cáo tiến độ.")
    assert t.leads == ["các sở, ngành", "UBND các xã, phường"]


@pytest.mark.parametrize("verb", ["Đề nghị", "Yêu cầu"])
def test_other_verbs(verb):
    t = one(f"{verb} Cục Thuế tỉnh khẩn trương triển khai giải pháp chống thất thu ngân sách.")
    assert t.leads == ["Cục Thuế tỉnh"]
    assert "chống thất thu" in t.action


def test_duoc_phan_cong():
    t = one("Bộ Chỉ huy Quân sự tỉnh được phân công chuẩn bị lực lượng cứu hộ, cứu nạn.")
    assert t.leads == ["Bộ Chỉ huy Quân sự tỉnh"]


def test_headed_list_gives_one_task_per_bullet():
    tasks = tasks_of(
        "Giao Ban Tuyên giáo Tỉnh ủy:\n"
        "- Chủ trì tuyên truyền kết quả thực hiện Nghị quyết trong tháng 10/2026.\n"
        "- Phối hợp với Tỉnh đoàn tổ chức hội thi trong quý IV.\n"
    )
    assert [t.leads for t in tasks] == [["Ban Tuyên giáo Tỉnh ủy"]] * 2
    assert tasks[0].deadline.kind == "month"
    assert tasks[1].supports == ["Tỉnh đoàn"]


def test_person_as_owner():
    t = one(
        "Đồng chí Phó Chủ tịch UBND tỉnh phụ trách lĩnh vực văn hóa - xã hội chỉ đạo giải "
        "quyết dứt điểm kiến nghị của cử tri."
    )
    assert t.leads[0].startswith("Đồng chí Phó Chủ tịch UBND tỉnh")
    assert t.action.startswith("Chỉ đạo giải quyết")


def test_deadline_before_the_verb():
    t = one("Trước ngày 15/10, Công an tỉnh phải hoàn thành điều tra vụ việc.")
    assert t.leads == ["Công an tỉnh"]
    assert t.deadline.due == date(2026, 10, 15)


@pytest.mark.parametrize(
    "text",
    [
        "Thường trực Tỉnh ủy cơ bản thống nhất với báo cáo của Sở Tài chính.",
        "Biểu dương Công an tỉnh đã làm tốt công tác bảo đảm an ninh.",
        "Thường trực Tỉnh ủy ghi nhận sự cố gắng của các cơ quan, đơn vị.",
        "Sở Tài chính đã chủ động tham mưu kịp thời.",
        "Đồng ý chủ trương điều chỉnh kế hoạch vốn theo đề nghị của Sở Tài chính.",
    ],
)
def test_assessments_and_approvals_are_not_tasks(text):
    assert tasks_of(text) == []


def test_spoken_noise_fillers_ordinals_and_self_correction():
    spoken = (
        "Rồi, tôi xin kết luận như sau. Thứ nhất là về vốn đầu tư, à, giao Sở Tài chính, "
        "à không, Sở Kế hoạch và Đầu tư chủ trì, ờ, tham mưu phương án điều chuyển vốn "
        "trước ngày ba mươi tháng chín. Thứ hai là Sở Sở Y tế thì thường xuyên kiểm tra "
        "an toàn thực phẩm nhé. Cảm ơn các đồng chí."
    )
    c = extract_text(spoken, MEETING)
    assert [t.leads for t in c.tasks] == [["Sở Kế hoạch và Đầu tư"], ["Sở Y tế"]]
    assert c.tasks[0].deadline.due == date(2026, 9, 30)
    assert "à" not in c.tasks[0].action.split()
    assert len(c.items) == 2 and c.items[0].title == "Về vốn đầu tư"


def test_misheard_unit_names_are_normalised():
    t = one("Giao sổ tài chính chủ trì phối hợp sở xây dừng kiểm tra công trình.")
    assert t.leads == ["Sở Tài chính"] and t.supports == ["Sở Xây dựng"]


def test_office_gazetteer_extends_the_default(tmp_path):
    f = tmp_path / "units.txt"
    f.write_text("[đơn vị]\nBan Quản lý Khu kinh tế cửa khẩu | BQL KKT\n", encoding="utf-8")
    gaz = Gazetteer.load(f)
    c = extract_text("Kết luận như sau: Giao BQL KKT rà soát quy hoạch.", MEETING, gaz)
    assert c.tasks[0].leads == ["Ban Quản lý Khu kinh tế cửa khẩu"]


def test_cleaning_keeps_the_corrected_unit():
    toks = tokens_from_segments([(0, "giao Sở Tài chính, à không, Sở Kế hoạch và Đầu tư chủ trì")])
    assert split(clean(toks))[0].text == "giao Sở Kế hoạch và Đầu tư chủ trì"


def _transcript() -> Transcript:
    segs = [
        Segment(0, 0.0, 9.0, "Mời đồng chí Giám đốc Sở Tài chính báo cáo.", speaker="S1"),
        Segment(
            1, 9.0, 30.0, "Sở Tài chính đã giải ngân năm mươi phần trăm. Đề nghị Sở Xây dựng hỗ trợ.", speaker="S2"
        ),
        Segment(
            2,
            30.0,
            41.0,
            "Tôi xin kết luận. Giao Sở Xây dựng kiểm tra chất lượng công trình trong quý ba.",
            speaker="S1",
        ),
        Segment(3, 41.0, 52.0, "Công an tỉnh bảo đảm an ninh trật tự, báo cáo khi có phát sinh.", speaker="S1"),
    ]
    return Transcript(
        audio=AudioInfo(duration=52.0),
        segments=segs,
        speakers={"S1": Speaker(name="Nguyễn Văn An"), "S2": Speaker(name="Lê B")},
    )


def test_concluding_part_and_evidence_times():
    meeting = Meeting(
        issuing_body="Tỉnh ủy Lào Cai", title="họp", date=date(2026, 8, 20), chair="Nguyễn Văn An, Phó Bí thư Tỉnh ủy"
    )
    c = extract(_transcript(), meeting)
    # the reporter's "Đề nghị Sở Xây dựng hỗ trợ" is before the conclusion: not a task
    assert [t.leads for t in c.tasks] == [["Sở Xây dựng"], ["Công an tỉnh"]]
    first = c.tasks[0]
    assert first.evidence.segment_ids == [2]
    assert (first.evidence.start, first.evidence.end) == (30.0, 41.0)
    assert first.evidence.clock == "[00:00:30]"
    assert "Giao Sở Xây dựng" in first.quote
    assert c.tasks[1].deadline.kind == "event"


def test_chair_last_long_turn_without_cue():
    t = _transcript()
    t.segments[2].text = "Giao Sở Xây dựng kiểm tra chất lượng công trình trong quý ba."
    meeting = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="họp", date=date(2026, 8, 20), chair_speaker="S1")
    c = extract(t, meeting)
    assert [x.leads for x in c.tasks] == [["Sở Xây dựng"], ["Công an tỉnh"]]


def test_conclusion_json_shape():
    c = extract(_transcript(), MEETING)
    data = c.to_dict()
    assert set(data) >= {"meeting", "opening", "items", "tasks"}
    task = data["tasks"][0]
    assert set(task) >= {"id", "leads", "supports", "action", "deadline", "quote", "evidence"}
    assert set(task["deadline"]) == {"kind", "due", "phrase"}
    assert set(task["evidence"]) == {"segment_ids", "start", "end"}
    assert "kết luận như sau" in c.opening


def test_several_tasks_in_one_sentence_after_commas():
    tasks = tasks_of(
        "Giao Sở Tài chính rà soát vốn đầu tư, Sở Xây dựng kiểm tra chất lượng công "
        "trình, Công an tỉnh bảo đảm an ninh trật tự."
    )
    assert [t.leads for t in tasks] == [["Sở Tài chính"], ["Sở Xây dựng"], ["Công an tỉnh"]]


def test_supports_list_is_not_split_into_tasks():
    t = one("Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng, Kho bạc Nhà nước tỉnh rà soát.")
    assert t.supports == ["Sở Xây dựng", "Kho bạc Nhà nước tỉnh"]


def test_sub_items_and_unknown_bodies_in_written_text():
    tasks = tasks_of(
        "2.1. Sở Công Thương quản lý thị trường.\n"
        "2.2. Trung tâm Văn hóa, Thông tin và Thể thao huyện tuyên truyền.\n"
        "2.3. Văn phòng Điều phối nông thôn mới tỉnh tổng hợp tiến độ."
    )
    assert [t.leads for t in tasks] == [
        ["Sở Công Thương"],
        ["Trung tâm Văn hóa, Thông tin và Thể thao huyện"],
        ["Văn phòng Điều phối nông thôn mới tỉnh"],
    ]


def test_without_cue_or_speakers_the_notice_skips_the_reports():
    segs = [
        Segment(0, 0.0, 20.0, "Kính thưa các đồng chí, hôm nay chúng ta họp về giải ngân vốn."),
        Segment(1, 20.0, 40.0, "Đến nay đã giải ngân được năm mươi phần trăm kế hoạch."),
        Segment(2, 40.0, 50.0, "Thứ nhất, Sở Tài chính phối hợp với Sở Tư pháp thẩm định hồ sơ."),
        Segment(3, 50.0, 60.0, "Thứ hai, Sở Xây dựng kiểm tra chất lượng công trình."),
    ]
    t = Transcript(audio=AudioInfo(duration=60.0), segments=segs)
    c = extract(t, MEETING)
    assert [x.leads for x in c.tasks] == [["Sở Tài chính"], ["Sở Xây dựng"]]
    body = " ".join(i.text for i in c.items)
    assert "giải ngân được" not in body and "Sở Xây dựng kiểm tra" in body


def test_unpunctuated_lower_case_speech():
    # some recognisers write no punctuation and no capitals at all
    text = (
        "tôi xin kết luận như sau thứ nhất giao sở tài chính chủ trì phối hợp với sở xây "
        "dựng kho bạc nhà nước tỉnh rà soát vốn báo cáo ubnd tỉnh trước ngày mười lăm tháng "
        "chín thứ hai công an huyện ban chỉ huy quân sự huyện tăng cường bảo đảm an ninh "
        "trật tự trước ngày hai mươi tháng mười sở nội vụ phải trình đề án sắp xếp thứ ba "
        "đồng chí phó chủ tịch ubnd huyện phụ trách văn hóa xã hội trực tiếp chỉ đạo công tác "
        "bảo đảm hàng hóa cảm ơn các đồng chí"
    )
    c = extract_text(text, MEETING)
    assert [t.leads for t in c.tasks] == [
        ["Sở Tài chính"],
        ["Công an huyện", "Ban Chỉ huy Quân sự huyện"],
        ["Sở Nội vụ"],
        ["Đồng chí phó chủ tịch ubnd huyện phụ trách văn hóa xã hội"],
    ]
    assert c.tasks[0].supports == ["Sở Xây dựng", "Kho bạc Nhà nước tỉnh"]
    assert c.tasks[0].deadline.due == date(2026, 9, 15)
    assert c.tasks[2].deadline.due == date(2026, 10, 20)  # said before the body


@pytest.mark.parametrize("lead_in", ["Thường trực Tỉnh ủy kết luận:", "Chủ tịch UBND tỉnh chỉ đạo như sau:"])
def test_written_lead_in_without_nhu_sau(lead_in):
    text = (
        "Ngày 20/8/2026, Thường trực Tỉnh ủy họp. Sở Tài chính báo cáo tình hình, đề nghị "
        "Sở Xây dựng hỗ trợ.\n" + lead_in + "\nGiao Sở Y tế kiểm tra an toàn thực phẩm.\n"
        "Văn phòng Tỉnh ủy thông báo để các cơ quan biết, thực hiện./."
    )
    c = extract_text(text, MEETING)
    assert [t.leads for t in c.tasks] == [["Sở Y tế"]]  # nothing from the opening lines


def test_the_cue_speaker_is_followed_past_interjections():
    segs = [
        Segment(0, 0.0, 10.0, "Sở Tài chính báo cáo. Đề nghị Sở Xây dựng hỗ trợ.", speaker="B"),
        Segment(1, 10.0, 20.0, "Tôi xin kết luận. Giao Sở Y tế kiểm tra an toàn thực phẩm.", speaker="A"),
        Segment(2, 20.0, 21.0, "Vâng, giao Sở Nội vụ luôn ạ?", speaker="B"),
        Segment(3, 21.0, 30.0, "Công an tỉnh bảo đảm an ninh trật tự.", speaker="A"),
    ]
    t = Transcript(audio=AudioInfo(duration=30.0), segments=segs)  # no names: chair unknown
    c = extract(t, MEETING)
    assert [x.leads for x in c.tasks] == [["Sở Y tế"], ["Công an tỉnh"]]


def test_notice_body_is_in_written_style():
    spoken = (
        "Tôi xin kết luận như sau. Về vốn đầu tư, chúng ta ghi nhận các đơn vị đã cố gắng "
        "nhưng mà tỷ lệ còn thấp. Giao Sở Tài chính rà soát vốn, báo cáo trước ngày mười "
        "lăm tháng chín. Về an ninh, Công an tỉnh bảo đảm an ninh trong quý bốn năm nay. "
        "Hết, cảm ơn các đồng chí."
    )
    c = extract_text(spoken, MEETING)
    assert [i.title for i in c.items] == ["Về vốn đầu tư", "Về an ninh"]
    body = " ".join(i.text for i in c.items)
    assert "Ghi nhận các đơn vị đã cố gắng nhưng tỷ lệ còn thấp." in body
    assert "trước ngày 15/09/2026" in body and "trong quý IV/2026" in body
    assert "cảm ơn" not in body.lower()


def test_people_are_spelled_as_in_the_office_glossary(tmp_path):
    f = tmp_path / "g.txt"
    f.write_text("[người]\nNguyễn Văn Bình\n[chức danh]\nPhó Chủ tịch UBND tỉnh\n", encoding="utf-8")
    gaz = Gazetteer.load(f)
    c = extract_text(
        "Kết luận như sau: Đồng chí nguyễn văn bình, phó chủ tịch ubnd tỉnh chỉ đạo giải quyết kiến nghị của cử tri.",
        MEETING,
        gaz,
    )
    assert c.tasks[0].leads == ["Đồng chí Nguyễn Văn Bình, Phó Chủ tịch UBND tỉnh"]


def test_thanks_early_in_the_meeting_do_not_end_it():
    lines = ["Cảm ơn đồng chí Giám đốc Sở Tài chính đã báo cáo."]
    lines += [f"Ý kiến thứ {k} về tình hình giải ngân vốn." for k in range(12)]
    lines += ["Giao Sở Xây dựng kiểm tra chất lượng công trình.", "Cảm ơn các đồng chí."]
    segs = [Segment(k, 10.0 * k, 10.0 * k + 9, line) for k, line in enumerate(lines)]
    c = extract(Transcript(audio=AudioInfo(duration=200.0), segments=segs), MEETING)
    assert [t.leads for t in c.tasks] == [["Sở Xây dựng"]]


def test_bare_spoken_numbers_and_con_between_tasks():
    spoken = (
        "Tôi kết luận như sau. Một, cơ bản nhất trí với dự thảo kế hoạch. Hai, Công an "
        "tỉnh xây dựng phương án bảo đảm an ninh, còn Sở Y tế bố trí lực lượng y tế. Ba, "
        "Ban Quản lý chợ thị trấn phối hợp với Đội Quản lý thị trường kiểm tra hàng hóa."
    )
    c = extract_text(spoken, MEETING)
    assert [t.leads for t in c.tasks] == [["Công an tỉnh"], ["Sở Y tế"], ["Ban Quản lý chợ thị trấn"]]
    assert c.tasks[2].supports == ["Đội Quản lý thị trường"]
    assert len(c.items) == 3
