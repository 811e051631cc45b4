"""Decode any container FFmpeg reads (through PyAV) to 16 kHz mono float32.

The samples are written straight into one preallocated array sized from the
container's declared duration, so a 6-hour meeting is held in memory once
(about 1.4 GB) rather than as bytes, then int16, then float32 copies.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from ketluan.errors import AudioError

SAMPLE_RATE = 16000
MAX_HOURS = 12.0
SUPPORTED = "wav, mp3, m4a, ogg, flac, opus, mp4, webm"


@dataclass(frozen=True)
class AudioProbe:
    duration: float  # declared by the container, seconds
    format: str
    codec: str
    sample_rate: int
    channels: int


def probe(path: str | Path) -> AudioProbe:
    """Open the file and describe its first audio stream, or raise AudioError."""
    path = _check_file(path)
    with _open(path) as container:
        stream = _audio_stream(container, path)
        return AudioProbe(
            duration=_declared_duration(container, stream),
            format=container.format.name,
            codec=stream.codec_context.name,
            sample_rate=stream.codec_context.sample_rate or 0,
            channels=stream.codec_context.channels or 0,
        )


def decode(path: str | Path, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Return the audio as mono float32 at `sample_rate`, or raise AudioError."""
    path = _check_file(path)
    with _open(path) as container:
        stream = _audio_stream(container, path)
        declared = max(_declared_duration(container, stream), _wav_header_duration(path))
        if declared > MAX_HOURS * 3600:
            raise AudioError(
                f"Tệp '{path.name}' dài {declared / 3600:.1f} giờ, vượt giới hạn {MAX_HOURS:.0f} giờ.",
                "Hãy cắt bản ghi thành các phần ngắn hơn.",
            )
        buf = np.empty(int(max(declared, 1.0) * sample_rate) + sample_rate, dtype=np.float32)
        n = 0
        bad = 0
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.error.FFmpegError:
                bad += 1
                continue
            for frame in frames:
                frame.pts = None  # let the resampler run on sample counts only
                for out in resampler.resample(frame):
                    buf, n = _append(buf, n, out.to_ndarray()[0])
        for out in resampler.resample(None):
            buf, n = _append(buf, n, out.to_ndarray()[0])
    if n == 0:
        if bad or declared > 0:
            raise AudioError(
                f"Tệp '{path.name}' bị hỏng: không giải mã được đoạn âm thanh nào.",
                "Hãy chép lại tệp gốc từ máy ghi âm.",
            )
        raise AudioError(
            f"Tệp '{path.name}' không có dữ liệu âm thanh (dài 0 giây).",
            "Hãy kiểm tra lại bản ghi.",
        )
    got = n / sample_rate
    if declared > 0 and got < declared * 0.98 - 1.0:
        raise AudioError(
            f"Tệp '{path.name}' bị cắt cụt hoặc hỏng: chỉ đọc được {_mmss(got)} trên {_mmss(declared)}.",
            "Hãy chép lại tệp gốc từ máy ghi âm.",
        )
    return buf[:n]


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _append(buf: np.ndarray, n: int, samples: np.ndarray) -> tuple[np.ndarray, int]:
    end = n + samples.shape[0]
    if end > buf.shape[0]:  # the container under-declared its duration
        grown = np.empty(max(end, int(buf.shape[0] * 1.25)), dtype=np.float32)
        grown[:n] = buf[:n]
        buf = grown
    buf[n:end] = samples
    return buf, end


def _check_file(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise AudioError(f"Không tìm thấy tệp '{path}'.", "Hãy kiểm tra lại đường dẫn.")
    if not path.is_file():
        raise AudioError(f"'{path}' không phải là một tệp.", "Hãy chọn tệp ghi âm hoặc video.")
    if path.stat().st_size == 0:
        raise AudioError(
            f"Tệp '{path.name}' rỗng (0 byte).", "Hãy chép lại bản ghi từ máy ghi âm."
        )
    return path


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise AudioError(
            f"Tệp '{path.name}' không đọc được: không phải tệp âm thanh/video, hoặc tệp đã hỏng.",
            f"Các định dạng dùng được: {SUPPORTED}. Nếu đúng định dạng, hãy chép lại tệp gốc.",
        ) from exc


def _audio_stream(container: av.container.InputContainer, path: Path) -> av.AudioStream:
    if not container.streams.audio:
        container.close()
        raise AudioError(
            f"Tệp '{path.name}' không có kênh âm thanh.",
            f"Hãy chọn tệp ghi âm hoặc video có tiếng ({SUPPORTED}).",
        )
    return container.streams.audio[0]


def _declared_duration(container: av.container.InputContainer, stream: av.AudioStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _wav_header_duration(path: Path) -> float:
    """Duration the RIFF header promises. FFmpeg trusts the file size instead, which
    hides a WAV cut short in copying. Unfinalised headers (0 or 0xFFFFFFFF, left by a
    recorder that stopped abruptly) promise nothing."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return 0.0
    pos, byte_rate = 12, 0
    while pos + 8 <= len(head):
        chunk, size = head[pos : pos + 4], int.from_bytes(head[pos + 4 : pos + 8], "little")
        if chunk == b"fmt " and pos + 16 <= len(head):
            byte_rate = int.from_bytes(head[pos + 16 : pos + 20], "little")
        if chunk == b"data":
            if byte_rate and size not in (0, 0xFFFFFFFF):
                return size / byte_rate
            return 0.0
        pos += 8 + size + (size & 1)
    return 0.0


def _mmss(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"
