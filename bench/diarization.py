"""Speaker-diarization benchmark on multi-speaker Vietnamese mixes (bench/mixes.py).

    python -m bench.diarization              # test mixes: DER, speaker count, RTF, peak RSS
    python -m bench.diarization --tune       # piece length x clustering grid on the dev mixes
    python -m bench.diarization --long 3     # a 3-hour meeting: peak RSS, RTF, DER

DER is pyannote.metrics' DiarizationErrorRate (overlap scored) with collar 0.25 s and 0.
Dev (tuning, seeds 100-129) and test (seeds 0-9) mixes use different seeds and so
different speaker draws; nothing is tuned on the test mixes.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("KETLUAN_DATA_DIR", str(ROOT / ".data" / "bench"))
# One torch thread: on this shared 2-core machine two OpenMP threads are 4-8x slower than
# one (other processes preempt the spinning threads). Override to measure a quiet machine.
os.environ.setdefault("KETLUAN_DIARIZATION_THREADS", "1")

import ketluan  # noqa: E402,F401
from bench.mixes import Mix, make_mix, voice_names, write_wav  # noqa: E402

SPEAKER_COUNTS = (2, 3, 4, 5, 6, 2, 3, 4, 5, 6)  # mix i has SPEAKER_COUNTS[i % 10] voices
TEST_SEEDS = range(10)
DEV_SEEDS = range(100, 130)
PIECES = (0.0, 1.5, 2.0, 2.5, 3.0)  # seconds; 0 = pyannote's whole local tracks
THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8)
MIN_CLUSTER_SIZES = (3, 8, 12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--tune", action="store_true", help="grid over the clustering threshold (dev mixes)")
    parser.add_argument("--long", type=float, metavar="HOURS", help="one long meeting of HOURS hours")
    parser.add_argument("--minutes", type=float, default=2.0, help="length of each test/dev mix")
    parser.add_argument("--mixes", type=int, default=len(SPEAKER_COUNTS), help="test mixes to run")
    parser.add_argument("--long-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.long_worker:
        return _long_worker(args.long_worker)
    if args.tune:
        return tune(args.minutes)
    if args.long:
        return long_meeting(args.long)
    return evaluate(args.minutes, args.mixes)


def evaluate(minutes: float, mixes: int = len(SPEAKER_COUNTS)) -> None:
    import diarize

    pipe = diarize.load_pipeline()
    _warm_up(pipe)
    prints = _enrolments(pipe)
    genuine, impostor, named = [], [], [0, 0]
    rows, totals = [], {0.25: _Totals(), 0.0: _Totals()}
    audio_s = compute_s = 0.0
    for seed in list(TEST_SEEDS)[:mixes]:
        n = SPEAKER_COUNTS[seed % 10]
        mix = _mix(seed, n, minutes)
        t = time.perf_counter()
        result = diarize.diarize(mix.audio, pipeline=pipe)
        elapsed = time.perf_counter() - t
        audio_s += mix.duration
        compute_s += elapsed
        hyp = result.annotation("mix")
        ders = {c: totals[c].add(mix, hyp, c) for c in totals}
        found = len(result.speakers)
        _score_voiceprints(mix, result, prints, genuine, impostor, named)
        rows.append((seed, n, found, ders[0.25], ders[0.0], elapsed / mix.duration, _overlap(mix)))
        print(
            f"seed {seed}: {n} speakers → {found}; DER {ders[0.25]:.1%} (collar 0.25), "
            f"{ders[0.0]:.1%} (collar 0); RTF {elapsed / mix.duration:.3f}",
            flush=True,
        )
    print()
    print(f"pipeline: {pipe.name}, device {pipe.device}, torch threads {_threads()}")
    print("| mix | speakers | found | DER c=0.25 | DER c=0 | RTF | overlap |")
    print("|---|---|---|---|---|---|---|")
    for seed, n, found, d25, d0, rtf, lap in rows:
        print(f"| {seed} | {n} | {found} | {d25:.1%} | {d0:.1%} | {rtf:.3f} | {lap:.1%} |")
    correct = sum(1 for r in rows if r[1] == r[2])
    print(
        f"\nOverall DER (collar 0.25): {totals[0.25].der:.2%}  "
        f"[confusion {totals[0.25].part('confusion'):.2%}, "
        f"miss {totals[0.25].part('missed detection'):.2%}, "
        f"false alarm {totals[0.25].part('false alarm'):.2%}]"
    )
    print(f"Overall DER (collar 0):    {totals[0.0].der:.2%}")
    print(f"Speaker count correct: {correct}/{len(rows)}")
    print(f"Real-time factor: {compute_s / audio_s:.3f} ({audio_s / 60:.0f} min audio in {compute_s:.0f} s)")
    print(f"Peak RSS: {_peak_rss_mb():.0f} MB")
    from diarize.pipeline import VOICEPRINT_THRESHOLD

    print(
        f"Voiceprints (enrolled from one clip per voice): same speaker cosine "
        f"min {min(genuine):.2f} / median {np.median(genuine):.2f}; other speakers "
        f"max {max(impostor):.2f} / median {np.median(impostor):.2f}; "
        f"clusters named correctly at threshold {VOICEPRINT_THRESHOLD[pipe.embedding_model]}: "
        f"{named[0]}/{named[1]}"
    )


def tune(minutes: float) -> None:
    """Grid over piece length, clustering threshold and min_cluster_size on the dev mixes.

    Per mix, the segmentation and the CAM++ frame features of every 10 s window are
    computed once; each piece length then only re-pools embeddings from those frames
    (as pyannote's get_embeddings would, overlap excluded) and each clustering setting
    re-runs pyannote's clustering and reconstruction on the cached arrays.
    """
    import itertools

    import torch

    import diarize
    from diarize.pieces import split_tracks
    from diarize.pipeline import CAMPPLUS_PARAMS

    pipe = diarize.load_pipeline()
    pipeline = pipe.pipeline
    pipeline.training = True  # pyannote then reads segmentation/embeddings from the file dict
    piece_s = pipeline.piece_s
    pipeline.piece_s = 0  # the grid cuts the tracks itself
    step = pipeline._segmentation.model.receptive_field.step
    grid = list(itertools.product(PIECES, THRESHOLDS, MIN_CLUSTER_SIZES))
    scores = {g: [_Totals(), 0] for g in grid}
    torch.set_flush_denormal(True)
    try:
        for seed in DEV_SEEDS:
            n = SPEAKER_COUNTS[seed % 10]
            mix = _mix(seed, n, minutes)
            wave = {"waveform": torch.from_numpy(mix.audio)[None], "sample_rate": 16000, "uri": "mix"}
            segmentations = pipeline.get_segmentations(dict(wave))
            frames = _window_frames(pipeline, wave, segmentations)
            ref = mix.annotation("mix")
            for piece in PIECES:
                seg = split_tracks(segmentations, round(piece / step)) if piece else segmentations
                emb = _pool_embeddings(pipeline, frames, seg)
                for th, mcs in itertools.product(THRESHOLDS, MIN_CLUSTER_SIZES):
                    params = {k: dict(v) for k, v in CAMPPLUS_PARAMS.items()}
                    params["clustering"] |= {"threshold": th, "min_cluster_size": mcs}
                    pipeline.instantiate(params)
                    file = wave | {
                        "training_cache/segmentation": seg,
                        "training_cache/embeddings": {"embeddings": emb.copy()},
                    }
                    hyp = pipeline.apply(file).speaker_diarization
                    scores[piece, th, mcs][0].add_annotation(ref, hyp, 0.25)
                    scores[piece, th, mcs][1] += len(hyp.labels()) == n
            print(f"dev seed {seed} done", flush=True)
    finally:
        pipeline.piece_s = piece_s
        pipeline.training = False
        pipeline.instantiate(CAMPPLUS_PARAMS)
    print("| piece (s) | threshold | min_cluster_size | DER c=0.25 | confusion | speaker count correct |")
    print("|---|---|---|---|---|---|")
    for (piece, th, mcs), (tot, ok) in scores.items():
        print(f"| {piece:g} | {th:.2f} | {mcs} | {tot.der:.2%} | {tot.part('confusion'):.2%} | {ok}/{len(DEV_SEEDS)} |")


def _window_frames(pipeline, file: dict, segmentations) -> np.ndarray:
    """CAM++ frame features of every segmentation window (chunks, channels, frames)."""
    import torch

    model = pipeline._embedding.model_
    windows = segmentations.sliding_window
    out = []
    with torch.inference_mode():
        for c in range(segmentations.data.shape[0]):
            wave, _ = pipeline._audio.crop(file, windows[c], mode="pad")
            out.append(model.campplus.frames(model.compute_fbank(wave[None]))[0].numpy())
    return np.stack(out)


def _pool_embeddings(pipeline, frames: np.ndarray, segmentations) -> np.ndarray:
    """(chunks, tracks, 192) embeddings from cached frames, as pyannote's get_embeddings
    with embedding_exclude_overlap (same results as the pipeline, to float precision)."""
    import math

    import torch

    model = pipeline._embedding.model_
    data = np.nan_to_num(segmentations.data).astype(np.float32)
    chunks, num_frames, _ = data.shape
    window = segmentations.sliding_window.duration
    min_frames = math.ceil(num_frames * pipeline._embedding.min_num_samples / (window * 16000))
    clean = data * (data.sum(axis=2, keepdims=True) < 2)
    masks = np.where(clean.sum(axis=1, keepdims=True) > min_frames, clean, data)
    out = []
    with torch.inference_mode():
        for c in range(0, chunks, 16):
            weights = torch.from_numpy(masks[c : c + 16].transpose(0, 2, 1).copy())
            stats = model.pool(torch.from_numpy(frames[c : c + 16]), weights=weights)
            out.append(model.campplus.embed(stats).numpy())
    return np.concatenate(out)


def long_meeting(hours: float) -> None:
    """Write an hours-long 6-speaker meeting to disk and diarize it in a fresh process."""
    names = voice_names()[:6]
    print(f"building a {hours:g} h mix of {len(names)} speakers …", flush=True)
    mix = make_mix(names, hours * 3600, seed=500)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_wav(Path(tmp) / "long.wav", mix.audio)
        ref = mix.annotation("long")
        del mix
        print(f"wrote {path.stat().st_size / 1e6:.0f} MB; diarizing …", flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", "bench.diarization", "--long-worker", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
        raise SystemExit(proc.returncode)
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    hyp = Annotation(uri="long")
    for i, (start, end, label) in enumerate(report.pop("turns")):
        hyp[Segment(start, end), i] = label
    der = DiarizationErrorRate(collar=0.25)(ref, hyp)
    print(json.dumps(report | {"der_collar_0.25": round(der, 4)}, indent=2))


def _long_worker(path: Path) -> None:
    import diarize

    t0 = time.perf_counter()
    pipe = diarize.load_pipeline()
    t1 = time.perf_counter()
    result = diarize.diarize(path, pipeline=pipe)
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "audio_hours": round(result.duration / 3600, 3),
                "load_s": round(t1 - t0, 1),
                "diarize_s": round(t2 - t1, 1),
                "rtf": round((t2 - t1) / result.duration, 4),
                "speakers_found": len(result.speakers),
                "peak_rss_mb": round(_peak_rss_mb()),
                "torch_threads": _threads(),
                "turns": [(t.start, t.end, t.speaker) for t in result.turns],
            }
        )
    )


# --- helpers ------------------------------------------------------------


class _Totals:
    def __init__(self) -> None:
        self.components: dict[str, float] = {}

    def add(self, mix: Mix, hyp, collar: float) -> float:
        return self.add_annotation(mix.annotation("mix"), hyp, collar)

    def add_annotation(self, ref, hyp, collar: float) -> float:
        from pyannote.metrics.diarization import DiarizationErrorRate

        detail = DiarizationErrorRate(collar=collar)(ref, hyp, detailed=True)
        for k, v in detail.items():
            self.components[k] = self.components.get(k, 0.0) + v
        return detail["diarization error rate"]

    def part(self, name: str) -> float:
        return self.components.get(name, 0.0) / max(self.components.get("total", 0.0), 1e-9)

    @property
    def der(self) -> float:
        c = self.components
        return (c.get("confusion", 0) + c.get("missed detection", 0) + c.get("false alarm", 0)) / max(
            c.get("total", 0), 1e-9
        )


def _mix(seed: int, n: int, minutes: float) -> Mix:
    rng = np.random.default_rng(seed)
    names = list(rng.choice(voice_names(), size=n, replace=False))
    return make_mix(names, minutes * 60, seed=seed)


def _overlap(mix: Mix) -> float:
    """Share of speech time with two or more speakers."""
    from pyannote.core import Annotation

    ann: Annotation = mix.annotation()
    speech = ann.get_timeline().support().duration()
    overlapped = ann.get_overlap().duration()
    return overlapped / speech if speech else 0.0


def _warm_up(pipe) -> None:
    import diarize

    diarize.diarize(np.zeros(16000 * 5, dtype=np.float32) + 1e-3, pipeline=pipe)


def _enrolments(pipe) -> dict[str, np.ndarray]:
    """One voiceprint per voice, from a single piece of its material (not a mix)."""
    from bench.mixes import speaker_audio
    from diarize.voiceprints import speaker_embedding

    return {v: speaker_embedding(speaker_audio(v)[1], None, pipe) for v in voice_names()}


def _score_voiceprints(mix, result, prints, genuine, impostor, named) -> None:
    """Cosine of each found speaker's centroid with every enrolled voice, and whether
    name_speakers names each found speaker as the voice it mostly is."""
    from pyannote.metrics.diarization import DiarizationErrorRate

    from diarize.voiceprints import Person, Voiceprint, VoiceprintRegistry, name_speakers

    mapping = DiarizationErrorRate().optimal_mapping(mix.annotation("mix"), result.annotation("mix"))

    class Memory(VoiceprintRegistry):
        """The enrolled voices of this run, in memory (the bench keeps nothing on disk)."""

        def __init__(self) -> None:
            self.prints: list[Voiceprint] = []

        def add(self, person, model, vector, source=""):
            vp = Voiceprint(len(self.prints), person, model, vector, source, "")
            self.prints.append(vp)
            return vp

        def list(self, model=None):
            return [vp for vp in self.prints if model is None or vp.model == model]

        def remove(self, voiceprint_id):
            before = len(self.prints)
            self.prints = [vp for vp in self.prints if vp.id != voiceprint_id]
            return len(self.prints) < before

    registry = Memory()
    for v, e in prints.items():
        registry.add(Person(v), result.embedding_model, e)

    speakers = name_speakers(result, registry)
    for label, emb in result.embeddings.items():
        truth = mapping.get(label)
        unit = emb / np.linalg.norm(emb)
        for voice, vec in prints.items():
            sim = float(unit @ (vec / np.linalg.norm(vec)))
            (genuine if voice == truth else impostor).append(sim)
        named[1] += 1
        named[0] += speakers[label].name == truth


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _threads() -> int:
    import torch

    return torch.get_num_threads()


if __name__ == "__main__":
    main()
