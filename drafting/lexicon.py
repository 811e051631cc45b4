"""Every word list and threshold of the rule-based extractor, in one place.

Sections follow the pipeline: verbs, bodies and people by shape, then the lists each step
reads (clauses, sentences, the concluding part, speech clean-up, body names, clause shape),
and `RULES`, the numeric thresholds. Change a word here, then run
`python bench/extraction.py --real` (and the tests in tests/test_extract_real_shapes.py).
"""

from dataclasses import dataclass

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
    "cụm dân cư", "ban điều hành", "hội đồng nghĩa vụ quân sự", "hộ dân", "hộ kinh doanh",
    "người dân", "bà con", "hội đồng quản trị", "ban giám hiệu", "ban soạn thảo",
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


# -- Clauses: triggers, assigners, people, roles (clauses.py) -------------------------

TRIGGERS = [
    ("giao", "nhiệm", "vụ", "cho"), ("giao", "nhiệm", "vụ"), ("giao", "trách", "nhiệm", "cho"),
    ("giao", "trách", "nhiệm"),
    ("đồng", "ý", "giao"), ("thống", "nhất", "giao"), ("nhất", "trí", "giao"),
    ("ủy", "quyền", "cho"), ("giao", "cho"), ("giao",), ("đề", "nghị"), ("yêu", "cầu"),
    ("phân", "công", "cho"), ("phân", "công"), ("nhờ",), ("chỉ", "đạo"), ("ủy", "quyền"),
    ("lưu", "ý"),
]

MID_TRIGGERS = {("giao",), ("giao", "cho"), ("giao", "nhiệm", "vụ", "cho"), ("đề", "nghị"),
                ("yêu", "cầu"), ("đồng", "ý", "giao"),
                ("thống", "nhất", "giao"), ("nhất", "trí", "giao"), ("phân", "công")}

# Words allowed before a trigger: the assigner or a connector ("Tôi đề nghị", "Đồng thời giao").
PREFIX_OK = {"tôi", "chúng", "xin", "đồng", "thời", "cũng", "và", "còn", "riêng", "ngoài", "ra",
             "bên", "cạnh", "đó", "vì", "vậy", "do", "thì", "nay", "nên", "kết", "luận", "đề",
             "nghị", "cùng", "với", "đây", "chủ", "tọa", "trì", "thường", "trực", "ta", "lại",
             "tiếp", "theo", "cụ", "thể", "mạnh", "dạn", "này", "một", "lần", "nữa", "nhấn",
             "là", "luôn", "cho", "giao", "ban", "vụ", "ubnd", "tỉnh", "huyện", "ủy",
             "quyết", "định", "đã", "sẽ", "trước", "mắt", "hôm", "qua"}

LEADFIRST_NEG = {"đã", "đang", "vừa", "là", "cơ", "có", "không", "chưa", "thì", "luôn", "được",
                 "báo", "đánh", "thống", "nhất", "đồng", "ý", "ghi", "biểu", "rất", "còn",
                 "với", "và", "của", "trong", "về", "thông", "kính", "xin"}

TITLES = ["phó chủ tịch", "chủ tịch", "phó bí thư", "bí thư", "giám đốc", "phó giám đốc",
          "trưởng ban", "phó trưởng ban", "chánh văn phòng", "chánh thanh tra", "thủ trưởng",
          "người đứng đầu", "ủy viên", "trưởng phòng", "tổng biên tập", "chỉ huy trưởng",
          "giám đốc công an", "phó chánh văn phòng", "hiệu trưởng", "phó thủ tướng", "thủ tướng",
          "bộ trưởng", "thứ trưởng", "chủ nhiệm", "tổng giám đốc", "cục trưởng", "vụ trưởng",
          "chỉ huy trưởng", "trưởng công an", "phó trưởng phòng", "chủ tịch ubnd",
          "phó chủ tịch ubnd", "tổng bí thư", "trưởng đoàn"]

