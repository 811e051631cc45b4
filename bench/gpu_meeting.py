"""A synthetic meeting of a given length for speed checks (bench/gpu_check.sh).

Six real voices talk in turns (bench/mixes.py: the vieneu speakers and two espeak-ng
voices, with overlaps), then the sample meeting (samples/meeting.ogg, which holds the
chair's conclusion) closes it, so the drafting stage has something to find. Written as
Ogg/Opus, about 15 MB an hour, so it can travel to a machine without these voices.

    python -m bench.gpu_meeting out/meeting-1h.ogg --hours 1
"""

import argparse
from pathlib import Path

import av
import numpy as np

from bench.mixes import SAMPLE_RATE, make_mix, voice_names
from transcribe.audio import decode

ROOT = Path(__file__).resolve().parents[1]
CLOSING = ROOT / "samples" / "meeting.ogg"


def build(path: Path, hours: float, seed: int = 500) -> Path:
    closing = decode(CLOSING)
    talk = max(60.0, hours * 3600 - len(closing) / SAMPLE_RATE)
    mix = make_mix(voice_names()[:6], talk, seed=seed)
    audio = np.concatenate([mix.audio, np.zeros(SAMPLE_RATE, np.float32), closing])
    return write_opus(path, audio)


def write_opus(path: Path, audio: np.ndarray, bitrate: int = 32000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = 48000  # Opus runs at 48 kHz; the decoder resamples back to 16 kHz
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=rate, layout="mono")
        stream.bit_rate = bitrate
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        step = SAMPLE_RATE * 60
        for i in range(0, len(audio), step):
            pcm = (np.clip(audio[i : i + step], -1, 1) * 32767).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            for f in resampler.resample(frame):
                for packet in stream.encode(f):
                    out.mux(packet)
        for f in resampler.resample(None):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--hours", type=float, default=1.0)
    args = ap.parse_args()
    path = build(args.path, args.hours)
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
