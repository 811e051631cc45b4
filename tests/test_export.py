from transcribe import AudioInfo, Segment, Speaker, Transcript, Word, export
from transcribe.transcript import json_schema


def sample() -> Transcript:
    return Transcript(
        audio=AudioInfo(duration=3725.5, sha256="0" * 64),
        segments=[
            Segment(0, 1.25, 3.5, "Xin chào các đồng chí.", [Word(1.25, 1.6, " Xin")], speaker="S0"),
            Segment(1, 3725.0, 3725.5, "Hết.", speaker="S1"),
        ],
        speakers={"S0": Speaker(name="Đồng chí Bí thư")},
    )


def test_srt() -> None:
    srt = export(sample(), "srt")
    assert srt.startswith("1\n00:00:01,250 --> 00:00:03,500\nĐồng chí Bí thư: Xin chào các đồng chí.\n")
    assert "2\n01:02:05,000 --> 01:02:05,500\nS1: Hết." in srt


def test_vtt_uses_voice_tags() -> None:
    vtt = export(sample(), "vtt")
    assert vtt.startswith("WEBVTT\n\n00:00:01.250 --> 00:00:03.500\n<v Đồng chí Bí thư>Xin chào")


def test_txt() -> None:
    assert export(sample(), "txt").splitlines()[1] == "[01:02:05] S1: Hết."


def test_json_schema_names_every_field() -> None:
    schema = json_schema()
    seg_props = schema["properties"]["segments"]["items"]["properties"]
    assert set(seg_props) >= set(sample().to_dict()["segments"][0])