# Words that end a person's title and name in speech ("… đã đồng ý", "… cho biết").
PERSON_STOP = {"đã", "đang", "vừa", "sẽ", "cũng", "đồng", "cho", "nhấn", "phát", "lưu", "có",
               "không", "chưa", "là", "thì", "rất", "ghi", "biểu", "đánh", "yêu", "đề", "giao"}

# Words that are verbs elsewhere but name the assigner before "giao"/"yêu cầu"
# ("Lãnh đạo tỉnh giao …", "Tại Thông báo kết luận, …").
ASSIGNER_NOUNS = {"lãnh đạo", "chỉ đạo", "thông tin", "thường xuyên", "trực tiếp"}

# Roles between a lead and its action ("Sở X được phân công chỉ đạo …").
ROLE_WORDS = [("được", "phân", "công", "phụ", "trách"), ("được", "phân", "công"),
              ("được", "giao", "nhiệm", "vụ"), ("được", "giao"), ("có", "nhiệm", "vụ"),
              ("được", "yêu", "cầu"), ("là", "cơ", "quan", "thường", "trực"),
              ("là", "cơ", "quan"), ("là", "đơn", "vị"),
              ("được", "đề", "nghị")]

# Manner words a lead may carry before "chủ trì"/"phối hợp".
MANNER = {"khẩn trương", "tiếp tục", "chủ động", "tích cực", "kịp thời", "nghiêm túc",
          "trực tiếp", "thường xuyên", "tập trung", "sớm", "cần", "phải", "cũng", "đồng thời"}

# Northern speech merges gi/d/r: recognisers write "giao" as "dao" or "rao".
GIAO_SOUNDALIKES = {"dao", "rao", "zao"}

# Words that open an aside between a lead and its verb ("UBND tỉnh Hà Tĩnh, trên cơ sở thống
# nhất với Bộ Xây dựng, thực hiện …", "Sở Y tế, căn cứ chức năng, nhiệm vụ, chủ động …").
ASIDE_OPENERS = {"trên", "căn", "theo", "trong", "tùy", "tuỳ", "sau", "khi", "nếu", "qua",
                 "thông", "dựa", "bằng", "ngoài"}

# Nouns for who can be given work when no body is named ("Đề nghị cán bộ, công chức xã …",
# "Giao công chức Văn hóa – Xã hội phụ trách nhà ở …", "Yêu cầu các hộ dân …").
AGENT_NOUNS = {"cán", "công", "các", "người", "lực", "chủ", "hộ", "nhân", "bà", "đơn", "cơ",
               "tổ", "đội", "lãnh", "cấp", "chính", "trưởng", "thủ", "đại", "doanh", "hợp"}


# -- Sentences: bare heads (rules.py) -------------------------------------------------

# Heads that stand alone for the body last named with them: "Bộ Thông tin và Truyền thông …
# Bộ cũng có nhiệm vụ …", "Yêu cầu Bộ tổ chức Hội nghị".
BARE_HEADS = {"bộ", "sở", "ban", "cục", "phòng"}

AFTER_BARE = {"phải", "cần", "cũng", "có", "chủ", "phối", "tiếp", "khẩn", "tập", "sớm", "chịu",
               "được", "thì", "tổ", "nghiên", "xây", "rà", "hoàn", "triển", "kiểm", "lập"}


# -- The concluding part: cue phrases (conclude.py) -----------------------------------

# Cue phrases that open the chair's conclusion. The first one said wins: reports come
# before it, and in written notices a point may have a lead-in of its own ("2. Về …, Chủ tịch
# UBND tỉnh chỉ đạo:").
STRONG_CUES = ["kết luận như sau", "xin kết luận", "tôi kết luận", "phát biểu kết luận",
               "kết luận một số", "kết luận mấy", "kết luận các nội dung", "kết luận cuộc họp",
               "chốt lại một số", "thống nhất kết luận", "kết luận và chỉ đạo như sau",
               "kết luận, chỉ đạo như sau", "chỉ đạo như sau", "kết luận, chỉ đạo các nội dung",
               "kết luận, chỉ đạo một số", "có ý kiến như sau", "ý kiến chỉ đạo như sau",
               # as said: "tôi có ý kiến thế này", "tôi giao thế này"
               "ý kiến thế này", "ý kiến như thế này", "kết luận thế này",
               "kết luận như thế này", "giao thế này", "chỉ đạo thế này",
               "ý kiến của tôi là thế này", "ý kiến của tôi thế này", "ý kiến của tôi như sau",
               "tôi giao như sau", "tôi có mấy ý kiến", "tôi có mấy ý"]

