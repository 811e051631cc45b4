"""Task extraction on the shapes real notices and real chairs use (issue 16's failure classes).

One test (or a few) per class, each written before its fix, from sentences made up for the
test in the style of published notices; none is taken from the evaluation corpus.
"""

from datetime import date

from drafting import Meeting, extract_text

STATE = Meeting(issuing_body="UBND tỉnh Lào Cai", title="họp", date=date(2024, 3, 5))


def tasks(text: str, meeting: Meeting = STATE):
    return extract_text(text, meeting).tasks


def leads(found) -> list[list[str]]:
    return [t.leads for t in found]


# -- 1. the conclusion starts at the first strong cue; closing formulas end it ------------


def test_closing_formula_is_not_the_start_of_the_conclusion():
    spoken = (
        "Vừa rồi đồng chí Giám đốc Sở Giao thông vận tải đã báo cáo tiến độ các dự án. "
        "Sở Tài chính cũng đã nêu khó khăn về nguồn vốn. "
        "Tôi xin kết luận mấy nội dung như sau. "
        "Thứ nhất, giao Sở Giao thông vận tải chủ trì, phối hợp với Sở Tài chính rà soát "
        "danh mục dự án, báo cáo UBND tỉnh trước ngày mười lăm tháng tư. "
        "Thứ hai, đề nghị UBND các huyện khẩn trương bàn giao mặt bằng cho nhà thầu. "
        "Tôi xin kết luận như vậy, đề nghị các đồng chí triển khai thực hiện. "
        "Xin cảm ơn các đồng chí."
    )
    found = tasks(spoken)
    assert leads(found) == [["Sở Giao thông vận tải"], ["UBND các huyện"]]
    assert found[0].supports == ["Sở Tài chính"]
    assert found[0].deadline.due == date(2024, 4, 15)


def test_closing_formula_in_segments_of_a_transcript():
    lines = [
        "Sau khi nghe các ý kiến, tôi kết luận như sau.",
        "Một là, giao Sở Nội vụ chủ trì rà soát biên chế các đơn vị sự nghiệp.",
        "Hai là, Sở Tư pháp hướng dẫn các xã chuẩn hóa hồ sơ chứng thực.",
        "Tôi xin kết luận như vậy, đề nghị các đồng chí triển khai.",
    ]
    found = tasks("\n".join(lines))
    assert leads(found) == [["Sở Nội vụ"], ["Sở Tư pháp"]]


# -- 2. the assigner as the subject ---------------------------------------------------------


def test_assigner_as_subject():
    text = (
        "Thủ tướng giao Bộ Tài chính chủ trì, phối hợp với Ngân hàng Nhà nước Việt Nam đề xuất "
        "giải pháp hỗ trợ doanh nghiệp.\n"
        "Phó Thủ tướng yêu cầu Bộ Giáo dục và Đào tạo chủ trì xây dựng đề án dạy ngoại ngữ.\n"
        "Lãnh đạo tỉnh giao Sở Y tế khẩn trương kiện toàn mạng lưới y tế cơ sở.\n"
        "Tại Thông báo này, Phó Chủ tịch yêu cầu Sở Xây dựng kiểm tra các công trình chậm tiến "
        "độ."
    )
    found = tasks(text)
    assert leads(found) == [["Bộ Tài chính"], ["Bộ Giáo dục và Đào tạo"], ["Sở Y tế"], ["Sở Xây dựng"]]
    assert found[0].supports == ["Ngân hàng Nhà nước Việt Nam"]


# -- 3. words between the lead and its role ------------------------------------------------


def test_adverb_between_lead_and_chu_tri():
    found = tasks(
        "Bộ Công Thương khẩn trương chủ trì, phối hợp với Bộ Tài chính, Bộ Xây dựng hoàn thiện dự thảo Nghị định."
    )
    assert leads(found) == [["Bộ Công Thương"]]
    assert found[0].supports == ["Bộ Tài chính", "Bộ Xây dựng"]
    assert found[0].action.startswith("Hoàn thiện dự thảo")


def test_two_leads_then_adverb():
    found = tasks("Bộ Nội vụ, Bộ Tư pháp thường xuyên theo dõi việc thực hiện quy chế.")
    assert leads(found) == [["Bộ Nội vụ", "Bộ Tư pháp"]]
    assert found[0].deadline.kind == "recurring"


# -- 4. bodies and people outside the gazetteer -------------------------------------------


def test_central_bodies_and_hdnd_committees():
    text = (
        "Giao Bộ Khoa học và Công nghệ chủ trì thẩm định công nghệ của dự án.\n"
        "Văn phòng Chính phủ theo dõi, đôn đốc việc thực hiện.\n"
        "Ban Văn hóa - Xã hội chủ trì thẩm tra dự thảo nghị quyết về học phí.\n"
        "Văn phòng Đoàn ĐBQH và HĐND tỉnh bảo đảm các điều kiện phục vụ kỳ họp."
    )
    found = tasks(text)
    assert leads(found) == [
        ["Bộ Khoa học và Công nghệ"],
        ["Văn phòng Chính phủ"],
        ["Ban Văn hóa - Xã hội"],
        ["Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh"],
    ]


def test_unknown_body_found_from_the_sentence_shape():
    found = tasks(
        "Cảng vụ Hàng hải Quảng Ninh chủ trì, phối hợp với Bộ đội Biên phòng tỉnh "
        "kiểm tra an toàn các bến thủy nội địa."
    )
    assert leads(found) == [["Cảng vụ Hàng hải Quảng Ninh"]]
    assert found[0].supports == ["Bộ đội Biên phòng tỉnh"]


def test_named_leader_as_lead():
    found = tasks(
        "Phó Chủ tịch UBND tỉnh Nguyễn Văn Hùng được phân công trực tiếp chỉ đạo công tác giải phóng mặt bằng."
    )
    assert len(found) == 1
    assert found[0].leads[0].startswith("Phó Chủ tịch UBND tỉnh Nguyễn Văn Hùng")


