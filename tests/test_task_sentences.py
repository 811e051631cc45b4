"""The sentence model: a second look at sentences the rules read as no task."""

from datetime import date

from bench.train_task_sentences import TUNING
from drafting import Meeting, extract_text, task_sentences
from drafting.clauses import leads_in
from drafting.extract import text_transcript
from drafting.gazetteer import default_gazetteer
from drafting.rules import extract_rules

MEETING = Meeting(issuing_body="UBND tỉnh Lào Cai", title="họp", date=date(2024, 3, 5))

TEXT = (
    "Giao Sở Y tế chủ trì rà soát các cơ sở khám chữa bệnh, báo cáo UBND tỉnh trước ngày 20/3/2024.\n"
    "Việc an toàn thực phẩm ở các bếp ăn tập thể thì kiểm tra đột xuất hằng tháng.\n"
    "Sở Tài chính bố trí kinh phí cho đợt kiểm tra.\n"
)

# a model made for the test: a sentence with "kiểm tra" in it holds a task
CHECKS = task_sentences.Model(weights={"d=kiểm tra": 6.0}, bias=-3.0, threshold=0.5)


def test_a_sentence_the_rules_skip_becomes_a_flagged_task_in_its_place():
    _, rules_only = extract_rules(text_transcript(TEXT), MEETING, default_gazetteer(), guesses=False)
    assert [t.leads for t in rules_only] == [["Sở Y tế"], ["Sở Tài chính"]]

    _, tasks = extract_rules(text_transcript(TEXT), MEETING, default_gazetteer(), CHECKS)
    assert [t.leads for t in tasks] == [["Sở Y tế"], ["Sở Y tế"], ["Sở Tài chính"]]
    guessed = tasks[1]
    assert guessed.flags == [task_sentences.GUESSED]
    assert guessed.action.startswith("Việc an toàn thực phẩm")
    assert guessed.deadline.kind == "recurring"  # "hằng tháng", read like any other task
    assert guessed.evidence.segment_ids == [1]
    assert [t.id for t in tasks] == ["T1", "T2", "T3"]
    assert not tasks[0].flags and not tasks[2].flags


def test_a_guess_takes_the_body_that_opens_its_sentence():
    text = "Giao Sở Y tế rà soát các cơ sở.\nSở Công Thương về an toàn thực phẩm thì kiểm tra đột xuất.\n"
    _, tasks = extract_rules(text_transcript(text), MEETING, default_gazetteer(), CHECKS)
    assert tasks[-1].leads == ["Sở Công Thương"]
    assert tasks[-1].flags == [task_sentences.GUESSED]


def test_reports_titles_and_headings_are_not_second_guessed():
    text = (
        "UBND huyện kiểm tra công tác phòng chống lụt bão\n"
        "Ngày 01/3/2024, đoàn đã kiểm tra tại xã Tân Lập.\n"
        "Giao Phòng Nông nghiệp huyện:\n"
        "- Rà soát các hồ đập.\n"
    )
    _, tasks = extract_rules(text_transcript(text), MEETING, default_gazetteer(), CHECKS)
    assert [t.leads for t in tasks] == [["Phòng Nông nghiệp huyện"]]
    assert not tasks[0].flags


def test_the_shipped_model_loads_and_is_used_by_default():
    model = task_sentences.default_model()
    assert model is not None
    assert 0.0 < model.threshold < 1.0
    assert len(model.weights) > 1000
    # a plain directive the rules read stays theirs: no flag
    found = extract_text("Giao Sở Tài chính chủ trì rà soát nguồn vốn.", MEETING).tasks
    assert [t.flags for t in found] == [[]]


def test_the_model_is_trained_on_tuning_splits_only():
    assert "fresh8" not in TUNING  # the hold-out (bench/extraction.py: real-fresh8)