# Phrases that also name earlier conclusions ("thực hiện ý kiến kết luận của …", a notice's
# title "Ý kiến kết luận của …"): the last one counts, and only when no strong cue was said.
REFERRING_CUES = ["ý kiến kết luận", "kết luận chỉ đạo"]

WEAK_CUES = ["kết luận", "chốt lại", "tóm lại"]


# -- Speech clean-up: fillers, self-corrections, ordinals (text.py) -------------------

# Fillers: removed wherever they stand alone.
FILLERS = {"à", "ờ", "ừ", "ừm", "ơ", "ạ", "á", "hả", "nhé", "nhá", "nhỉ", "đấy", "ấy", "nha",
           "hử", "ha", "hmm", "ừa", "thế", "vâng", "dạ"}

FILLER_PHRASES = ["nói chung là", "nói chung", "có thể nói là", "tức là là", "cái việc mà",
                  "thì là", "là là", "thì thì", "cái này", "ý là", "đúng không", "các đồng chí ạ",
                  "xin phép", "thế thì", "vậy thì", "rồi thì", "vân vân", "đó là"]

# Words that mark a self-correction: what follows replaces what came just before.
CORRECTIONS = ["à không phải", "à không", "ờ không", "không phải", "à nhầm", "nhầm", "à quên",
               "xin lỗi", "à xin lỗi", "nói lại", "tôi nói lại", "à mà không", "ý tôi là",
               "đúng ra là", "à thôi"]

# First words of what a correction may replace, by kind.
UNIT_HEADS = {"sở", "ban", "ubnd", "ủy", "văn", "công", "bộ", "thanh", "đài", "báo", "huyện",
              "thành", "tỉnh", "đảng", "hội", "liên", "mặt", "trường", "bệnh", "cục", "chi",
              "kho", "ngân", "trung", "phòng", "các", "đồng", "hđnd", "quỹ", "tổ", "đoàn"}

DATE_HEADS = {"ngày", "tháng", "quý", "năm", "trước", "trong", "chậm", "hết"}

ORDINALS = {"nhất": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
            "tám": 8, "chín": 9, "mười": 10}

# recognisers miss tones: "thứ bà" is "thứ ba"
PLAIN_ORDINALS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7,
                   "tam": 8, "chin": 9, "muoi": 10}

BULLET_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8}


# -- Body names: heads, levels, where a name ends (gazetteer.py) ----------------------

# Words that may follow a body's name to say which one ("Công an tỉnh", "Ban Tổ chức Tỉnh ủy").
LEVEL_WORDS = {
    "tỉnh", "huyện", "xã", "phường", "thị", "trấn", "thành", "phố", "ủy", "uỷ", "tu", "trung",
    "ương", "khu", "vực", "cấp", "quận",
}

