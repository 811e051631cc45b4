"""Decode any container FFmpeg reads (through PyAV) to 16 kHz mono float32.

The samples are written straight into one preallocated array, so a 6-hour
meeting is held in memory once (about 1.4 GB) rather than as bytes, then int16,
then float32 copies. The array is sized from the packets the file really holds
(a quick pass that reads no audio), not from its header, which may lie; and
decoding stops at the length limit whatever any header or packet claimed.
"""

import hashlib
from dataclasses import dataclass, replace
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


def measure(path: str | Path, max_seconds: float | None = None) -> AudioProbe:
    """`probe`, with the duration the file's packets really add up to (read without decoding:
    about a second per hour of MP3), or AudioError when that is over the length limit."""
    path = _check_file(path)
    limit = MAX_HOURS * 3600 if max_seconds is None else max_seconds
    info = probe(path)
    header = _wav_header_duration(path)  # FFmpeg reads a WAV's length from its size instead
    _check_declared(path, max(info.duration, header), limit)
    with _open(path) as container:
        held = _held_duration(container, _audio_stream(container, path), limit, info.duration)
    if held > limit:
        raise _too_long(path, limit, held)
    if header > 0 and held < header * 0.98 - 1.0:
        raise _cut_short(path, held, header)
    return replace(info, duration=round(held, 3)) if held > 0 else info


def decode(path: str | Path, sample_rate: int = SAMPLE_RATE, max_seconds: float | None = None) -> np.ndarray:
    """Return the audio as mono float32 at `sample_rate`, or raise AudioError (also when it
    is longer than `max_seconds`, by default MAX_HOURS)."""
    path = _check_file(path)
    limit = MAX_HOURS * 3600 if max_seconds is None else max_seconds
    with _open(path) as container:
        stream = _audio_stream(container, path)
        ffmpeg_says = _declared_duration(container, stream)
        declared = max(ffmpeg_says, _wav_header_duration(path))
        _check_declared(path, declared, limit)
        held = _held_duration(container, stream, limit, ffmpeg_says)
    if held > limit:
        raise _too_long(path, limit, held)
    with _open(path) as container:
        stream = _audio_stream(container, path)
        cap = int(limit * sample_rate) + 1  # never hold more than the limit
        buf = np.empty(min(int(max(held, 1.0) * sample_rate) + sample_rate, cap), dtype=np.float32)
        n = 0
        bad = 0
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        own_downmix = _unnamed_layout(stream)
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.error.FFmpegError:
                bad += 1
                continue
            for frame in frames:
                if own_downmix:
                    frame = _downmix(frame)
                frame.pts = None  # let the resampler run on sample counts only
                for out in resampler.resample(frame):
                    buf, n = _append(buf, n, out.to_ndarray()[0], cap, path, limit)
        for out in resampler.resample(None):
            buf, n = _append(buf, n, out.to_ndarray()[0], cap, path, limit)
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
        raise _cut_short(path, got, declared)
    return buf[:n]


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _append(buf: np.ndarray, n: int, samples: np.ndarray, cap: int, path: Path, limit: float) -> tuple[np.ndarray, int]:
    end = n + samples.shape[0]
    if end > cap:  # the packets under-declared their durations: the decoded length decides
        raise _too_long(path, limit, None)
    if end > buf.shape[0]:
        grown = np.empty(min(max(end, int(buf.shape[0] * 1.25)), cap), dtype=np.float32)
        grown[:n] = buf[:n]
        buf = grown
    buf[n:end] = samples
    return buf, end


def _check_declared(path: Path, declared: float, limit: float) -> None:
    if declared > limit:
        raise _too_long(path, limit, declared)


def _held_duration(
    container: av.container.InputContainer, stream: av.AudioStream, limit: float, declared: float
) -> float:
    if container.format.name == "wav" and stream.codec_context.name.startswith("pcm_"):
        # FFmpeg measures PCM in WAV by the data's real size, so reading every packet would
        # tell nothing more (and take 4-5 s on a 1 GB upload). Decoding still counts samples.
        return declared
    return _packet_duration(container, stream, limit)


def _packet_duration(container: av.container.InputContainer, stream: av.AudioStream, limit: float) -> float:
    """Seconds of audio the stream's packets hold (the end of the last one, or the sum of
    their durations), read without decoding; stops once past `limit`."""
    base = float(stream.time_base or 0)
    end = total = 0.0
    for packet in container.demux(stream):
        if not packet.size or not base:
            continue
        length = (packet.duration or 0) * base
        total += length
        if packet.pts is not None:
            end = max(end, packet.pts * base + length)
        if max(end, total) > limit:
            break
    return max(end, total)


def _too_long(path: Path, limit: float, seconds: float | None) -> AudioError:
    told = f"dài {_hms(seconds)}, " if seconds else ""
    return AudioError(
        f"Tệp '{path.name}' {told}vượt giới hạn {_hms(limit)} cho một bản ghi.",
        "Hãy cắt bản ghi thành các phần ngắn hơn rồi tải lên từng phần.",
    )


def _cut_short(path: Path, got: float, declared: float) -> AudioError:
    return AudioError(
        f"Tệp '{path.name}' bị cắt cụt hoặc hỏng: chỉ đọc được {_mmss(got)} trên {_mmss(declared)}.",
        "Hãy chép lại tệp gốc từ máy ghi âm.",
    )


def _unnamed_layout(stream: av.AudioStream) -> bool:
    """Many channels with no named layout (a 64-channel WAV from a conference desk):
    FFmpeg's resampler refuses to downmix them, so decode averages them itself."""
    channels = stream.codec_context.channels or 0
    return channels > 2 and stream.codec_context.layout.name.endswith(" channels")


_FULL_SCALE = {"u8": 128.0, "s16": 32768.0, "s32": 2147483648.0, "s64": 9223372036854775808.0}


def _downmix(frame: av.AudioFrame) -> av.AudioFrame:
    """The mean of a frame's channels, as a mono float frame at the same rate."""
    fmt = frame.format.name.rstrip("p")
    channels = frame.layout.nb_channels
    data = frame.to_ndarray()
    if not frame.format.is_planar:
        data = data.reshape(-1, channels).T
    mono = data.mean(axis=0, dtype=np.float64)
    if fmt == "u8":
        mono -= 128.0
    mono /= _FULL_SCALE.get(fmt, 1.0)
    out = av.AudioFrame.from_ndarray(mono.astype(np.float32)[None, :], format="flt", layout="mono")
    out.sample_rate = frame.sample_rate
    return out


def _check_file(path: str | Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise AudioError(f"Không tìm thấy tệp '{path}'.", "Hãy kiểm tra lại đường dẫn.")
    if not path.is_file():
        raise AudioError(f"'{path}' không phải là một tệp.", "Hãy chọn tệp ghi âm hoặc video.")
    if path.stat().st_size == 0:
        raise AudioError(f"Tệp '{path.name}' rỗng (0 byte).", "Hãy chép lại bản ghi từ máy ghi âm.")
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


def _hms(seconds: float) -> str:
    s = int(seconds)
    if s % 3600 == 0 and s:
        return f"{s // 3600} giờ"
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