# -- 5. headings with role bullets ---------------------------------------------------------


def test_heading_with_role_bullets():
    text = (
        "3. Giao Ban Văn hóa - Xã hội:\n"
        "- Chủ trì thẩm tra báo cáo về công tác giảm nghèo.\n"
        "- Phối hợp với Sở Y tế giám sát công tác khám chữa bệnh bảo hiểm y tế.\n"
        "- Hoàn thành báo cáo thẩm tra trước ngày 20/3/2024."
    )
    found = tasks(text)
    assert leads(found) == [["Ban Văn hóa - Xã hội"]] * 3
    assert found[1].supports == ["Sở Y tế"]
    assert found[2].deadline.due == date(2024, 3, 20)


def test_de_nghi_the_committees():
    found = tasks(
        "Đề nghị các Ban HĐND tỉnh theo lĩnh vực phụ trách tăng cường giám sát việc giải quyết kiến nghị của cử tri."
    )
    assert len(found) == 1
    assert found[0].leads == ["các Ban HĐND tỉnh"]


# -- 6. notices as they arrive -------------------------------------------------------------


def test_notice_with_header_and_roman_sections():
    text = "\n".join(
        [
            "ỦY BAN NHÂN DÂN TỈNH LÀO CAI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Số: 95/TB-UBND | Độc lập - Tự do - Hạnh phúc",
            "Lào Cai, ngày 05 tháng 3 năm 2024",
            "THÔNG BÁO",
            "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về công tác phòng cháy rừng",
            "I. THÀNH PHẦN THAM DỰ",
            "Đồng chí Chủ tịch UBND tỉnh chủ trì; đại diện lãnh đạo Sở Nông nghiệp và Môi trường, "
            "Công an tỉnh, UBND các huyện.",
            "II. NỘI DUNG",
            "Sau khi nghe Sở Nông nghiệp và Môi trường báo cáo, Chủ tịch UBND tỉnh kết luận, chỉ đạo các nội dung sau:",
            "1. Giao Sở Nông nghiệp và Môi trường chủ trì, phối hợp với Công an tỉnh tuần tra các "
            "khu rừng có nguy cơ cháy cao.",
            "2. UBND các huyện bố trí lực lượng trực 24/24 giờ trong mùa khô.",
            "Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.",
        ]
    )
    found = tasks(text)
    assert leads(found) == [["Sở Nông nghiệp và Môi trường"], ["UBND các huyện"]]


def test_press_report_of_a_notice():
    text = (
        "Văn phòng Chính phủ vừa ban hành Thông báo số 95/TB-VPCP ngày 5/3/2024 kết luận "
        "của Phó Thủ tướng tại cuộc họp về giá điện; theo đó, Phó Thủ tướng yêu cầu Bộ Công "
        "Thương chủ trì, phối hợp với Tập đoàn Điện lực Việt Nam rà soát phương án điều chỉnh "
        "giá điện, báo cáo Thủ tướng Chính phủ trong tháng 4/2024."
    )
    found = tasks(text)
    assert leads(found) == [["Bộ Công Thương"]]
    assert found[0].supports == ["Tập đoàn Điện lực Việt Nam"]
    assert (found[0].deadline.kind, found[0].deadline.due) == ("month", date(2024, 4, 30))


# -- 7. deadlines as real texts write them -------------------------------------------------


def test_deadlines_as_published():
    text = (
        "Kết luận như sau:\n"
        "1. Sở Xây dựng hoàn thiện quy hoạch chung đô thị trong tháng 8-2024.\n"
        "2. Sở Tài chính tham mưu bố trí vốn trong tháng 02/2025.\n"
        "3. Sở Nội vụ trình phương án sắp xếp trước ngày 20-3.\n"
        "4. Giao Sở Giao thông vận tải thẩm định hồ sơ theo đề nghị tại Tờ trình số "
        "45/TTr-SXD ngày 12/10/2023 của Sở Xây dựng."
    )
    found = tasks(text)
    got = [(t.deadline.kind, t.deadline.due) for t in found]
    assert got == [
        ("month", date(2024, 8, 31)),
        ("month", date(2025, 2, 28)),
        ("date", date(2024, 3, 20)),
        ("none", None),
    ]


# -- shapes found on the published-notice dev split (regression tests) ---------------------


def test_sentence_with_no_subject_goes_on_with_the_lead_before():
    found = tasks(
        "Giao Ban cán sự đảng UBND thành phố chỉ đạo rà soát phương án phòng dịch. "
        "Áp dụng triệt để các biện pháp phòng, chống dịch ở mức cao nhất. "
        "Thường trực Thành ủy đánh giá cao tinh thần trách nhiệm của các lực lượng."
    )
    assert [t.leads for t in found] == [["Ban cán sự đảng UBND thành phố"]] * 2
    assert found[1].action.startswith("Áp dụng triệt để")


def test_a_sentence_that_only_gives_the_deadline():
    found = tasks(
        "Giao Bộ Thông tin và Truyền thông xây dựng Chiến lược quốc gia về kinh tế số. Hoàn thành trong tháng 8/2024."
    )
    assert len(found) == 1
    assert (found[0].deadline.kind, found[0].deadline.due) == ("month", date(2024, 8, 31))


def test_a_head_said_alone_is_the_body_named_before():
    found = tasks(
        "Vừa rồi Bộ Tài nguyên và Môi trường đã báo cáo tiến độ lập quy hoạch. "
        "Ý kiến của tôi là Bộ phải khẩn trương trình quy hoạch trước ngày 10/11/2024. "
        "Đề nghị Bộ triển khai."
    )
    assert [t.leads for t in found] == [["Bộ Tài nguyên và Môi trường"]]


