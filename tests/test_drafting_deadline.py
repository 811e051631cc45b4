"""Deadline parsing: every shape in DOMAIN.md, against the meeting date."""

from datetime import date

import pytest

from drafting.deadline import add_working_days, find_all, parse

MEETING = date(2026, 8, 20)


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("báo cáo UBND tỉnh trước ngày 30/6/2027", "date", date(2027, 6, 30)),
        ("hoàn thành trước ngày 15-12", "date", date(2026, 12, 15)),
        ("trước 10 giờ ngày 15/9/2026, gửi báo cáo", "date", date(2026, 9, 15)),
        ("xong trước ngày ba mươi tháng chín", "date", date(2026, 9, 30)),
        # days as chairs say them: "mùng/mồng" for 1-10, no "ngày", tens said short
        ("báo cáo Thủ tướng trước ngày mùng một tháng mười.", "date", date(2026, 10, 1)),
        ("xong trước mồng năm tháng chín", "date", date(2026, 9, 5)),
        ("báo cáo kết quả trước ba mươi tháng tám", "date", date(2026, 8, 30)),
        ("gửi về Sở trước ngày hai lăm tháng chín", "date", date(2026, 9, 25)),
        ("trình Thủ tướng trước ba mốt tháng mười hai năm nay", "date", date(2026, 12, 31)),
        ("trước ngày mười lăm tháng mười năm hai nghìn không trăm hai mươi sáu", "date", date(2026, 10, 15)),
        ("trong tháng 01/2027", "month", date(2027, 1, 31)),
        ("trong tháng mười", "month", date(2026, 10, 31)),
        ("trong quý III/2026", "quarter", date(2026, 9, 30)),
        ("trong quý bốn", "quarter", date(2026, 12, 31)),
        ("hoàn thành trong năm 2026", "year", date(2026, 12, 31)),
        ("hoàn thành trong năm nay.", "year", date(2026, 12, 31)),
        ("trong 10 ngày", "relative", date(2026, 8, 30)),
        ("thường xuyên theo dõi", "recurring", None),
        ("định kỳ hằng tháng báo cáo", "recurring", None),
        ("báo cáo khi có phát sinh", "event", None),
        ("trình Hội nghị Trung ương vào tháng mười", "month", date(2026, 10, 31)),
        ("theo kế hoạch ban hành vào tháng 3/2026", "none", None),  # when it was done
        ("phấn đấu hoàn thành trong năm hai không hai bảy", "year", date(2027, 12, 31)),
        ("hoàn thành trong năm hai không hai mươi tám", "year", date(2028, 12, 31)),
        ("báo cáo kịp thời khi phát hiện điểm tập kết cát trái phép", "event", None),
        ("đi vào hoạt động ngay khi nghị quyết có hiệu lực", "event", None),
        ("báo cáo kết quả về UBND tỉnh trong tháng 2.2027.", "month", date(2027, 2, 28)),
        ("xây dựng kế hoạch năm 2027", "none", None),  # a plan's year is not a deadline
        ("báo cáo sơ kết 6 tháng đầu năm", "none", None),
    ],
)
def test_shapes(text, kind, due):
    d = parse(text, MEETING)
    assert (d.kind, d.due) == (kind, due)
    if kind != "none":
        assert d.phrase and d.phrase.lower() in text.lower()


def test_working_days_skip_weekends_and_public_holidays():
    # Fri 24/4/2026, then: Mon 27/4 (Giỗ Tổ, observed), 30/4 and 1/5 are holidays
    assert add_working_days(date(2026, 4, 24), 5) == date(2026, 5, 6)
    # National Day 2026: 31/8 (substitute), 1/9 and 2/9 are off
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    d = parse("trong 5 ngày làm việc kể từ ngày ký", date(2026, 4, 24))
    assert (d.kind, d.due) == ("relative", date(2026, 5, 6))


def test_working_days_across_tet():
    # Tết 2026: 16-20/2 are holidays (from the holidays library, not a hand list)
    d = parse("trong 20 ngày làm việc", date(2026, 1, 20))
    assert d.due == date(2026, 2, 24)


def test_year_boundary_without_a_year():
    d = parse("trước ngày 15-01", date(2026, 12, 20))
    assert d.due == date(2027, 1, 15)
    d = parse("trong tháng 1", date(2026, 12, 20))
    assert d.due == date(2027, 1, 31)
    d = parse("trong quý I", date(2026, 11, 5))
    assert d.due == date(2027, 3, 31)


def test_before_tet():
    d = parse("trước Tết Nguyên đán", date(2026, 1, 20))
    assert (d.kind, d.due) == ("date", date(2026, 2, 15))


def test_deadline_before_the_verb():
    d = parse("Trước ngày 15/9, Sở Y tế phải trình đề án", MEETING)
    assert (d.kind, d.due, d.phrase) == ("date", date(2026, 9, 15), "Trước ngày 15/9")


def test_chained_deadlines_keep_every_step():
    d = parse("trình UBND tỉnh trước ngày 15/9 và ban hành trước ngày 30/9/2026", MEETING)
    assert (d.kind, d.due) == ("date", date(2026, 9, 30))
    assert "15/9" in d.phrase and "30/9/2026" in d.phrase
    assert len(find_all("trình trước ngày 15/9 và ban hành trước ngày 30/9", MEETING)) == 2


def test_invalid_dates_are_ignored():
    assert parse("trước ngày 31/2", MEETING).kind == "none"


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("trong tháng sáu năm nay", date(2026, 6, 30)),
        ("trong tháng ba năm sau", date(2027, 3, 31)),
        ("trong quý bốn năm sau", date(2027, 12, 31)),
        ("trong quý ba năm nay", date(2026, 9, 30)),
    ],
)
def test_periods_with_this_or_next_year(text, due):
    assert parse(text, MEETING).due == due
