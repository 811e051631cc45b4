"""Decoding every container we claim to read, and every bad input we promise to explain."""

from pathlib import Path

import numpy as np
import pytest

from ketluan.errors import AudioError
from tests.media import CONTAINERS, tone, write_audio, write_video
from transcribe import audio


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