def test_group_leads_as_lists():
    found = tasks(
        "Đề nghị các cơ quan, đơn vị, địa phương trên địa bàn tỉnh tăng cường các biện pháp phòng, chống dịch."
    )
    assert found[0].leads == ["các cơ quan, đơn vị, địa phương trên địa bàn tỉnh"]


def test_assigner_after_an_opening_phrase_and_a_person_that_ends_at_the_verb():
    found = tasks(
        "Sau buổi kiểm tra thực tế, Chủ tịch UBND huyện yêu cầu Chủ tịch UBND các xã "
        "Biển Động, Tân Quang tập trung giải quyết dứt điểm các vụ việc. "
        "Thủ tướng Nguyễn Văn A đồng ý về nguyên tắc việc đăng cai Hội nghị."
    )
    assert len(found) == 1
    assert found[0].leads == ["Chủ tịch UBND các xã Biển Động, Tân Quang"]


def test_closing_formula_inside_unpunctuated_speech():
    spoken = (
        "tôi xin kết luận như sau giao sở y tế chủ trì phối hợp với công an tỉnh kiểm tra "
        "an toàn thực phẩm các bếp ăn tập thể tôi xin kết luận như vậy đề nghị các đồng chí "
        "triển khai thực hiện"
    )
    found = tasks(spoken)
    assert [t.leads for t in found] == [["Sở Y tế"]]
    assert "kết luận" not in found[0].action


def test_a_task_said_twice_is_one_task():
    found = tasks(
        "Thủ tướng yêu cầu Bộ Công an chỉ đạo các đơn vị chức năng khẩn trương kiểm "
        "tra, xác minh thông tin phản ánh của báo chí về vụ việc. Thông báo nêu rõ, Thủ "
        "tướng yêu cầu Bộ Công an chỉ đạo các đơn vị chức năng khẩn trương kiểm tra, "
        "xác minh thông tin phản ánh của báo chí về vụ việc, báo cáo Thủ tướng."
    )
    assert len(found) == 1
    assert found[0].action.endswith("báo cáo Thủ tướng")


def test_who_speaks_then_whom_it_is_for():
    found = tasks(
        "Về dự án đường ven biển, Phó Thủ tướng chỉ đạo, trước mắt, UBND tỉnh Quảng Nam "
        "chủ động cân đối ngân sách địa phương để đầu tư."
    )
    assert [t.leads for t in found] == [["UBND tỉnh Quảng Nam"]]


def test_people_named_by_their_post_after_a_trigger():
    found = tasks(
        "Đề nghị cán bộ, công chức xã chấp hành tốt giờ giấc làm việc. "
        "Giao công chức Văn hóa - Xã hội phụ trách nhà ở tham mưu UBND xã xây dựng "
        "văn bản xin ý kiến UBND huyện."
    )
    assert [t.leads for t in found] == [["Cán bộ, công chức xã"], ["Công chức Văn hóa - Xã hội phụ trách nhà ở"]]


def test_one_head_for_a_list_of_names():
    found = tasks(
        "Phó Thủ tướng giao các Bộ: Kế hoạch và Đầu tư, Tài chính, Văn hóa, Thể thao và "
        "Du lịch làm việc với các tỉnh xác định nguồn kinh phí."
    )
    assert found[0].leads == ["Bộ Kế hoạch và Đầu tư", "Bộ Tài chính", "Bộ Văn hóa, Thể thao và Du lịch"]


# -- session 4: follow-up deadlines, week ends, names with commas, places with head words --


def test_a_follow_up_sentence_gives_the_task_before_its_deadline():
    found = tasks(
        "Kết luận như sau: Giao Sở Nội vụ tổng hợp danh sách cán bộ. Yêu cầu gửi "
        "báo cáo về Văn phòng UBND tỉnh trước ngày 20/3/2024."
    )
    assert leads(found) == [["Sở Nội vụ"]]
    assert found[0].deadline.kind == "date" and found[0].deadline.due == date(2024, 3, 20)
    found = tasks(
        "Kết luận như sau: Giao Phòng Văn hóa huyện hướng dẫn các xã. Thời gian "
        "hoàn thành việc hướng dẫn, chậm nhất ngày 25/3/2024 và báo cáo kết quả về "
        "Thường trực Huyện ủy."
    )
    assert leads(found) == [["Phòng Văn hóa huyện"]]
    assert found[0].deadline.due == date(2024, 3, 25)
    # the deadline sentence is not a task of its own, even opening with "Báo cáo"
    found = tasks(
        "Kết luận như sau: Giao các phòng, ban rà soát số liệu. Báo cáo yêu cầu gửi "
        "về Văn phòng HĐND và UBND huyện trước 16 giờ, ngày 08/3/2024."
    )
    assert len(found) == 1 and found[0].deadline.due == date(2024, 3, 8)


def test_the_end_of_this_week_is_a_day():
    found = tasks(
        "Chủ tịch UBND tỉnh yêu cầu Sở Tư pháp chậm nhất cuối tuần này phải trình dự thảo quyết định."
    )  # the meeting is on Tuesday 5/3/2024
    assert found[0].deadline.kind == "date" and found[0].deadline.due == date(2024, 3, 8)
    assert "tuần" not in found[0].action


def test_a_listed_name_with_a_comma_is_one_body():
    found = tasks(
        "Ban Bí thư giao Đảng ủy Mặt trận Tổ quốc, các đoàn thể Trung ương chủ trì "
        "hướng dẫn việc sắp xếp các hội quần chúng."
    )
    assert leads(found) == [["Đảng ủy Mặt trận Tổ quốc, các đoàn thể Trung ương"]]
    found = tasks("Phó Thủ tướng giao các Bộ: Y tế, Văn hóa, Thể thao và Du lịch, Nội vụ rà soát các đề án.")
    assert leads(found) == [["Bộ Y tế", "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Nội vụ"]]


