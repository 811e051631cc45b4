"""Decoding every container we claim to read, and every bad input we promise to explain."""

from pathlib import Path

import numpy as np
import pytest

from ketluan.errors import AudioError
from tests.media import (
    CONTAINERS,
    claim_frames,
    many_channel_wav,
    mp3_file_and_frames,
    tone,
    write_audio,
    write_video,
)
from transcribe import audio
from transcribe.sniff import sniff


@pytest.mark.parametrize("ext", sorted(CONTAINERS))
def test_decodes_audio_containers_to_16k_mono(tmp_path: Path, ext: str) -> None:
    path = write_audio(tmp_path / f"a.{ext}", tone(3.0))
    samples = audio.decode(path)
    assert samples.dtype == np.float32
    assert abs(len(samples) / audio.SAMPLE_RATE - 3.0) < 0.1
    assert 0.15 < float(np.abs(samples).max()) <= 1.0


@pytest.mark.parametrize("ext", ["mp4", "webm"])
def test_decodes_audio_track_of_video(tmp_path: Path, ext: str) -> None:
    samples = audio.decode(write_video(tmp_path / f"v.{ext}", tone(2.0)))
    assert abs(len(samples) / audio.SAMPLE_RATE - 2.0) < 0.1


def test_stereo_44k_is_downmixed_and_resampled(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "s.flac", tone(2.0, rate=44100), rate=44100, channels=2)
    info = audio.probe(path)
    assert info.channels == 2
    assert abs(len(audio.decode(path)) - 32000) < 400


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="Không tìm thấy tệp"):
        audio.decode(tmp_path / "khong-co.mp3")


def test_zero_bytes(tmp_path: Path) -> None:
    empty = tmp_path / "rong.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioError, match="rỗng"):
        audio.decode(empty)


def test_text_file_named_mp3(tmp_path: Path) -> None:
    fake = tmp_path / "bien-ban.mp3"
    fake.write_text("Đây là văn bản, không phải âm thanh.\n" * 50, encoding="utf-8")
    with pytest.raises(AudioError, match="không đọc được"):
        audio.decode(fake)


def test_video_without_audio_stream(tmp_path: Path) -> None:
    from fractions import Fraction

    import av

    path = tmp_path / "cam-khong-tieng.mp4"
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=5)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        for i in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 5)
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
    with pytest.raises(AudioError, match="không có kênh âm thanh"):
        audio.decode(path)


@pytest.mark.parametrize("ext", ["wav", "mp3", "flac"])
def test_truncated_file_is_reported(tmp_path: Path, ext: str) -> None:
    whole = write_audio(tmp_path / f"full.{ext}", tone(10.0)).read_bytes()
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(AudioError, match="cắt cụt"):
        audio.decode(cut)
    with pytest.raises(AudioError, match=f"'Họp[.]{ext}' bị cắt cụt"):
        sniff(cut, f"Họp.{ext}")  # at upload, not hours later in the worker


def test_corrupt_body_is_reported(tmp_path: Path) -> None:
    whole = bytearray(write_audio(tmp_path / "full.mp3", tone(5.0)).read_bytes())
    rng = np.random.default_rng(0)
    whole[400:] = rng.integers(0, 256, len(whole) - 400, dtype=np.uint8).tobytes()
    bad = tmp_path / "hong.mp3"
    bad.write_bytes(bytes(whole))
    with pytest.raises(AudioError, match="hỏng"):
        audio.decode(bad)


def test_unfinalised_wav_header_is_accepted(tmp_path: Path) -> None:
    """A recorder that stopped abruptly leaves data size 0xFFFFFFFF: the audio is still good."""
    data = bytearray(write_audio(tmp_path / "ok.wav", tone(2.0)).read_bytes())
    pos = data.index(b"data")
    data[pos + 4 : pos + 8] = (0xFFFFFFFF).to_bytes(4, "little")
    path = tmp_path / "unfinalised.wav"
    path.write_bytes(bytes(data))
    assert abs(len(audio.decode(path)) / audio.SAMPLE_RATE - 2.0) < 0.1