# Levels after a name, lower-case → as printed.
LEVEL_PHRASES = {
    "ủy ban nhân dân tỉnh": "UBND tỉnh", "ủy ban nhân dân huyện": "UBND huyện",
    "ủy ban nhân dân thành phố": "UBND thành phố", "ủy ban nhân dân xã": "UBND xã",
    "ubnd tỉnh": "UBND tỉnh", "ubnd huyện": "UBND huyện", "ubnd thành phố": "UBND thành phố",
    "ubnd thị xã": "UBND thị xã", "ubnd xã": "UBND xã", "hđnd tỉnh": "HĐND tỉnh",
    "hđnd huyện": "HĐND huyện", "tỉnh ủy": "Tỉnh ủy", "huyện ủy": "Huyện ủy",
    "thành ủy": "Thành ủy", "thị ủy": "Thị ủy", "quận ủy": "Quận ủy", "đảng ủy": "Đảng ủy", "thành phố": "thành phố",
    "thị xã": "thị xã", "thị trấn": "thị trấn", "tỉnh": "tỉnh", "huyện": "huyện", "xã": "xã",
    "phường": "phường", "quận": "quận", "trung ương": "Trung ương", "ubnd tp": "UBND thành phố",
    "tp": "thành phố", "ubnd quận": "UBND quận",
    # as chairs say them: "Ủy ban tỉnh", "Văn phòng Ủy ban huyện", "Hội đồng tỉnh"
    "ủy ban tỉnh": "UBND tỉnh", "ủy ban huyện": "UBND huyện", "ủy ban thành phố": "UBND thành phố",
    "ủy ban xã": "UBND xã", "ủy ban phường": "UBND phường", "ủy ban quận": "UBND quận",
    "ủy ban thị xã": "UBND thị xã", "hội đồng tỉnh": "HĐND tỉnh", "hội đồng huyện": "HĐND huyện",
    "các huyện thị xã thành phố": "các huyện, thị xã, thành phố",
    "các huyện thành phố": "các huyện, thành phố",
    "các xã phường thị trấn": "các xã, phường, thị trấn", "các xã phường": "các xã, phường",
    "các xã thị trấn": "các xã, thị trấn",
    "các huyện": "các huyện", "các xã": "các xã", "các cấp": "các cấp",
    "các phường": "các phường", "các thị trấn": "các thị trấn", "các quận": "các quận",
    "các thành phố": "các thành phố", "cấp cơ sở": "cấp cơ sở",
    "cấp tỉnh": "cấp tỉnh", "cấp huyện": "cấp huyện", "cấp xã": "cấp xã",
    "các huyện ủy": "các huyện ủy", "các huyện ủy thành ủy": "các huyện ủy, thành ủy",
    "các huyện ủy thị ủy thành ủy": "các huyện ủy, thị ủy, thành ủy",
    "các tỉnh ủy thành ủy": "các tỉnh ủy, thành ủy", "các quận ủy huyện ủy": "các quận ủy, huyện ủy",
    "các đảng ủy": "các đảng ủy", "các chi bộ": "các chi bộ",
    "các thôn": "các thôn", "các bản": "các bản", "các tổ dân phố": "các tổ dân phố",
    "các khu phố": "các khu phố",
}

# First words of body names ("Trung tâm Kiểm soát bệnh tật tỉnh", "Bộ Khoa học và Công nghệ").
HEADS = {"sở", "ban", "phòng", "trung", "chi", "cục", "hội", "trường", "bệnh", "viện", "quỹ",
         "công", "tổng", "đài", "báo", "văn", "ủy", "đảng", "ubnd", "hđnd", "tổ", "đoàn", "bộ"}

# Heads of body names, the class of nouns a name starts with; the rest of a name not in the
# list is found from the sentence (capitals, then the verb or role that follows it).
HEAD_PHRASES = {
    "bộ", "bộ đội", "bộ chỉ huy", "sở", "ban", "ban quản lý", "ban chỉ đạo", "ban chỉ huy",
    "ban cán sự", "phòng", "cục", "tổng cục", "chi cục", "vụ", "viện", "học viện", "đại học",
    "trường", "bệnh viện", "trung tâm", "văn phòng", "ủy ban", "ủy ban nhân dân", "hội đồng",
    "hội", "hiệp hội", "liên đoàn", "liên minh", "liên hiệp", "mặt trận", "đoàn", "tỉnh đoàn",
    "thành đoàn", "huyện đoàn", "quỹ", "thanh tra", "kiểm toán", "bảo hiểm", "bảo hiểm xã hội",
    "công an", "công ty", "tổng công ty", "tập đoàn", "ngân hàng", "kho bạc", "cảng vụ",
    "cảng hàng không", "cảng", "tòa án", "viện kiểm sát", "đài", "báo", "tạp chí",
    "thông tấn xã", "hợp tác xã", "đảng ủy", "đảng đoàn", "đảng bộ", "chi bộ", "tổ công tác",
    "tổ", "hạt", "đội", "đồn", "ubnd", "hđnd", "ủy ban kiểm tra", "ban thường vụ",
}