def test_a_place_name_holding_a_head_word():
    found = tasks(
        "Ý kiến như sau: Bộ Giao thông vận tải, Ủy ban nhân dân thành phố Hải Phòng "
        "và Ủy ban nhân dân tỉnh Quảng Ninh thực hiện nâng cấp tuyến đường."
    )
    assert leads(found) == [["Bộ Giao thông vận tải", "UBND thành phố Hải Phòng", "UBND tỉnh Quảng Ninh"]]


def test_spoken_lists_and_lower_case_bodies():
    spoken = (
        "tôi có ý kiến thế này một là các bộ tư pháp nội vụ tài chính hướng dẫn các tỉnh "
        "rà soát hồ sơ hai là tổng công ty điện lực miền bắc phải khẩn trương đóng điện "
        "cho trạm biến áp"
    )
    found = tasks(spoken)
    assert leads(found) == [["Bộ Tư pháp", "Bộ Nội vụ", "Bộ Tài chính"], ["Tổng công ty điện lực miền bắc"]]
    # "thanh tra" in lower case stays a verb
    assert not tasks("Kết luận như sau: thanh tra các dự án chậm tiến độ.")


def test_a_level_does_not_reach_across_a_comma():
    found = tasks(
        "Tôi giao thế này. Các sở, ngành tỉnh, Ủy ban nhân dân các huyện, thành phố, "
        "và các Ban QLDA chuyên ngành tỉnh báo cáo tình hình giải ngân."
    )
    # (spelt out in lower case, "các Ban quản lý dự án chuyên ngành" is still read as "các Ban")
    assert leads(found) == [["các sở, ngành tỉnh", "UBND các huyện, thành phố", "các Ban QLDA chuyên ngành tỉnh"]]


def test_bodies_as_people_say_them():
    spoken = (
        "Tôi kết luận thế này. Việc rà soát hồ sơ đất đai thì giao Sở Tư pháp, xong "
        "trước ngày ba mươi tháng sáu. Ủy ban huyện chỉ đạo các xã rà soát hộ nghèo. "
        "Anh em Văn phòng Huyện ủy tổng hợp ý kiến. Phòng Nông nghiệp huyện chủ trì cùng "
        "các hợp tác xã hướng dẫn bà con gieo cấy. Bộ Giáo dục hướng dẫn tuyển sinh."
    )
    found = tasks(spoken)
    assert leads(found) == [
        ["Sở Tư pháp"],
        ["UBND huyện"],
        ["Văn phòng Huyện ủy"],
        ["Phòng Nông nghiệp huyện"],
        ["Bộ Giáo dục và Đào tạo"],
    ]
    assert found[0].action.startswith("Rà soát hồ sơ đất đai")
    assert found[0].deadline.due == date(2024, 6, 30)
    assert found[3].supports == ["các hợp tác xã"]


def test_a_hyphen_written_either_way_is_the_same_name():
    found = tasks("Kết luận như sau: Giao Mặt trận Tổ quốc và các đoàn thể chính trị-xã hội tuyên truyền Nghị quyết.")
    assert leads(found) == [["Ủy ban MTTQ Việt Nam", "các tổ chức chính trị - xã hội"]]


def test_party_committees_and_leaders_as_leads():
    found = tasks(
        "Kết luận như sau: Lưu ý cấp ủy các cấp không tổ chức hội nghị lồng ghép. "
        "Giao cấp ủy, chính quyền các thôn kiểm tra các tàu thuyền. Đề nghị lãnh đạo "
        "các địa phương tăng cường chỉ đạo. Giao trách nhiệm cho Sở Nội vụ theo dõi."
    )
    assert leads(found) == [
        ["Cấp ủy các cấp"],
        ["Cấp ủy, chính quyền các thôn"],
        ["Lãnh đạo các địa phương"],
        ["Sở Nội vụ"],
    ]


def test_lower_case_speech_keeps_the_province_and_reads_report_as_a_verb():
    found = tasks(
        "tôi kết luận thế này giao ban thường vụ tỉnh ủy vĩnh phúc chỉ đạo rà soát "
        "các nghị quyết đề nghị sở giao thông vận tải và sở xây dựng báo cáo tình "
        "trạng thiếu cát"
    )
    assert leads(found) == [["Ban Thường vụ Tỉnh ủy Vĩnh Phúc"], ["Sở Giao thông vận tải", "Sở Xây dựng"]]


def test_news_and_accountability_are_not_tasks():
    found = tasks(
        "Văn phòng Chính phủ vừa phát đi thông báo ý kiến chỉ đạo của Thủ tướng, yêu "
        "cầu Bộ Y tế khẩn trương kiểm tra, xác minh thông tin báo chí phản ánh về giá "
        "thuốc tại các bệnh viện. Thông báo nêu rõ, Thủ tướng yêu cầu Bộ Y tế khẩn "
        "trương kiểm tra, xác minh thông tin báo chí phản ánh, xử lý nghiêm sai phạm. "
        "Các Bí thư huyện ủy phải chịu trách nhiệm trước Ban Thường vụ Tỉnh ủy nếu "
        "để xảy ra thiệt hại."
    )
    assert leads(found) == [["Bộ Y tế"]]


def test_a_topic_before_the_lead_in_speech():
    found = tasks(
        "Tôi kết luận thế này. Thứ nhất là cái bài trên báo ấy, Bộ Y tế nghiên cứu "
        "thông tin phản ánh. Muốn vậy thì Bộ Tài chính phải bố trí đủ kinh phí trong "
        "năm nay."
    )
    assert leads(found) == [["Bộ Y tế"], ["Bộ Tài chính"]]
    assert found[1].deadline.kind == "year"


