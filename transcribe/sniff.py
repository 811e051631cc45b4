"""A quick check that an uploaded file is usable audio, before anything is queued.

Decoding a whole 6-hour recording at upload time would take minutes, so this
opens the container (PyAV), decodes the first seconds, reads a packet near
the declared end, and adds up the packets' durations without decoding them: a
file that is not audio, holds no sound, was cut short (its header promises more
than the file holds) or is over the length limit is refused at once.
"""

from pathlib import Path

import av

from ketluan.errors import AudioError
from transcribe.audio import SUPPORTED, AudioProbe, measure, probe

HEAD_SECONDS = 5.0
TAIL_SECONDS = 2.0
MAX_TAIL_PACKETS = 5000
MIN_SECONDS = 0.5  # shorter than this is not a meeting recording


def sniff(path: str | Path, display_name: str | None = None) -> AudioProbe:
    """Describe the audio in `path`, or raise AudioError naming `display_name`."""
    path = Path(path)
    shown = display_name or path.name
    try:
        info = probe(path)
        _check_head(path, shown)
        if info.duration > TAIL_SECONDS * 2:
            _check_tail(path, shown, info.duration)
        # The length the packets really hold (a header may claim 3 s for an hour), refused
        # here when over the limit rather than hours later in the worker.
        info = measure(path)
    except AudioError as exc:
        raise AudioError(exc.message.replace(path.name, shown), exc.hint) from None
    return info


def _check_head(path: Path, shown: str) -> None:
    with av.open(str(path), metadata_errors="ignore") as container:
        stream = container.streams.audio[0]
        got = 0.0
        try:
            for frame in container.decode(stream):
                got += frame.samples / (frame.sample_rate or 1)
                if got >= HEAD_SECONDS:
                    return
        except av.error.FFmpegError:
            pass
    if got == 0.0:
        raise AudioError(
            f"Tệp '{shown}' không giải mã được đoạn âm thanh nào (tệp hỏng hoặc không phải âm thanh).",
            f"Hãy chép lại tệp gốc từ máy ghi âm. Định dạng dùng được: {SUPPORTED}.",
        )
    if got < MIN_SECONDS:
        raise AudioError(
            f"Tệp '{shown}' chỉ có {got:.2f} giây âm thanh: quá ngắn để là bản ghi cuộc họp (tệp bị cắt cụt?).",
            "Hãy chép lại trọn vẹn tệp gốc từ máy ghi âm rồi tải lên lại.",
        )


def _check_tail(path: Path, shown: str, declared: float) -> None:
    # Seek near the declared end and read to the real end of the data.
    end = 0.0
    with av.open(str(path), metadata_errors="ignore") as container:
        stream = container.streams.audio[0]
        time_base = stream.time_base
        if time_base is None:
            return  # no time base to place packets by: cannot tell, let decoding judge
        try:
            container.seek(int((declared - TAIL_SECONDS) / time_base), stream=stream)
            for i, packet in enumerate(container.demux(stream)):
                if i > MAX_TAIL_PACKETS:
                    return  # the seek landed far back (no index): cannot tell, let decoding judge
                if packet.pts is not None and packet.size:
                    end = max(end, float((packet.pts + (packet.duration or 0)) * time_base))
        except av.error.FFmpegError:
            pass
    if end >= declared * 0.98 - 1.0:
        return
    raise AudioError(
        f"Tệp '{shown}' bị cắt cụt: tệp khai báo dài {_mmss(declared)} nhưng dữ liệu chỉ tới {_mmss(end)}.",
        "Hãy chép lại trọn vẹn tệp gốc từ máy ghi âm rồi tải lên lại.",
    )


def _mmss(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
