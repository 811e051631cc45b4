"""The pieces issue 14 gave one home: task pairing (tracking/matching.py), the role matrix
(ketluan/roles.py), transcription options from settings, and a draft's version numbering
(services/drafts.py)."""

import pytest

import db
from ketluan.roles import CAPABILITIES, OFFICE, ROLE_NAMES, Can, Role, can, role_name
from ketluan.settings import Settings
from tracking.matching import SIMILAR, pair
from transcribe import TranscribeOptions


def test_pair_identical_first_then_similar_then_added_and_removed():
    old = ["Sở Tài chính thẩm định hồ sơ", "Sở Y tế kiểm tra", "Bỏ nhiệm vụ này đi"]
    new = ["Sở Y tế kiểm tra", "Sở Tài chính thẩm định hồ sơ dự án", "Hoàn toàn mới ở đây"]
    import difflib

    found = pair(old, new, lambda a, b: a == b, lambda a, b: difflib.SequenceMatcher(None, a, b).ratio())
    assert found.same == [("Sở Y tế kiểm tra", "Sở Y tế kiểm tra")]
    assert found.similar == [("Sở Tài chính thẩm định hồ sơ", "Sở Tài chính thẩm định hồ sơ dự án")]
    assert found.added == ["Hoàn toàn mới ở đây"] and found.removed == ["Bỏ nhiệm vụ này đi"]


def test_pair_below_the_threshold_is_not_a_pair():
    found = pair(["a"], ["b"], lambda a, b: False, lambda a, b: SIMILAR - 0.01)
    assert (found.similar, found.added, found.removed) == ([], ["b"], ["a"])
    found = pair(["a"], ["b"], lambda a, b: False, lambda a, b: SIMILAR)
    assert found.similar == [("a", "b")]


def test_every_role_has_a_name_and_db_roles_follow():
    assert set(ROLE_NAMES) == set(Role)
    assert {r.value: n for r, n in ROLE_NAMES.items()} == db.ROLES
    assert role_name("don_vi") == "Đơn vị được giao"
    assert set(CAPABILITIES) == set(Can)


def test_the_matrix_reads_as_the_routes_always_did():
    assert can("tong_hop", Can.DRAFT) and not can("van_thu", Can.DRAFT)
    assert can("van_thu", Can.RECORD) and not can("tong_hop", Can.RECORD)
    assert not can("theo_doi", Can.LISTEN) and can("lanh_dao", Can.LISTEN)
    assert can("don_vi", Can.UPDATE_TASKS) and not can("don_vi", Can.READ_MEETINGS)
    assert Role.DON_VI not in OFFICE and can("don_vi", Can.ACCOUNT)
    assert [r for r in Role if can(r, Can.ALL_UNITS)] == [Role.ADMIN]
    assert not can(None, Can.ACCOUNT)


def test_the_api_role_field_accepts_every_role_and_nothing_else():
    from pydantic import ValidationError

    from api.schemas import UserIn

    for role in Role:
        assert UserIn(username="a", password="x" * 12, role=role.value).role == role
    with pytest.raises(ValidationError):
        UserIn(username="a", password="x" * 12, role="khach")


def test_transcribe_options_from_settings():
    settings = Settings(beam_size=3, batch_size=8)
    assert TranscribeOptions.from_settings(settings) == TranscribeOptions(beam_size=3, batch_size=8)
    assert TranscribeOptions.from_settings(settings, batch_size=1).batch_size == 1


def test_a_draft_edit_keeps_ids_and_refuses_a_date_that_does_not_exist():
    from services.drafts import bad_date

    assert bad_date("trước 31/02/2026") == "31/02/2026"
    assert bad_date("trước 28/02/2026") is None and bad_date("") is None
