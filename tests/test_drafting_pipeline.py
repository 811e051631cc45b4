"""ketluan process / draft: audio → transcript → (speakers) → notice, minutes, conclusion.json."""

import json
from datetime import date

from docx import Document
from typer.testing import CliRunner

import diarize
from cli import app
from drafting import Conclusion, Meeting
from services.pipeline import process
from transcribe.transcript import AudioInfo, Segment, Speaker, Transcript

MEETING = Meeting(issuing_body="Tỉnh ủy Lào Cai", title="họp thử", date=date(2026, 8, 20), chair="Nguyễn Văn An")


def test_process_writes_every_output(asr, speak, tmp_path, monkeypatch):
    wav = speak(
        "Tôi xin kết luận như sau. Sở Tài chính chủ trì, phối hợp với Sở Tư pháp thẩm định hồ sơ.", "chair", speed=110
    )
    stages = []

    def label_speakers(path, transcript):  # fixed labels: this test is about the chain
        for seg in transcript.segments:
            seg.speaker = "SPEAKER_00"
        transcript.speakers = {"SPEAKER_00": Speaker(name="Nguyễn Văn An")}
        return transcript

    monkeypatch.setattr(diarize, "label_speakers", label_speakers)
    result = process(
        wav, MEETING, tmp_path, model=asr, batch_size=4, progress=lambda stage, f: stages.append((stage, f))
    )
    names = sorted(p.name for p in result.paths)
    assert names == sorted(
        ["chair.json", "chair.txt", "chair.srt", "chair.vtt", "notice.docx", "minutes.docx", "conclusion.json"]
    )
    assert result.diarized and result.transcript.segments[0].speaker == "SPEAKER_00"
    done = list(dict.fromkeys(s for s, f in stages if f == 1.0))
    assert done == ["transcribing", "diarizing", "drafting"]
    # each stage's wall-clock time, for the closing line and the real-time factor
    assert set(result.seconds) == set(done) and all(v >= 0 for v in result.seconds.values())
    assert result.audio_seconds == result.transcript.audio.duration > 0
    saved = Conclusion.load(tmp_path / "conclusion.json")
    assert saved.to_dict() == json.loads(result.conclusion.to_json())
    minutes = "\n".join(p.text for p in Document(tmp_path / "minutes.docx").paragraphs)
    # the minutes (Mẫu 1.9): the chair's concluding turn is its Kết luận section, no times
    assert "BIÊN BẢN" in minutes and "Cuộc họp kết thúc vào" in minutes
    concluded = minutes.split("Kết luận của")[1]
    assert all(i.text.split("\n")[0][:20] in concluded for i in result.conclusion.items)
    assert "[00:" not in minutes
    assert Document(tmp_path / "notice.docx").paragraphs  # opens


def test_process_without_diarization(asr, speak, tmp_path):
    wav = speak("Xin kết luận. Giao Sở Y tế kiểm tra.", "short", speed=110)
    result = process(wav, MEETING, tmp_path, model=asr, batch_size=4, diarize_speakers=False)
    assert not result.diarized and (tmp_path / "notice.docx").exists()


def test_timing_line_gives_each_stage_and_its_real_time_factor():
    from cli.drafting import _timing

    line = _timing({"transcribing": 73.1, "diarizing": 68.8, "drafting": 1.0}, 3600.0)
    assert line == (
        "Thời gian (âm thanh 60.0 phút): Chép lời 73.1 s, RTF 0.020; "
        "Phân biệt người nói 68.8 s, RTF 0.019; Soạn thông báo 1.0 s, RTF 0.000; "
        "tổng 142.9 s."
    )


def test_cli_draft_from_transcript_json(tmp_path):
    segs = [
        Segment(
            0,
            0.0,
            12.0,
            "Tôi xin kết luận như sau. Giao Sở Y tế chủ trì, phối hợp với "
            "Sở Giáo dục và Đào tạo kiểm tra an toàn thực phẩm trong quý IV.",
        )
    ]
    t = Transcript(audio=AudioInfo(duration=12.0), segments=segs)
    t.save(tmp_path / "t.json")
    (tmp_path / "m.toml").write_text(
        '[meeting]\nissuing_body = "Tỉnh ủy Lào Cai"\ntitle = "họp"\ndate = 2026-08-20\n', encoding="utf-8"
    )
    r = CliRunner().invoke(
        app,
        [
            "draft",
            str(tmp_path / "t.json"),
            "--meeting",
            str(tmp_path / "m.toml"),
            "-o",
            str(tmp_path / "out" / "tb.docx"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Sở Y tế" in r.output
    for name in ("tb.docx", "minutes.docx", "conclusion.json"):
        assert (tmp_path / "out" / name).exists()
    data = json.loads((tmp_path / "out" / "conclusion.json").read_text(encoding="utf-8"))
    assert data["tasks"][0]["deadline"] == {"kind": "quarter", "due": "2026-12-31", "phrase": "trong quý IV"}


def test_bad_meeting_file_is_a_clear_error(tmp_path):
    from ketluan.errors import InputError

    (tmp_path / "m.toml").write_text('[meeting]\ntitle = "x"\nformat = "word"\n', encoding="utf-8")
    try:
        Meeting.load(tmp_path / "m.toml")
    except InputError as exc:
        assert "Thiếu thông tin cuộc họp" in str(exc) or "không hợp lệ" in str(exc)
    else:
        raise AssertionError("no error")
