"""Recognisers side by side: whisper-base (the default) and viet-asr (opt-in, CPU only).

    python bench/asr_models.py [--models whisper-base,viet-asr] [--minutes 6]

Each model runs in its own process (peak RSS is its own) through `transcribe.transcribe_file`
(VAD, guard; batched decoding for whisper as in the service), on:
- the six vieneu clips (real Vietnamese speech, one file each): WER;
- the same clips joined into one 6-minute recording (bench/asr_speed.py's audio): seconds,
  real-time factor, peak RSS;
- samples/meeting.ogg through drafting.extract (does drafting cope with the text?): tasks
  found against the chair's four (bench/data/extraction_sample).
Not run by the test suite.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="whisper-base,viet-asr")
    ap.add_argument("--minutes", type=float, default=6.0)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    from bench.asr_speed import machine, make_audio

    audio = make_audio(ROOT / ".data" / "bench" / f"speech-{args.minutes:g}min.flac", args.minutes * 60)
    if args.one:
        print(json.dumps(run_model(args.one, audio, args.batch_size), ensure_ascii=False))
        return
    print(f"machine: {machine()}; speed audio: {audio.name}")
    print("| model | WER (6 clips) | seconds / RTF on speech audio | peak RSS | sample meeting: tasks found |")
    print("|---|---|---|---|---|")
    for name in args.models.split(","):
        cmd = [
            sys.executable,
            __file__,
            "--one",
            name,
            "--minutes",
            str(args.minutes),
            "--batch-size",
            str(args.batch_size),
        ]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"| {name} | {r['wer']:.3f} | {r['seconds']:.1f} s / {r['rtf']:.3f} | {r['rss_mb']:.0f} MB "
            f"| {r['tasks']} of 4 ({r['leads']}) |"
        )
        for hyp in r["hyps"]:
            print(f"    {hyp}")


def run_model(name: str, audio: Path, batch_size: int) -> dict:
    import jiwer

    import transcribe
    from bench.extraction import load, score
    from bench.glossary import norm, vieneu_clips
    from drafting import extract
    from drafting.meeting import Meeting
    from transcribe import TranscribeOptions

    model = transcribe.load_model(name, device="cpu", compute_type="int8")
    opts = TranscribeOptions(batch_size=batch_size)
    clips = vieneu_clips()
    hyps = [transcribe.transcribe_file(p, model=model, options=opts).text for p, _ in clips]
    wer = jiwer.wer([norm(r) for _, r in clips], [norm(h) for h in hyps])
    start = time.perf_counter()
    t = transcribe.transcribe_file(audio, model=model, options=opts)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    meeting = Meeting.load(ROOT / "samples" / "meeting.toml")
    sample = transcribe.transcribe_file(ROOT / "samples" / "meeting.ogg", model=model, options=opts)
    found = extract(sample, meeting).tasks
    gold = load(ROOT / "bench" / "data" / "extraction_sample" / "meeting.txt")
    s = score(gold.tasks, found)
    leads = ", ".join("/".join(task.leads) for task in found) or "none"
    return {
        "wer": wer,
        "seconds": seconds,
        "rtf": seconds / t.audio.duration,
        "rss_mb": rss,
        "tasks": s.tp,
        "leads": leads,
        "hyps": hyps,
    }


if __name__ == "__main__":
    main()