def test_the_job_first_and_the_lead_last():
    found = tasks(
        "Tôi kết luận thế này. Việc kiểm tra, rà soát lại vụ việc, báo cáo đề xuất với "
        "Ủy ban tỉnh trong tháng chín này thì giao Thanh tra tỉnh."
    )
    assert leads(found) == [["Thanh tra tỉnh"]]
    assert found[0].action == "Kiểm tra, rà soát lại vụ việc, báo cáo đề xuất với Ủy ban tỉnh"
    assert (found[0].deadline.kind, found[0].deadline.due) == ("month", date(2024, 9, 30))


def test_second_leads_after_connectors_and_compound_verbs_with_giao():
    found = tasks(
        "Kết luận như sau: Công an tỉnh bảo đảm an ninh mạng, trong khi Sở Khoa học và "
        "Công nghệ chủ trì thúc đẩy hợp tác nghiên cứu. Về giải ngân thì các chủ đầu tư "
        "phải đẩy nhanh tiến độ, rồi Sở Tài chính theo dõi báo cáo hằng tháng."
    )
    assert leads(found) == [["Công an tỉnh"], ["Sở Khoa học và Công nghệ"], ["các chủ đầu tư"], ["Sở Tài chính"]]
    found = tasks(
        "Ý kiến như sau:\n- Các Bộ: Tư pháp, Nội vụ, Tài chính, Công Thương hướng dẫn, "
        "giám sát việc thu hồi, chuyển giao Dự án theo đúng quy định."
    )
    assert leads(found) == [["Bộ Tư pháp", "Bộ Nội vụ", "Bộ Tài chính", "Bộ Công Thương"]]


def test_unpunctuated_list_of_leads_after_a_spoken_cue():
    found = tasks(
        "về đề nghị nâng cấp quốc lộ thì ý kiến của tôi là thế này bộ giao thông vận "
        "tải ủy ban nhân dân thành phố hải phòng và ủy ban nhân dân tỉnh quảng ninh "
        "thực hiện nâng cấp tuyến đường này theo đúng thẩm quyền"
    )
    assert leads(found) == [["Bộ Giao thông vận tải", "UBND thành phố Hải Phòng", "UBND tỉnh Quảng Ninh"]]


def test_a_standing_committee_of_several_party_committees():
    found = tasks(
        "Kết luận như sau: Yêu cầu Ban Thường vụ các huyện ủy, thành ủy chỉ đạo triển "
        "khai các phương án phòng, chống thiên tai."
    )
    assert leads(found) == [["Ban Thường vụ các huyện ủy, thành ủy"]]


def test_unpunctuated_boundary_before_a_body_and_cung():
    found = tasks(
        "tôi kết luận thế này sở tư pháp phải rà soát các văn bản trong năm nay sở nội "
        "vụ cũng kiểm tra đề xuất sắp xếp bộ máy"
    )
    assert leads(found) == [["Sở Tư pháp"], ["Sở Nội vụ"]]


def test_spoken_follow_ups_and_empty_manner_actions():
    found = tasks(
        "Tôi kết luận thế này. Giao Sở Nội vụ tổng hợp danh sách. Hoàn thành trong "
        "tháng tư, không để chậm trễ. Báo cáo gửi về Văn phòng Ủy ban tỉnh trước mười "
        "bốn giờ ngày hai mươi tháng tư. Yêu cầu các xã, thị trấn rà soát hộ nghèo."
    )
    assert leads(found) == [["Sở Nội vụ"], ["các xã, thị trấn"]]
    # both dates stay in the phrase; the first said is the due date
    assert "hai mươi" in found[0].deadline.phrase and found[0].deadline.due == date(2024, 4, 30)


def test_unpunctuated_body_spoken_to_is_no_new_lead_and_closing_words_drop():
    found = tasks(
        "tôi kết luận thế này giao sở giáo dục và đào tạo chủ động báo cáo đề xuất ủy "
        "ban nhân dân tỉnh xem xét giải quyết vậy thôi"
    )
    assert leads(found) == [["Sở Giáo dục và Đào tạo"]]
    assert found[0].action.endswith("xem xét giải quyết")


# -- 4b. bodies no list names, found from the clause's shape (noun phrase, then verb) ------


def test_a_body_no_list_names_leads_by_its_shape():
    found = tasks(
        "Kết luận như sau: "
        "Phòng Quản lý trật tự đô thị và môi trường thống kê lại các điểm tập kết rác. "
        "Các khu dân cư vận động bà con nạo vét kênh mương trước mùa mưa. "
        "Tiểu ban tuyên truyền bám sát kế hoạch, thường xuyên cập nhật tin bài."
    )
    assert leads(found) == [
        ["Phòng Quản lý trật tự đô thị và môi trường"],
        ["các khu dân cư"],
        ["Tiểu ban tuyên truyền"],
    ]
    assert found[1].action.lower().startswith("vận động bà con")


def test_a_listed_name_that_goes_on_is_read_whole():
    # the list knows "Thường trực"; the subject is "Thường trực Hội đồng thi đua"
    found = tasks("Kết luận: Thường trực Hội đồng thi đua xem lại danh sách đề nghị khen thưởng.")
    assert leads(found) == [["Thường trực Hội đồng thi đua"]]


def test_after_giao_a_body_no_list_names_ends_at_its_verb():
    found = tasks("Kết luận: Giao Tổ công tác liên ngành số 3 rà soát lại toàn bộ hiện trạng sử dụng đất.")
    assert leads(found) == [["Tổ công tác liên ngành số 3"]]
    assert found[0].action.lower().startswith("rà soát")


def test_shapes_that_look_like_a_body_are_not_tasks():
    found = tasks(
        "Kết luận: Hội nghị thống nhất thông qua dự thảo kế hoạch. "
        "Báo cáo gửi về trước ngày 10 hằng tháng. "
        "Đoàn công tác xuất phát từ thị xã lúc 7 giờ. "
        "Các xã, thị trấn đã hoàn thành chỉ tiêu thu ngân sách."
    )
    assert found == []


