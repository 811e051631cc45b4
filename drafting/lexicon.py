"""Words the extractor and the gazetteer share: verbs that start an action."""

# Two-word verbs that start an action.
VERB2 = {
    "chủ trì", "phối hợp", "khẩn trương", "tập trung", "tiếp tục", "tham mưu", "rà soát",
    "xây dựng", "hoàn thành", "hoàn thiện", "triển khai", "tổ chức", "chỉ đạo", "hướng dẫn",
    "kiểm tra", "báo cáo", "thực hiện", "theo dõi", "đôn đốc", "nghiên cứu", "đề xuất",
    "bổ sung", "giải quyết", "xử lý", "đẩy nhanh", "bảo đảm", "đảm bảo", "quan tâm", "phân bổ",
    "bố trí", "cân đối", "tuyên truyền", "vận động", "ban hành", "sửa đổi", "điều chỉnh",
    "tăng cường", "trực tiếp", "có trách nhiệm", "lãnh đạo", "chủ động", "tiếp thu", "hoàn chỉnh",
    "làm rõ", "làm việc", "thẩm định", "giám sát", "công bố", "đánh giá", "tổng hợp",
    "chịu trách", "thanh tra", "cập nhật", "thống kê", "tổng kết", "sơ kết", "rút kinh",
    "kịp thời", "nghiêm túc", "quyết liệt", "sớm hoàn", "thường xuyên", "định kỳ", "dự thảo",
    "soạn thảo", "chuẩn bị", "phê duyệt", "lựa chọn", "thu hồi", "bàn giao", "giải ngân",
    "ưu tiên", "cấp phát", "khắc phục", "phòng chống", "phòng, chống", "xác minh", "tiến hành",
    "khảo sát", "lập hồ", "mở rộng", "nâng cao", "nâng cấp", "cải tạo", "duy trì", "phát huy",
    "đăng ký", "kiện toàn", "sắp xếp", "di dời", "hỗ trợ", "hỗ trợ,", "quản lý", "vận hành",
    "tập huấn", "bồi dưỡng", "đào tạo", "kiểm điểm", "phổ biến", "quán triệt", "tiếp nhận",
    "phục vụ", "chấn chỉnh", "thông tin", "xem xét", "rà lại", "tính toán", "ước tính",
    "phát động", "giữ vững", "nắm chắc", "nắm bắt", "làm tốt", "đề ra", "đưa vào", "đưa ra",
    "cung cấp", "gửi báo", "gửi văn", "thẩm tra", "hoàn tất", "kết nối", "số hóa", "vận dụng",
    "áp dụng", "đẩy mạnh", "chú trọng", "phấn đấu", "kêu gọi", "thúc đẩy", "bảo vệ", "củng cố",
    "xác định", "điều hành", "kiểm soát", "trả lời", "đầu tư", "tháo gỡ", "ngăn chặn",
    "phát hiện", "truy quét", "trực ban", "sửa chữa", "nạo vét", "giải trình", "khen thưởng",
    "xử phạt", "thu hút", "chấp hành", "đề cao", "phân loại", "sơ tán", "ứng phó", "chỉnh trang", "lấy ý", "nắm tình",
}
# One-word verbs that start an action.
VERB1 = {"trình", "lập", "cần", "phải", "nắm", "gửi", "rà", "soát", "làm", "chuẩn", "ký",
         "tổng", "xây", "đôn", "kiểm", "bảo", "đảm", "giải", "phối", "chủ", "tham", "xử", "đẩy",
         "hoàn", "triển", "lồng", "ghép", "mời", "thu", "chi", "sớm", "ngay", "tiếp", "đề",
         "huy", "động", "xác", "định", "dừng", "tạm", "cắt", "giảm", "tăng", "khởi", "công",
         "đưa", "nghiệm", "quyết", "chỉ", "biên", "soạn", "in", "phát", "hành"}
# Words that may follow a lead in the lead-first shape ("Sở Y tế chủ trì …", "… khẩn trương …").
LEADFIRST_OK = {"chủ trì", "phối hợp", "khẩn trương", "tập trung", "tiếp tục", "chủ động",
                "có trách nhiệm", "được giao", "được phân", "thường xuyên", "theo chức",
                "căn cứ", "sớm", "phải", "cần", "kịp thời", "nghiêm túc", "báo cáo", "quyết liệt",
                "trực tiếp", "chịu trách", "có trách", "phụ trách"}
# Two words that start the lead's action.
LEAD_VERBS = LEADFIRST_OK | VERB2
# Verbs whose object is often a body ("hướng dẫn các địa phương …", "chỉ đạo UBND các xã …").
OBJECT_VERBS = {"hướng dẫn", "chỉ đạo", "đôn đốc", "kiểm tra", "hỗ trợ", "phối hợp", "giao cho",
                "yêu cầu", "đề nghị", "tham mưu", "báo cáo", "thanh tra", "lãnh đạo", "làm việc",
                "giám sát", "nhắc nhở", "phân công", "giao nhiệm"}

