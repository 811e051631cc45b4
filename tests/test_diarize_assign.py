"""Speaker assignment to words and segments (no model needed)."""

from diarize.assign import TurnIndex, assign_speakers
from diarize.result import Turn
from transcribe.transcript import AudioInfo, Segment, Transcript, Word


def _segment(i: int, words: list[tuple[float, float, str]]) -> Segment:
    ws = [Word(s, e, f" {t}", 0.9) for s, e, t in words]
    return Segment(i, ws[0].start, ws[-1].end, " ".join(t for _, _, t in words), ws, flags=["x"])


def test_segment_spanning_a_turn_boundary_is_split_at_the_changing_word():
    turns = [Turn(0.0, 3.02, "S1"), Turn(3.02, 6.0, "S2")]
    seg = _segment(
        0,
        [
            (1.8, 2.2, "giao"),
            (2.2, 2.6, "Sở"),
            (2.6, 3.1, "Tài"),  # straddles: 0.42 s in S1
            (3.1, 3.5, "chính."),
            (3.6, 3.9, "Vâng,"),
            (3.9, 4.3, "tôi"),
            (4.3, 4.8, "xin"),
        ],
    )
    after = _segment(1, [(5.0, 5.4, "báo"), (5.4, 5.9, "cáo")])
    t = Transcript(AudioInfo(6.0), [seg, after])

    assign_speakers(t, turns)

    assert [s.speaker for s in t.segments] == ["S1", "S2", "S2"]
    first, second = t.segments[0], t.segments[1]
    assert first.text == "giao Sở Tài"  # "Tài" overlaps S1 by 0.42 s, S2 by 0.08 s
    assert second.text == "chính. Vâng, tôi xin"
    assert first.start == 1.8 and first.end == 3.1
    assert second.start == 3.1 and second.end == 4.8
    assert [w.speaker for w in first.words] == ["S1"] * 3
    assert [s.id for s in t.segments] == [0, 1, 2]
    assert second.flags == ["x"] and second.flags is not first.flags


def test_word_in_a_pause_goes_to_the_nearest_turn_and_flicker_is_smoothed():
    turns = [Turn(0.0, 2.0, "S1"), Turn(2.1, 2.3, "S2"), Turn(2.3, 5.0, "S1"), Turn(8.0, 9.0, "S2")]
    seg = _segment(0, [(1.0, 1.5, "một"), (2.05, 2.35, "hai"), (2.4, 2.8, "ba"), (5.3, 5.6, "bốn")])
    t = Transcript(AudioInfo(9.0), [seg])

    assign_speakers(t, turns)

    # "hai" leans to S2 but sits alone between S1 words: smoothed; "bốn" is 0.3 s after S1.
    assert len(t.segments) == 1
    assert t.segments[0].speaker == "S1"
    assert [w.speaker for w in t.segments[0].words] == ["S1"] * 4


def test_segments_without_words_use_largest_overlap_and_far_words_stay_unknown():
    index = TurnIndex([Turn(0.0, 4.0, "S1"), Turn(4.0, 10.0, "S2")])
    assert index.speaker(3.0, 6.0) == "S2"  # 1 s of S1, 2 s of S2
    assert index.speaker(2.0, 2.0) == "S1"  # zero-length word
    assert TurnIndex([Turn(0.0, 1.0, "S1")]).speaker(5.0, 6.0) is None
    assert TurnIndex([]).speaker(0.0, 1.0) is None

    t = Transcript(AudioInfo(10.0), [Segment(0, 3.0, 6.0, "không có từ")])
    assign_speakers(t, [Turn(0.0, 4.0, "S1"), Turn(4.0, 10.0, "S2")])
    assert t.segments[0].speaker == "S2"