# -- spoken self-corrections of a name, and asides between a lead and its verb -------------


def test_a_corrected_name_is_replaced_whole():
    found = tasks(
        "Tôi kết luận như sau. Giao Bộ Giao thông, à nhầm, giao Bộ Xây dựng nghiên cứu "
        "đề xuất của tỉnh. Ủy ban nhân dân tỉnh Quảng Ngãi, à nhầm, Ủy ban nhân dân "
        "tỉnh Quảng Nam khẩn trương hoàn thiện hồ sơ. Còn đề nghị bên Mặt trận, à không, "
        "bên UBND phường tiếp tục vận động các hộ dân."
    )
    assert leads(found) == [["Bộ Xây dựng"], ["UBND tỉnh Quảng Nam"], ["UBND phường"]]


def test_an_aside_between_the_lead_and_its_verb_is_skipped():
    found = tasks(
        "Kết luận: UBND tỉnh Quảng Nam, trên cơ sở thống nhất với Bộ Xây dựng, thực "
        "hiện việc lập quy hoạch. Sở Y tế, căn cứ chức năng, nhiệm vụ được giao, chủ "
        "động rà soát danh mục thuốc. Bộ Công Thương đồng thời tăng cường kiểm tra thị "
        "trường."
    )
    assert leads(found) == [["UBND tỉnh Quảng Nam"], ["Sở Y tế"], ["Bộ Công Thương"]]
    assert found[0].action.lower().startswith("thực hiện")
    assert found[1].action.lower().startswith("chủ động")


def test_a_topic_that_names_the_body_gives_the_lead():
    found = tasks(
        "Tôi kết luận như sau. Về phía UBND huyện, đề nghị tập trung chỉ đạo giải quyết dứt điểm kiến nghị của cử tri."
    )
    assert leads(found) == [["UBND huyện"]]
    assert found[0].action.lower().startswith("tập trung chỉ đạo")


def test_a_reported_meeting_is_not_a_task_but_an_assigned_one_is():
    found = tasks(
        "Sáng 12/3, UBND huyện tổ chức phiên họp thường kỳ tháng 3 năm 2024. "
        "Thường trực Huyện ủy làm việc với lãnh đạo các ban xây dựng Đảng. "
        "Kết luận phiên họp, Chủ tịch UBND huyện giao Văn phòng HĐND và UBND huyện tổ "
        "chức hội nghị sơ kết quý I trước ngày 30/3."
    )
    assert leads(found) == [["Văn phòng HĐND và UBND huyện"]]


def test_what_came_in_was_issued_or_says_nothing_to_do_is_not_a_task():
    found = tasks(
        "Kết luận như sau: UBND tỉnh nhận được các Tờ trình số 12/TTr-SXD của Sở Xây "
        "dựng. UBND tỉnh ban hành Kế hoạch (HỎA TỐC) số 114/KH-UBND về kiểm tra. "
        "Đồng chí Phó Chủ tịch UBND huyện chỉ đạo: "
        "Các cơ quan, đơn vị, địa phương trong thời gian tới theo chức năng, nhiệm vụ. "
        "Giao Sở Y tế rà soát danh mục thuốc."
    )
    assert leads(found) == [["Sở Y tế"]]


def test_a_lead_in_with_its_time_is_a_heading():
    found = tasks(
        "Kết luận:\nCác sở, ngành trước mắt cần thực hiện một số nhiệm vụ trọng tâm "
        "như:\n- Rà soát các dự án chậm tiến độ;\n- Báo cáo UBND tỉnh trước ngày 15/4."
    )
    assert [t.action for t in found] == ["Rà soát các dự án chậm tiến độ", "Báo cáo UBND tỉnh"]
    assert found[1].deadline.due == date(2024, 4, 15)


def test_unpunctuated_speech_is_cut_before_a_subject_found_by_its_shape():
    found = tasks(
        "tôi kết luận như sau các ấp tập trung chỉ đạo sản xuất vụ đông xuân phòng kinh "
        "tế hạ tầng khẩn trương đánh giá lại việc cấp phép xây dựng trên địa bàn"
    )
    assert leads(found) == [["các ấp"], ["Phòng Kinh tế và Hạ tầng"]]  # now a listed office
    assert found[1].action.lower().startswith("khẩn trương đánh giá")


def test_spoken_subjects_with_their_topic_marker_and_glued_names():
    found = tasks(
        "Tôi kết luận như sau. Còn các hộ dân thì phải chủ động khơi thông cống rãnh "
        "trước mùa mưa. Huyện Khánh Sơn khẩn trương tổng hợp báo cáo kết quả xử lý vi "
        "phạm."
    )
    assert leads(found) == [["các hộ dân"], ["Huyện Khánh Sơn"]]


# -- session 6: press articles' titles and dated reports, a council's recommendations -----


def test_a_press_title_reports_what_happened_and_is_not_a_task():
    text = (
        "Thường trực HĐND huyện kiểm tra công tác chuẩn bị diễn tập tại xã Tân Lập\n"
        "Sáng 12/9, đoàn công tác của Thường trực HĐND huyện đã kiểm tra tại xã Tân Lập.\n"
        "Tại buổi kiểm tra, đồng chí Phó Chủ tịch HĐND huyện đề nghị UBND xã Tân Lập "
        "hoàn thiện các văn kiện diễn tập trước ngày 20/9.\n"
    )
    found = tasks(text, Meeting(issuing_body="HĐND huyện", title="kiểm tra", date=date(2024, 9, 12)))
    assert leads(found) == [["UBND xã Tân Lập"]]
    assert found[0].deadline.due == date(2024, 9, 20)