# Head nouns of a body or a person that can be given work, found by the sentence's shape when
# no list names it ("Phòng kinh tế hạ tầng …", "các ấp …", "ban soạn thảo …"). Classes of
# nouns, not names: a name of any of these kinds is read from the sentence.
AGENT_HEADS = {
    # bodies
    "bộ", "sở", "ban", "tiểu ban", "phòng", "cục", "tổng cục", "chi cục", "vụ", "viện",
    "trung tâm", "văn phòng", "ủy ban", "uỷ ban", "ubnd", "hđnd", "ủy ban nhân dân",
    "hội đồng", "hội", "mặt trận", "ủy ban mặt trận", "đoàn", "quỹ", "thanh tra", "công an",
    "công ty", "tổng công ty", "tập đoàn", "ngân hàng", "kho bạc", "bảo hiểm xã hội",
    "đảng ủy", "đảng uỷ", "đảng đoàn", "đảng bộ", "chi bộ", "cấp ủy", "cấp uỷ", "tổ",
    "tổ công tác", "đội", "trường", "nhà trường", "bệnh viện", "đài", "báo", "bộ phận",
    "ngành", "cấp", "địa phương", "đơn vị", "cơ quan", "chính quyền", "đoàn thể",
    "tổ chức", "lực lượng", "doanh nghiệp", "chủ đầu tư", "hợp tác xã", "ban chỉ đạo",
    "ban quản lý", "ban chỉ huy", "ban cán sự", "ban thường vụ", "thường trực", "thường vụ",
    "tỉnh ủy", "huyện ủy", "thành ủy", "thị ủy", "tỉnh", "huyện", "xã", "phường", "thị trấn",
    "quận", "thị xã", "thành phố", "ấp", "thôn", "bản", "khu phố", "tổ dân phố", "tỉnh đoàn",
    "huyện đoàn", "thành đoàn", "liên đoàn", "hiệp hội", "ủy ban kiểm tra", "khu dân cư",
    "cụm dân cư", "ban điều hành", "hội đồng nghĩa vụ quân sự",
    # people
    "chủ tịch", "phó chủ tịch", "bí thư", "phó bí thư", "giám đốc", "phó giám đốc",
    "trưởng ban", "phó trưởng ban", "trưởng phòng", "chánh văn phòng", "chánh thanh tra",
    "thủ trưởng", "người đứng đầu", "lãnh đạo", "thành viên", "ủy viên", "cán bộ", "công chức",
    "viên chức", "bộ trưởng", "thứ trưởng", "chỉ huy trưởng", "hiệu trưởng", "trưởng",
    "chủ nhiệm", "cục trưởng", "tổng giám đốc",
}
# Fields in a body's name that the tagger reads as verbs ("Ban tuyên truyền", "Hội đồng thi
# đua", "Tiểu ban văn kiện", "Tổ công tác liên ngành"): right after a head noun they go on
# with the name.
NAME_VERBS = {
    "tuyên truyền", "thi đua", "soạn thảo", "giúp việc", "văn kiện", "xây dựng", "thẩm định",
    "kiểm tra", "điều phối", "tổ chức", "vận động", "khen thưởng", "quản lý", "chỉ đạo",
    "chỉ huy", "giám sát", "bầu cử", "phòng chống", "tiếp dân", "công tác", "liên ngành",
    "điều hành", "phục vụ", "thường trực", "nội dung", "đối ngoại", "dân vận",
}
# … of which these are nouns that go on with the name whatever follows ("Tổ công tác liên
# ngành số 3"); the others only when the body's own verb follows ("Ban tuyên truyền bám sát").
NAME_NOUNS = {"liên ngành", "công tác", "văn kiện", "nội dung", "thường trực", "dân vận",
              "đối ngoại"}
# Verbs after a subject that report, agree or speak rather than start a job to track.
NOT_ACTION = {
    "là", "có", "được", "bị", "thống nhất", "nhất trí", "đồng ý", "ghi nhận", "biểu dương",
    "cho biết", "cho rằng", "nhấn mạnh", "phát biểu", "thảo luận", "tham dự", "dự", "nêu rõ",
    "trình bày", "kết luận", "khẳng định", "ghi", "nói", "hoan nghênh", "đạt", "gặp", "còn",
    "xin", "cảm ơn", "chúc mừng", "mong", "mong muốn", "chia sẻ", "phản ánh", "kiến nghị",
    "giao", "đề nghị", "yêu cầu", "chỉ đạo,", "tiếp thu", "đánh giá cao", "chủ trì hội", "làm",
    "ban hành", "họp", "tổ chức họp", "vừa", "đã", "đang", "liên quan", "thuộc", "trực thuộc",
    "khóa", "khoá", "xuất phát", "đến", "đi", "về", "nhận thấy", "biến", "cháy", "chữa cháy",
    "nhiệm kỳ", "gồm", "do", "theo",
}
