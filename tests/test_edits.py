"""Transcript edits: segment text, speaker names, merging speakers."""

import pytest

from ketluan.errors import InputError
from transcribe import AudioInfo, Segment, Speaker, Transcript, Word
from transcribe.edits import EDITED, Edits, apply_edits


def _transcript() -> Transcript:
    return Transcript(
        AudioInfo(duration=9.0),
        [
            Segment(0, 0.0, 3.0, "xin chào các đồng chí", [Word(0.0, 0.5, "xin", 0.9, "S0")], "S0"),
            Segment(1, 3.0, 6.0, "giao sở tài chính", [Word(3.0, 3.5, "giao", 0.9, "S1")], "S1"),
            Segment(2, 6.0, 9.0, "thống nhất", [], "S2"),
        ],
        speakers={"S2": Speaker(name="Phó Chủ tịch")},
    )


def test_text_names_and_merge_make_a_new_transcript():
    original = _transcript()
    edits = Edits(
        texts={1: "Giao Sở Tài chính chủ trì"},
        speakers={"S0": Speaker(name="Nguyễn Văn A", title="Chủ tịch UBND tỉnh")},
        merges=[("S2", "S1")],
    )
    edited = apply_edits(original, edits)
    assert original.segments[1].text == "giao sở tài chính"  # the stored version is untouched
    assert edited.segments[1].text == "Giao Sở Tài chính chủ trì"
    assert EDITED in edited.segments[1].flags and EDITED not in edited.segments[0].flags
    assert edited.speaker_name("S0") == "Nguyễn Văn A"
    assert [s.speaker for s in edited.segments] == ["S0", "S1", "S1"]
    assert edited.speaker_name("S1") == "Phó Chủ tịch" and "S2" not in edited.speakers
    assert Transcript.from_dict(edited.to_dict()).segments[1].text == "Giao Sở Tài chính chủ trì"


def test_unknown_segment_or_speaker_is_a_clear_error():
    with pytest.raises(InputError, match="đoạn số 7"):
        apply_edits(_transcript(), Edits(texts={7: "x"}))
    with pytest.raises(InputError, match="S9"):
        apply_edits(_transcript(), Edits(merges=[("S9", "S0")]))
    with pytest.raises(InputError, match="S9"):
        apply_edits(_transcript(), Edits(speakers={"S9": Speaker(name="B")}))
