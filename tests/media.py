"""Write real media files with PyAV (FFmpeg) for the tests: every container we claim to read."""

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

# extension -> (container format, audio codec, sample rate)
CONTAINERS = {
    "wav": ("wav", "pcm_s16le", 16000),
    "mp3": ("mp3", "libmp3lame", 44100),
    "m4a": ("ipod", "aac", 44100),
    "ogg": ("ogg", "libopus", 48000),
    "opus": ("opus", "libopus", 48000),
    "flac": ("flac", "flac", 22050),
}


def write_audio(path: Path, samples: np.ndarray, rate: int = 16000, channels: int = 1) -> Path:
    """Encode mono float32 samples at `rate` into the container named by the extension."""
    fmt, codec, out_rate = CONTAINERS[path.suffix.lstrip(".")]
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=out_rate, layout=layout)
        _encode_audio(out, stream, samples, rate, layout)
    return path


def write_video(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    """An mp4 (h264 + aac) or webm (vp9 + opus) file with a small black picture and the audio."""
    if path.suffix == ".mp4":
        vcodec, acodec, arate = "libx264", "aac", 44100
    else:
        vcodec, acodec, arate = "libvpx-vp9", "libopus", 48000
    seconds = len(samples) / rate
    with av.open(str(path), "w") as out:
        video = out.add_stream(vcodec, rate=5)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = out.add_stream(acodec, rate=arate, layout="mono")
        for i in range(max(1, int(seconds * 5))):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
            frame.pts = i
            frame.time_base = Fraction(1, 5)
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        _encode_audio(out, audio, samples, rate, "mono")
    return path


def _encode_audio(out, stream, samples: np.ndarray, rate: int, layout: str) -> None:
    resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=stream.rate)
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    if layout == "stereo":
        pcm = np.stack([pcm, pcm], axis=1).reshape(1, -1)
    else:
        pcm = pcm.reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout=layout)
    frame.sample_rate = rate
    frame.pts = None
    for resampled in resampler.resample(frame):
        for packet in stream.encode(resampled):
            out.mux(packet)
    for resampled in resampler.resample(None):
        for packet in stream.encode(resampled):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


def tone(seconds: float, rate: int = 16000, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def mp3_file_and_frames(path: Path, seconds: float, rate: int = 44100, bit_rate: int = 64000) -> tuple[bytes, bytes]:
    """An MP3's bytes (ID3 tag, Xing/Info frame, audio frames) and its audio frames alone,
    which can be repeated to make a long file cheaply."""
    with av.open(str(path), "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=rate, layout="mono")
        stream.bit_rate = bit_rate
        _encode_audio(out, stream, tone(seconds), 16000, "mono")
    with av.open(str(path)) as container:
        frames = b"".join(bytes(p) for p in container.demux(container.streams.audio[0]) if p.size)
    return path.read_bytes(), frames


def claim_frames(mp3: bytes, frames: int) -> bytes:
    """The MP3 with its Xing/Info header rewritten to claim `frames` frames and nothing else
    (no byte count, so FFmpeg cannot notice the file holds more)."""
    data = bytearray(mp3)
    at = max(data.find(b"Info"), data.find(b"Xing"))
    assert at > 0, "no Xing/Info header"
    data[at : at + 12] = b"Xing" + (1).to_bytes(4, "big") + frames.to_bytes(4, "big")
    return bytes(data)


def many_channel_wav(path: Path, channels: int, seconds: float, rate: int = 16000) -> Path:
    """A plain PCM WAV (no channel mask) with the same tone on every channel, the way a
    conference desk's multitrack recorder writes one."""
    import wave

    pcm = (tone(seconds, rate) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.repeat(pcm[:, None], channels, axis=1).tobytes())
    return path