def test_a_press_title_that_assigns_is_kept():
    text = (
        "Thường trực HĐND huyện đề nghị UBND huyện rà soát các dự án chậm tiến độ\n"
        "Chiều 3/3, Thường trực HĐND huyện họp phiên thường kỳ.\n"
    )
    assert leads(tasks(text)) == [["UBND huyện"]]


def test_what_was_done_on_a_past_day_is_a_report():
    text = (
        "Ngày 04/02, UBND huyện Tân Phú tổ chức hội nghị triển khai công tác tuyển quân.\n"
        "Từ ngày 10/01/2024 đến ngày 20/01/2024, UBND huyện thực hiện kiểm tra cải cách hành "
        "chính tại 15 xã.\n"
        "Ngày 01/3/2024 UBND tỉnh giao Sở Nội vụ chủ trì tổng hợp kết quả kiểm tra.\n"
        "Phòng Nội vụ huyện tiếp tục theo dõi, đôn đốc các xã khắc phục hạn chế.\n"
    )
    assert leads(tasks(text)) == [["Sở Nội vụ"], ["Phòng Nội vụ huyện"]]


def test_a_councils_recommendation_names_the_lead_after_it():
    text = (
        "Qua giám sát, Ban Kinh tế - Ngân sách HĐND tỉnh kiến nghị UBND huyện Bảo Thắng, "
        "UBND thành phố Lào Cai cần quan tâm nhân rộng các mô hình ứng dụng khoa học.\n"
        "Về mấy kiến nghị của cử tri xã Phú Nhuận, giao Sở Xây dựng kiểm tra, trả lời.\n"
    )
    assert leads(tasks(text)) == [["UBND huyện Bảo Thắng", "UBND thành phố Lào Cai"], ["Sở Xây dựng"]]


def test_levels_listed_in_any_order_are_one_group():
    text = (
        "Giao UBND các huyện, thành phố, thị xã rà soát danh sách hộ nghèo.\n"
        "Đề nghị UBND các quận, huyện kiểm tra việc cấp phép xây dựng.\n"
    )
    assert leads(tasks(text)) == [["UBND các huyện, thành phố, thị xã"], ["UBND các quận, huyện"]]


def test_a_duty_said_as_a_ban_and_a_lead_in_of_the_assigner():
    spoken = (
        "Các đồng chí, tình hình mưa lũ đang rất phức tạp. Ban Thường vụ đề nghị thế này. "
        "Các cơ quan, đơn vị, các xã, thị trấn không được chủ quan, lơ là, phải lấy an toàn "
        "của người dân là ưu tiên hàng đầu. Triển khai ngay phương án sơ tán dân ở vùng trũng."
    )
    found = tasks(spoken)
    assert leads(found) == [["Các cơ quan, đơn vị", "các xã, thị trấn"]] * 2
    assert found[0].action.lower().startswith("không được chủ quan")


def test_a_province_named_alone_stands_for_its_authorities():
    spoken = (
        "Tôi ghi nhận Lào Cai làm quyết liệt. Nhưng mà Lào Cai phải tiếp tục kiểm soát chặt "
        "người ra vào cửa khẩu. Và đề nghị Lào Cai tiếp tục triển khai tiêm chủng ở mức cao nhất."
    )
    assert leads(tasks(spoken)) == [["Lào Cai"], ["Lào Cai"]]


def test_spoken_leads_joined_by_voi_and_a_field_before_a_modal():
    spoken = (
        "Về giá cước thì Bộ Giao thông vận tải với Bộ Tài chính nghiên cứu, điều hành cho phù "
        "hợp. Thời gian tới thì ngành giáo dục phải tập trung nâng cao chất lượng đội ngũ giáo "
        "viên. Các bộ, cơ quan ngang bộ thì phân công công chức trực để nắm tình hình."
    )
    found = tasks(spoken)
    assert leads(found) == [
        ["Bộ Giao thông vận tải", "Bộ Tài chính"],
        ["Ngành giáo dục"],
        ["các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"],
    ]
    assert found[2].action.lower().startswith("phân công công chức trực")


def test_a_leader_directs_a_body():
    text = (
        "Đối với các ý kiến góp ý của các Ban HĐND tỉnh, ông chỉ đạo các sở, ngành cần chuẩn bị "
        "kỹ báo cáo tiếp thu, giải trình, gửi UBND tỉnh chậm nhất ngày 30-6.\n"
        "Phó Thủ tướng chỉ đạo, trước mắt, UBND tỉnh Lào Cai chủ động cân đối ngân sách địa "
        "phương để đầu tư dự án.\n"
        "Đồng chí Bí thư Tỉnh ủy chỉ đạo việc triển khai thực hiện nghiêm Công điện số 1099/CĐ-TTg.\n"
    )
    found = tasks(text)
    assert leads(found)[:2] == [["các sở, ngành"], ["UBND tỉnh Lào Cai"]]
    assert found[0].deadline.due == date(2024, 6, 30)


def test_an_unlisted_body_as_the_assigner():
    text = (
        "Đặc biệt, Đoàn giám sát đề nghị xã Tân Lập xây dựng phương án xử lý hai cơ sở gây ô "
        "nhiễm.\n"
        "Thường trực HĐND duy trì giao ban, tiếp công dân và giám sát thường xuyên.\n"
    )
    assert leads(tasks(text)) == [["Xã Tân Lập"], ["Thường trực HĐND"]]


# -- where a lead's name ends (session 7) -------------------------------------------------


def test_a_name_does_not_stop_inside_a_two_word_head():
    found = tasks("Yêu cầu các Hội đồng coi thi rà soát lại phòng thi trước ngày 20/3/2024.")
    assert leads(found) == [["các Hội đồng coi thi"]]
    assert found[0].action.startswith("Rà soát lại phòng thi")