def test_preallocation_does_not_trust_a_hostile_duration(tmp_path: Path) -> None:
    """A header claiming 20 hours is refused before any memory is taken."""
    data = bytearray(write_audio(tmp_path / "ok.wav", tone(1.0)).read_bytes())
    pos = data.index(b"data")
    data[pos + 4 : pos + 8] = (16000 * 2 * 3600 * 20).to_bytes(4, "little")
    path = tmp_path / "lies.wav"
    path.write_bytes(bytes(data))
    with pytest.raises(AudioError, match="vượt giới hạn"):
        audio.decode(path)


def test_an_mp3_whose_header_lies_is_measured_by_its_frames(tmp_path: Path, monkeypatch) -> None:
    """Xing header: 3.6 s; frames: 2 minutes. Upload shows the real length, and decoding
    sizes its buffer (and stops) by what the file really holds."""
    head, frames = mp3_file_and_frames(tmp_path / "four.mp3", 4.0)
    path = tmp_path / "lies.mp3"
    path.write_bytes(claim_frames(head, 138) + frames * 29)
    assert audio.probe(path).duration < 4  # what FFmpeg believes
    assert abs(sniff(path, "Họp giao ban.mp3").duration - 121.5) < 1  # 30 × 4.05 s
    assert abs(len(audio.decode(path)) / audio.SAMPLE_RATE - 121.5) < 1
    with pytest.raises(AudioError, match="vượt giới hạn 0:01:00"):
        audio.decode(path, max_seconds=60)
    monkeypatch.setattr(audio, "MAX_HOURS", 1 / 60)
    with pytest.raises(AudioError, match=r"'Họp giao ban\.mp3' dài 0:01:0\d, vượt giới hạn 0:01:00"):
        sniff(path, "Họp giao ban.mp3")


def test_an_honest_13_hour_file_is_refused_at_upload(tmp_path: Path) -> None:
    """13 hours of 8 kbps MP3 (47 MB): refused by the upload check at once, with its name."""
    _, frames = mp3_file_and_frames(tmp_path / "one.mp3", 36.0, rate=8000, bit_rate=8000)
    path = tmp_path / "long.mp3"
    with open(path, "wb") as out:
        for _ in range(13 * 100):
            out.write(frames)
    with pytest.raises(AudioError, match=r"'Cả ngày.mp3' dài 1[23]:\d\d:\d\d, vượt giới hạn 12 giờ"):
        sniff(path, "Cả ngày.mp3")


def test_decoding_stops_at_the_limit_whatever_the_packets_claim(tmp_path, monkeypatch) -> None:
    """Headers and packets that all under-state the length cannot make decoding run on: the
    decoded samples are counted, and the buffer never grows past the limit."""
    path = write_audio(tmp_path / "ten.wav", tone(10.0))
    for claim in ("_packet_duration", "_declared_duration", "_wav_header_duration"):
        monkeypatch.setattr(audio, claim, lambda *a: 1.0)
    grown = []
    real_empty = np.empty
    monkeypatch.setattr(audio.np, "empty", lambda n, **k: grown.append(n) or real_empty(n, **k))
    with pytest.raises(AudioError, match=r"'ten\.wav' vượt giới hạn 0:00:05"):
        audio.decode(path, max_seconds=5)
    assert max(grown) <= 5 * audio.SAMPLE_RATE + 1


@pytest.mark.parametrize("channels", [9, 64])
def test_many_channels_without_a_layout_are_downmixed(tmp_path: Path, channels: int) -> None:
    path = many_channel_wav(tmp_path / f"ban-hop-{channels}.wav", channels, 2.0)
    samples = audio.decode(path)
    assert abs(len(samples) - 2 * audio.SAMPLE_RATE) < 400
    assert 0.25 < float(np.abs(samples).max()) < 0.35  # the mean of equal channels: the tone


def test_a_conference_desk_recording_is_transcribed(asr, tmp_path: Path) -> None:
    """64 channels, one delegate's microphone live: the downmix keeps the speech usable."""
    import wave

    import transcribe
    from tests.service_fixtures import vieneu_clip

    pcm = (audio.decode(vieneu_clip("Bình")) * 32767).astype("<i2")
    desk = np.zeros((len(pcm), 64), "<i2")
    desk[:, 5] = pcm
    path = tmp_path / "ban-hop.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(64)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(desk.tobytes())
    result = transcribe.transcribe_file(path, model=asr)
    assert result.audio.channels == 64
    assert "nhìn nhận" in " ".join(s.text for s in result.segments)