# Heads that are also common verbs or nouns: a body only when written with a capital.
AMBIGUOUS_HEADS = {"thanh", "kiểm", "bảo", "báo", "đội", "tổ", "đoàn", "hội", "vụ", "đài",
                   "trường", "phòng", "hạt", "đồn", "cảng", "học", "đại", "thông", "hợp", "tỉnh",
                   "thành", "huyện", "liên", "mặt", "ngân", "kho", "tập", "công", "tổng", "quỹ"}

# Heads of two words or more that are also verbs ("thanh tra các dự án", "kiểm toán số liệu").
AMBIGUOUS_HEAD_PHRASES = {"thanh tra", "kiểm toán", "bảo hiểm", "công an", "tổ công tác"}

# Roles right after a lead: "X chủ trì", "X được phân công", "X có trách nhiệm".
ROLE_AFTER_LEAD = ("chủ trì", "phối hợp", "được phân công", "được giao", "có trách nhiệm",
                   "chịu trách nhiệm", "khẩn trương chủ trì", "tiếp tục chủ trì")

# Words that end a body's name in the fallback matchers.
STOP = {
    "chủ", "phối", "khẩn", "tập", "tiếp", "tham", "rà", "xây", "hoàn", "triển", "tổ", "chỉ",
    "hướng", "kiểm", "báo", "trình", "thực", "theo", "đôn", "nghiên", "đề", "bổ", "làm", "giải",
    "xử", "đẩy", "đảm", "bảo", "quan", "phân", "bố", "cân", "tuyên", "vận", "lập", "ban", "sửa",
    "điều", "tăng", "quyết", "cần", "phải", "có", "nắm", "thẩm", "giám", "công", "và", "với",
    "để", "trước", "trong", "chậm", "được", "thường", "định", "sớm", "ngay", "cùng", "các",
}

# Words after a group that say which ("các cơ quan soạn thảo", "các ban tham mưu của Tỉnh ủy").
GROUP_TAILS = ["trực thuộc trung ương", "trực thuộc tỉnh ủy", "trực thuộc", "tham mưu",
               "soạn thảo", "chuyên môn", "chuyên ngành", "chức năng", "thành viên", "cơ sở",
               "trung ương"]

GROUP_NOUNS = {"ban", "sở", "phòng", "đơn", "cơ", "xã", "huyện", "địa", "doanh", "trường",
               "hội", "đoàn", "chủ", "ngành", "tổ", "chi", "đảng", "bộ", "cấp", "quận", "phường",
               "hợp"}

QUALIFIERS = [("có", "liên", "quan"), ("liên", "quan"), ("có", "dự", "án"), ("có", "rừng"),
              ("trên", "địa", "bàn", "tỉnh"), ("trên", "địa", "bàn", "huyện"),
              ("trên", "địa", "bàn"), ("thuộc", "tỉnh"), ("thuộc", "huyện"), ("được", "giao"),
              ("có", "đê"), ("ven", "biển"), ("biên", "giới"), ("vùng", "cao")]

# Where a name not in the list ends: the first verb or linking word after it.
STOP_BIGRAMS = {
    "chủ trì", "phối hợp", "khẩn trương", "tập trung", "tiếp tục", "tham mưu", "rà soát",
    "xây dựng", "hoàn thành", "hoàn thiện", "triển khai", "tổ chức", "chỉ đạo", "hướng dẫn",
    "kiểm tra", "báo cáo", "thực hiện", "theo dõi", "đôn đốc", "nghiên cứu", "đề xuất",
    "bổ sung", "giải quyết", "xử lý", "đẩy nhanh", "bảo đảm", "đảm bảo", "quan tâm",
    "phân bổ", "bố trí", "tuyên truyền", "vận động", "ban hành", "tăng cường", "tổng hợp",
    "có trách", "chịu trách", "lựa chọn", "chuẩn bị", "cập nhật", "thường xuyên", "định kỳ",
    "được giao", "được phân", "lãnh đạo", "chủ động", "huy động",
}

