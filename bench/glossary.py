"""Does the office glossary help recognition, or hurt it?

    python bench/glossary.py [--glossary samples/glossary.txt] [--batch-size 8] [--modes ...]

Two sets, built under .data/bench/glossary/ on first use:
- "lacking": real speech that mentions no glossary term: the six vieneu clips alone, and
  the six pairs of consecutive clips joined by a 0.8 s pause (12 items).
- "spoken": each glossary term said by several espeak-ng voices (100 words/min) in a short
  carrier sentence ("Giao Sở Xây dựng chủ trì thực hiện."), followed after a 0.6 s pause by
  a real vieneu clip, so every item mixes a spoken term with real speech. (Term last, the
  batched decoder often stopped after the clear real voice and dropped the synthetic part.)

For each way of using the glossary it prints WER on both sets, how many glossary terms
were written into speech that lacks them (echoes), and how many of the spoken terms came
out exactly (case and punctuation aside). Not run by the test suite.
"""

import argparse
import importlib.util
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south", "vi+f3")
CARRIERS = {  # by term kind
    "unit": "Giao {} chủ trì thực hiện.",
    "person": "Mời đồng chí {} phát biểu.",
    "title": "Xin ý kiến đồng chí {}.",
    "term": "Về nội dung {}.",
}
# "none": no glossary at all; "always", "never": TranscribeOptions.glossary_prompt. A third
# way, "heard" (hotwords only in a second decode of segments whose first pass looked like a
# term), was measured at commit 13edf6d and removed: no gain, twice the time (RESULTS.md).
MODES = ("none", "always", "never")


@dataclass
class Item:
    audio: Path
    ref: str
    term: str | None = None  # the glossary term said in it, if any


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--glossary", default=str(ROOT / "samples" / "glossary.txt"))
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--show", action="store_true", help="print every hypothesis")
    args = ap.parse_args()

    import transcribe
    from transcribe import Glossary

    glossary = Glossary.load(args.glossary)
    work = ROOT / ".data" / "bench" / "glossary"
    lacking, spoken = lacking_set(work / "lacking"), spoken_set(work / "spoken", glossary)
    model = transcribe.load_model("whisper-base", device="cpu", compute_type="int8")
    print(
        f"glossary: {args.glossary} ({len(glossary.terms)} terms); "
        f"lacking: {len(lacking)} items, spoken: {len(spoken)} items; batch {args.batch_size}"
    )
    print(
        "| mode | WER lacking | echoed terms (lacking) | WER spoken | spoken terms right "
        "| other terms echoed (spoken) | seconds |"
    )
    print("|---|---|---|---|---|---|---|")
    for mode in args.modes.split(","):
        start = time.perf_counter()
        a = run(model, lacking, glossary, mode, args)
        b = run(model, spoken, glossary, mode, args)
        seconds = time.perf_counter() - start
        right = sum(1 for item, hyp in zip(spoken, b.hyps, strict=True) if has(hyp, item.term))
        others = sum(echoes(hyp, glossary, item.term) for item, hyp in zip(spoken, b.hyps, strict=True))
        lack_echo = sum(echoes(hyp, glossary, None) for hyp in a.hyps)
        print(
            f"| {mode} | {a.wer:.3f} | {lack_echo} | {b.wer:.3f} | {right}/{len(spoken)} | {others} | {seconds:.0f} |"
        )
        if args.show:
            for item, hyp in zip(lacking + spoken, a.hyps + b.hyps, strict=True):
                print(f"    {item.audio.stem}: {hyp}")


@dataclass
class Run:
    hyps: list[str]
    wer: float


def run(model, items: list[Item], glossary, mode: str, args) -> Run:
    import jiwer

    import transcribe
    from transcribe import TranscribeOptions

    opts = TranscribeOptions(batch_size=args.batch_size, glossary_prompt="always" if mode == "always" else "never")
    hyps = []
    for item in items:
        t = transcribe.transcribe_file(
            item.audio, model=model, options=opts, glossary=None if mode == "none" else glossary
        )
        hyps.append(t.text)
    refs = [norm(i.ref) for i in items]
    return Run(hyps, jiwer.wer(refs, [norm(h) for h in hyps]))


def has(text: str, term: str | None) -> bool:
    return term is not None and f" {norm(term)} " in f" {norm(text)} "


def echoes(text: str, glossary, said: str | None) -> int:
    """Glossary terms written in `text` that were not said (a term inside a longer said
    term, "Thường trực Tỉnh ủy" in "Phó Bí thư Thường trực Tỉnh ủy", does not count)."""
    key = f" {norm(text)} "
    if said:
        key = key.replace(f" {norm(said)} ", " ")
    return sum(key.count(f" {norm(t.text)} ") for t in glossary.terms)


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def vieneu_clips() -> list[tuple[Path, str]]:
    folder = Path(next(iter(importlib.util.find_spec("vieneu").submodule_search_locations)))
    clips = sorted((folder / "assets" / "samples").glob("*.wav"))
    return [(c, c.with_suffix(".txt").read_text(encoding="utf-8").strip()) for c in clips]


def lacking_set(folder: Path) -> list[Item]:
    from transcribe.audio import decode

    clips = vieneu_clips()
    items = [Item(path, ref) for path, ref in clips]
    folder.mkdir(parents=True, exist_ok=True)
    for k, (path, ref) in enumerate(clips):
        nxt, nref = clips[(k + 1) % len(clips)]
        out = folder / f"pair{k}.wav"
        if not out.exists():
            write_wav(out, [decode(path), silence(0.8), decode(nxt)])
        items.append(Item(out, f"{ref} {nref}"))
    return items


def spoken_set(folder: Path, glossary) -> list[Item]:
    from transcribe.audio import decode

    clips = vieneu_clips()
    folder.mkdir(parents=True, exist_ok=True)
    items = []
    n = 0
    for voice in VOICES:
        for term in glossary.terms:
            path, ref = clips[n % len(clips)]
            n += 1
            sentence = CARRIERS.get(term.kind, CARRIERS["term"]).format(term.text)
            out = folder / f"{voice.replace('+', '_')}-{n:02d}.wav"
            if not out.exists():
                write_wav(out, [silence(0.3), speak(sentence, voice), silence(0.6), decode(path)])
            items.append(Item(out, f"{sentence} {ref}", term.text))
    return items


def speak(text: str, voice: str):
    from transcribe.audio import decode

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "tts.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "100", "-w", str(raw), text], check=True)
        return decode(raw)


def silence(seconds: float):
    import numpy as np

    return np.zeros(int(seconds * 16000), np.float32)


def write_wav(path: Path, parts: list) -> None:
    import wave

    import numpy as np

    audio = np.concatenate(parts)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes())


if __name__ == "__main__":
    main()