def test_a_level_word_ends_a_body_before_its_verb():
    found = tasks("Giao Hội đồng nghĩa vụ quân sự xã tổ chức khám sức khỏe cho thanh niên.")
    assert leads(found) == [["Hội đồng nghĩa vụ quân sự xã"]]
    assert found[0].action.startswith("Tổ chức khám sức khỏe")


def test_a_manner_word_is_not_part_of_the_name():
    found = tasks("Giám đốc Hợp tác xã Bình Minh tích cực vận động xã viên chuyển đổi cây trồng.")
    assert leads(found) == [["Giám đốc Hợp tác xã Bình Minh"]]
    assert found[0].action.startswith("Tích cực vận động")


def test_district_offices_and_groups_said_in_lower_case():
    said = (
        "Thứ nhất, giao phòng nông nghiệp và phát triển nông thôn rà soát hồ sơ hỗ trợ sản xuất. "
        "Thứ hai, thường trực hội đồng nhân dân huyện tổng hợp kiến nghị cử tri. "
        "Thứ ba, đề nghị ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương khẩn trương báo cáo. "
        "Thứ tư, phòng kinh tế hạ tầng đánh giá lại việc cấp phép xây dựng."
    )
    assert leads(tasks(said)) == [
        ["Phòng Nông nghiệp và Phát triển nông thôn"],
        ["Thường trực HĐND huyện"],
        ["UBND các tỉnh, thành phố trực thuộc Trung ương"],
        ["Phòng Kinh tế và Hạ tầng"],
    ]


def test_abbreviated_district_bodies():
    found = tasks("HĐNVQS xã cần tập trung chỉ đạo công tác tuyển quân. Giao Phòng TN&MT kiểm tra các mỏ cát.")
    assert leads(found) == [["Hội đồng nghĩa vụ quân sự xã"], ["Phòng Tài nguyên và Môi trường"]]


def test_a_chair_said_without_ubnd_is_written_with_it():
    said = (
        "Thứ nhất, đồng chí Chủ tịch huyện Bảo Yên khẩn trương rà soát các hồ sơ tồn đọng. "
        "Thứ hai, các đồng chí chủ tịch xã, thị trấn chỉ đạo rà soát danh sách cử tri."
    )
    assert leads(tasks(said)) == [["Đồng chí Chủ tịch UBND huyện Bảo Yên"], ["Chủ tịch UBND các xã, thị trấn"]]


def test_abbreviated_levels_and_a_dash_written_apart():
    found = tasks(
        "Giao UBND TP. Lào Cai rà soát quỹ đất. "
        "Giao Sở Kế hoạch – Đầu tư tổng hợp nhu cầu vốn. "
        "Đề nghị Bộ Nông nghiệp và PTNT hỗ trợ giống cây trồng."
    )
    assert leads(found) == [
        ["UBND thành phố Lào Cai"],
        ["Sở Kế hoạch và Đầu tư"],
        ["Bộ Nông nghiệp và Phát triển nông thôn"],
    ]


def test_an_action_with_no_verb_is_no_task():
    from drafting.rules import _says_nothing

    assert _says_nothing("LĐ-TB&XH, Y tế")  # the tail of a list cut in two
    assert _says_nothing("Trên cơ sở kết quả đại hội")
    assert not _says_nothing("Rà soát hồ sơ tồn đọng")
    assert not _says_nothing("Báo cáo UBND tỉnh kết quả")


def test_a_colon_before_an_inline_list_of_names_is_no_heading():
    found = tasks(
        "Phó Thủ tướng yêu cầu các Bộ Xây dựng, Tài chính, Ngân hàng Nhà nước Việt Nam và UBND các tỉnh: "
        "Lào Cai, Yên Bái, Hà Giang thực hiện xử lý dứt điểm các văn bản trái pháp luật. "
        "Đề nghị Chủ tịch UBND các tỉnh: Sơn La, Điện Biên chỉ đạo rà soát các mỏ cát. "
        "Thủ tướng yêu cầu Ủy ban Kiểm tra Trung ương cùng với các cơ quan liên quan nhanh chóng kiểm tra, kết luận."
    )
    assert leads(found) == [
        ["Bộ Xây dựng", "Bộ Tài chính", "Ngân hàng Nhà nước Việt Nam", "UBND các tỉnh: Lào Cai, Yên Bái, Hà Giang"],
        ["Chủ tịch UBND các tỉnh: Sơn La, Điện Biên"],
        ["Ủy ban Kiểm tra Trung ương"],
    ]
    assert found[0].action.startswith("Thực hiện xử lý dứt điểm")
    assert found[2].supports == ["các cơ quan liên quan"]
    assert found[2].action.startswith("Nhanh chóng kiểm tra")


def test_bodies_written_by_their_initials():
    found = tasks(
        "Giao Sở TN-MT rà soát các mỏ cát. Yêu cầu Ban ATGT tỉnh tăng cường tuần tra. "
        "Đề nghị Bộ NNPTNT hỗ trợ giống cây trồng. Giao Sở GTVT Lào Cai sửa chữa cầu treo."
    )
    assert leads(found) == [
        ["Sở Tài nguyên và Môi trường"],
        ["Ban An toàn giao thông tỉnh"],
        ["Bộ Nông nghiệp và Phát triển nông thôn"],
        ["Sở Giao thông vận tải Lào Cai"],
    ]


def test_a_greeting_before_the_conclusion_does_not_end_it():
    said = (
        "Nhân dịp đầu xuân, tôi chúc các đồng chí sức khỏe. "
        "Một, các cơ quan, đơn vị tập trung thực hiện ngay các nhiệm vụ chính trị từ đầu năm. "
        "Hai, Ủy ban nhân dân tỉnh cứ thực hiện việc quy hoạch theo đúng thẩm quyền."
    )
    found = tasks(said)
    assert leads(found) == [["các cơ quan, đơn vị"], ["UBND tỉnh"]]
    assert found[1].action.startswith("Thực hiện việc quy hoạch")