STOP1 = {"trình", "cần", "phải", "và", "với", "để", "trước", "trong", "chậm", "sớm", "ngay",
         "cùng", "các", "theo", "về", "tại", "thì", "là", "có", "đã", "đang", "vừa", "sẽ",
         "được", "cũng", "đều", "khẩn", "tiếp", "chủ", "phối", "yêu", "đề", "giao"}

# "… phải khẩn trương", "… cần chủ động": a duty word and a manner word, in the lead position
DUTY_AFTER_LEAD = {"phải", "cần"}

MANNER_AFTER_DUTY = {"khẩn", "chủ", "tập", "tiếp", "kịp", "sớm", "nghiêm", "tích", "quyết",
                     "rà", "xây", "hoàn", "kiểm", "chỉ", "tổ", "triển", "thực", "báo", "phối"}


# -- Clause shape: tags and subjects (shape.py) ---------------------------------------

# Tags of words that may stand inside a noun phrase naming a body: nouns, proper nouns,
# classifiers, unit and abbreviation nouns, quantifiers ("các"), numbers ("12 xã").
NOUNISH = {"N", "Np", "Nc", "Nu", "Ny", "Nb", "L", "M"}

# Between the subject and its verb: "sẽ", "cũng", "cần", "phải", "thì", "tự" …
BRIDGE = {"sẽ", "cũng", "cần", "phải", "thì", "tự", "vẫn", "đều", "nên", "hãy", "tiếp",
          "cần phải", "tích cực", "kịp thời", "nghiêm túc", "quyết liệt", "sớm", "trực tiếp",
          "thường xuyên", "đồng thời", "khẩn trương", "chủ động", "tập trung"}

# "có" starts a job only with what must be had: "… có kế hoạch", "… phải có giải pháp"
HAVE_OBJECTS = {"kế hoạch", "giải pháp", "phương án", "biện pháp", "văn bản", "trách nhiệm",
                "lộ trình", "báo cáo"}

DETERMINERS = {"các", "những", "mọi", "từng", "toàn", "cả", "mỗi"}

# Phrases that start like a body and are not one.
NOT_SUBJECT = {"hội nghị", "hội thảo", "hội ý", "hội họp", "đoàn kiểm", "đoàn công", "tổ chức",
               "cấp phép", "cấp giấy", "bản đồ", "vụ việc", "vụ án", "đoàn đại", "báo cáo", "báo chí"}


# -- Thresholds ------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleParams:
    """The numbers the rules use; one frozen instance, `RULES`."""

    # Text with fewer punctuation marks per word than this is read as unpunctuated speech
    # (sentence ends are restored, fillers handled as in speech).
    punctuated_share: float = 0.04
    filler_punctuated_share: float = 0.03
    # A misheard "chủ trì"/"phối hợp" still counts at this rapidfuzz ratio.
    near_ratio: int = 80
    # A body name said with recognition errors: fuzzy score (0–1) against the list.
    name_fuzzy: float = 0.86
    name_first_syllables: int = 60  # the first three letters must be this alike first
    # A task said twice: partial ratio and token-set ratio of the two actions.
    repeat_partial: int = 80
    repeat_token_set: int = 90
    # The chair's long turn, when no cue phrase opens the conclusion.
    long_turn_s: float = 20.0
    long_turn_words: int = 40
    # Words: a subject found by its shape, a name read from its head, a person's title.
    max_subject: int = 14
    max_name: int = 14
    max_person: int = 16
    # How far back a self-correction may reach (words).
    correction_reach: int = 12


RULES = RuleParams()