def test_a_guess_takes_the_addressee_not_the_speaker():
    text = (
        "Giao Sở Y tế rà soát các cơ sở.\n"
        "Trên tinh thần đó, Ban Thường vụ yêu cầu Sở Nội vụ tiếp thu, kiểm tra lại dự thảo.\n"
        "Đồng chí Bí thư nhấn mạnh, các trường học, trạm y tế kiểm tra phương án phòng chống lũ.\n"
    )
    _, tasks = extract_rules(text_transcript(text), MEETING, default_gazetteer(), CHECKS)
    assert [t.leads for t in tasks] == [["Sở Y tế"], ["Sở Nội vụ"], ["các trường học"]]
    assert [t.flags for t in tasks] == [[], [], [task_sentences.GUESSED]]  # "Đồng chí Bí thư" spoke
    said = "Trên tinh thần đó, Ban Thường vụ yêu cầu Sở Nội vụ tiếp thu, kiểm tra lại dự thảo."
    assert leads_in(said.split(), default_gazetteer()) == ["Sở Nội vụ"]


def test_a_damaged_model_file_leaves_the_rules_drafting(tmp_path, monkeypatch, caplog):
    broken = tmp_path / "task_sentences.json"
    broken.write_text('{"weights": {"u=x": 1.0}, "bias":', encoding="utf-8")  # cut short
    monkeypatch.setattr(task_sentences, "DATA", broken)
    task_sentences.default_model.cache_clear()
    try:
        assert task_sentences.default_model() is None
        assert "sentence model not used" in caplog.text
        found = extract_text(TEXT, MEETING).tasks
        assert [t.leads for t in found] == [["Sở Y tế"], ["Sở Tài chính"]]  # the rules' own
        monkeypatch.setattr(task_sentences, "DATA", tmp_path / "missing.json")
        task_sentences.default_model.cache_clear()
        assert task_sentences.default_model() is None
    finally:
        monkeypatch.undo()
        task_sentences.default_model.cache_clear()
    assert task_sentences.default_model() is not None


def test_a_guess_names_whoever_the_sentence_addresses_by_the_tagger_alone():
    gaz = default_gazetteer()
    # after an assigning word, a group no list names
    said = "Tại buổi làm việc, lãnh đạo huyện đề nghị các đại biểu dành thời gian nghiên cứu tài liệu."
    assert leads_in(said.split(), gaz) == ["các đại biểu"]
    # a leader directs them: who does it is after "chỉ đạo", not the leader
    said = "Về tiến độ, Bí thư Huyện ủy chỉ đạo các đơn vị phải bám sát từng phần việc."
    assert leads_in(said.split(), gaz) == ["các đơn vị"]
    # whoever opens the sentence before its verb
    said = "Đội ngũ cán bộ, giáo viên các nhà trường tạo điều kiện cho thí sinh dự thi."
    assert leads_in(said.split(), gaz) == ["Đội ngũ cán bộ, giáo viên các nhà trường"]
    # an ordinal or a case is no one
    said = "Trường hợp không đủ điều kiện thì trả hồ sơ."
    assert leads_in(said.split(), gaz) == []


def test_reports_and_lines_in_capitals_are_not_second_guessed():
    text = (
        "Giao Phòng Nội vụ rà soát hồ sơ.\n"
        "Qua kiểm tra, UBND huyện đã ghi nhận những kết quả kiểm tra đột xuất.\n"
        "KT. CHỦ TỊCH\n"
        "Sau khi nghe báo cáo, Chủ tịch UBND huyện giao Phòng Tư pháp kiểm tra các hồ sơ.\n"
    )
    _, tasks = extract_rules(text_transcript(text), MEETING, default_gazetteer(), CHECKS)
    assert [t.leads for t in tasks] == [["Phòng Nội vụ"], ["Phòng Tư pháp"]]
    assert not any(t.flags for t in tasks)


def test_an_office_list_with_odd_names_still_loads_and_gets_initials(tmp_path):
    from drafting.gazetteer import Gazetteer

    units = tmp_path / "units.txt"
    units.write_text(
        "[đơn vị]\nSở\nPhòng 3\nBan -\nTrung tâm A&B\nSở Văn hóa và Thể thao\nPhòng Dân tộc và Tôn giáo\n",
        encoding="utf-8",
    )
    gaz = Gazetteer.load(units)  # a bare head, a number, a dash: no initials, no error
    assert gaz.canonical("Phòng DT&TG") == "Phòng Dân tộc và Tôn giáo"
    assert gaz.canonical("Phòng 3") == "Phòng 3"
