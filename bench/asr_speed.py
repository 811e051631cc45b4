"""ASR speed: bare faster-whisper vs ketluan's pipeline, sequential and batched.

    python bench/asr_speed.py [--minutes 6] [--batch-size 8] [--hours-rss 0]

Each variant runs in its own process on the same audio (real Vietnamese speech:
the vieneu clips, shuffled and joined with pauses) so that peak RSS is its own.
Prints real-time factors (processing seconds / audio seconds), the ratios
between them and peak RSS. With --hours-rss N it also runs the batched pipeline
on an N-hour file and reports its peak RSS. Not run by the test suite.
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_START = f"{os.getloadavg()[0]:.2f}"
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=6.0)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--hours-rss", type=float, default=0.0)
    ap.add_argument("--repeat", type=int, default=2, help="interleaved rounds; the fastest counts")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--audio", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, Path(args.audio), args.batch_size, args.device)))
        return

    work = ROOT / ".data" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    audio = make_audio(work / f"speech-{args.minutes:g}min.flac", args.minutes * 60)
    print(f"audio: {audio.name}, {args.minutes:g} min; machine: {machine()}")
    variants = ("bare", "sequential", "batched")
    runs: dict[str, list[dict]] = {v: [] for v in variants}
    for _ in range(args.repeat):  # interleaved, so a busy spell on the machine hits all alike
        for variant in variants:
            runs[variant].append(child(variant, audio, args))
    results = {v: min(rs, key=lambda r: r["seconds"]) for v, rs in runs.items()}
    print(f"load average before/after: {LOAD_START} / {os.getloadavg()[0]:.2f}")
    for variant in variants:
        r = results[variant]
        all_s = ", ".join(f"{x['seconds']:.1f}" for x in runs[variant])
        print(
            f"{variant:>10}: {r['seconds']:7.1f} s  RTF {r['rtf']:.3f}  peak RSS {r['rss_mb']:.0f} MB"
            f"  segments {r['segments']}  (runs: {all_s} s)"
        )
    bare, seq, bat = (results[k]["seconds"] for k in ("bare", "sequential", "batched"))
    print(f"pipeline overhead vs bare: {100 * (seq / bare - 1):+.1f}%  (goal ≤ +10%)")
    print(f"batched speed-up vs sequential: {seq / bat:.2f}x  (goal ≥ 1.5x)")
    if args.hours_rss:
        long_audio = make_audio(work / f"speech-{args.hours_rss:g}h.flac", args.hours_rss * 3600)
        r = child("batched", long_audio, args)
        print(
            f"{args.hours_rss:g} h batched: {r['seconds']:.0f} s  RTF {r['rtf']:.3f}  "
            f"peak RSS {r['rss_mb']:.0f} MB  (goal < 2500 MB)"
        )


def child(variant: str, audio: Path, args: argparse.Namespace) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--variant",
        variant,
        "--audio",
        str(audio),
        "--batch-size",
        str(args.batch_size),
        "--device",
        args.device,
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_variant(variant: str, audio: Path, batch_size: int, device: str) -> dict:
    import transcribe
    from transcribe import TranscribeOptions

    compute = "float16" if device == "cuda" else "int8"
    loaded = transcribe.load_model("whisper-base", device=device, compute_type=compute)
    opts = TranscribeOptions(batch_size=batch_size if variant == "batched" else 1)
    start = time.perf_counter()
    if variant == "bare":
        from faster_whisper import decode_audio
        from faster_whisper.vad import VadOptions

        samples = decode_audio(str(audio))
        segments, _ = loaded.whisper.transcribe(
            samples,
            language="vi",
            beam_size=opts.beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=True,
            vad_parameters=VadOptions(min_silence_duration_ms=opts.vad_min_silence_ms),
        )
        count = len(list(segments))
        duration = len(samples) / 16000
    else:
        t = transcribe.transcribe_file(audio, model=loaded, options=opts)
        count, duration = len(t.segments), t.audio.duration
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rtf": seconds / duration, "rss_mb": rss, "segments": count}


def make_audio(path: Path, seconds: float) -> Path:
    """Real speech: the six vieneu clips in shuffled order, joined by 0.3-1.5 s pauses."""
    if path.exists():
        return path
    import importlib.util

    import av
    import numpy as np

    from transcribe.audio import decode

    folder = Path(next(iter(importlib.util.find_spec("vieneu").submodule_search_locations)))
    clips = [decode(p) for p in sorted((folder / "assets" / "samples").glob("*.wav"))]
    rng = random.Random(7)
    rate = 16000
    total = int(seconds * rate)
    out = av.open(str(path), "w", format="flac")
    stream = out.add_stream("flac", rate=rate, layout="mono")
    written = 0
    while written < total:
        order = clips[:]
        rng.shuffle(order)
        for clip in order:
            pause = np.zeros(int(rng.uniform(0.3, 1.5) * rate), np.float32)
            piece = np.concatenate([clip, pause])[: total - written]
            frame = av.AudioFrame.from_ndarray(
                (piece * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono"
            )
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
            written += len(piece)
            if written >= total:
                break
    for packet in stream.encode(None):
        out.mux(packet)
    out.close()
    return path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
