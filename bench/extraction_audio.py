"""End to end: the chair's spoken remarks → espeak-ng speech → ketluan process → tasks.

Each dev notice's spoken text is synthesized one sentence at a time (espeak-ng -v vi, 110
words/min), encoded as Ogg Opus, run through services.pipeline.process (whisper-base, batched,
no diarization) and scored against the gold tasks like bench/extraction.py.

    python bench/extraction.py --audio        # or: python bench/extraction_audio.py [n01 n05]
    python bench/extraction_audio.py --sample # the README demo meeting
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

NAMES = ["n01", "n04", "n07", "n10"]  # two tuned on, two held out; ~1 min of speech each


def synthesize(text: str, out: Path) -> Path:
    import make_sample

    parts = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, sentence in enumerate(s for s in text.replace("\n", " ").split(". ") if s.strip()):
            wav = Path(tmp) / f"s{k}.wav"
            parts.append(make_sample.speak(sentence.strip(" .") + ".", "vi", 110, 50, wav))
            parts.append(np.zeros(8000, np.float32))
    make_sample.write_ogg(out, np.concatenate(parts))
    return out


def main(notices=None, names=None) -> None:
    from bench.extraction import DATA, Score, load, meeting_for, score
    from services.pipeline import process

    names = names or NAMES
    notices = [n for n in (notices or [load(p) for p in sorted(DATA.glob("*.txt"))]) if n.name in names]
    total = Score()
    seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for n in notices:
            audio = synthesize(n.spoken, Path(tmp) / f"{n.name}.ogg")
            started = time.monotonic()
            result = process(audio, meeting_for(n), Path(tmp) / n.name, batch_size=4, diarize_speakers=False)
            seconds += time.monotonic() - started
            s = score(n.tasks, result.conclusion.tasks)
            total.add(s)
            print(
                f"{n.name} ({n.split}): {s.tp} of {len(n.tasks)} tasks found, {s.fp} extra, "
                f"{result.transcript.audio.duration:.0f} s of audio"
            )
    lead = total.lead_ok / total.tp if total.tp else 0.0
    dl = total.deadline_ok / total.tp if total.tp else 0.0
    print(
        f"\naudio end to end: P {total.p:.2f} R {total.r:.2f} F1 {total.f1:.2f}, "
        f"lead acc. {lead:.2f}, deadline acc. {dl:.2f} ({seconds:.0f} s processing)"
    )


def sample() -> None:
    """The demo: samples/meeting.ogg through `process`, scored against its chair's four tasks."""
    from bench.extraction import ROOT as R
    from bench.extraction import load, score
    from drafting.meeting import Meeting
    from services.pipeline import process

    gold = load(R / "bench" / "data" / "extraction_sample" / "meeting.txt")
    meeting = Meeting.load(R / "samples" / "meeting.toml")
    with tempfile.TemporaryDirectory() as tmp:
        result = process(R / "samples" / "meeting.ogg", meeting, tmp, batch_size=4, diarize_speakers=False)
    s = score(gold.tasks, result.conclusion.tasks)
    print(
        f"sample meeting: {s.tp} of {len(gold.tasks)} tasks found, {s.fp} extra; "
        f"leads right {s.lead_ok}/{s.tp}, deadlines right {s.deadline_ok}/{s.tp}"
    )
    for e in s.errors:
        print("   ", e)


if __name__ == "__main__":
    if sys.argv[1:] == ["--sample"]:
        sample()
    else:
        main(names=sys.argv[1:] or None)
