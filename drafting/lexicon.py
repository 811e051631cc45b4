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
# Verbs whose object is often a body ("hướng dẫn các địa phương …", "chỉ đạo UBND các xã …").
OBJECT_VERBS = {"hướng dẫn", "chỉ đạo", "đôn đốc", "kiểm tra", "hỗ trợ", "phối hợp", "giao cho",
                "yêu cầu", "đề nghị", "tham mưu", "báo cáo", "thanh tra", "lãnh đạo", "làm việc",
                "giám sát", "nhắc nhở", "phân công", "giao nhiệm"}
