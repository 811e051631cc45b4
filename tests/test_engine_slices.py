"""How long audio is cut up before decoding (no model needed)."""

import itertools

import numpy as np

from transcribe import engine
from transcribe.audio import SAMPLE_RATE


def test_slices_cover_everything_and_cut_in_silence() -> None:
    rng = np.random.default_rng(1)
    seconds = 3600
    audio = (0.3 * rng.standard_normal(seconds * SAMPLE_RATE)).astype(np.float32)
    quiet = [1190, 2410]  # one short pause near each 20-minute mark
    for q in quiet:
        audio[q * SAMPLE_RATE : (q + 1) * SAMPLE_RATE] = 0.0
    slices = engine._slices(audio, every=1200, search=60)
    assert slices[0][0] == 0 and slices[-1][1] == len(audio)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(slices))
    cuts = [b for _, b in slices[:-1]]
    assert len(cuts) == 2
    for cut, q in zip(cuts, quiet, strict=True):
        assert q * SAMPLE_RATE <= cut <= (q + 1) * SAMPLE_RATE


def test_short_audio_is_one_slice() -> None:
    audio = np.zeros(10 * 60 * SAMPLE_RATE, np.float32)
    assert engine._slices(audio) == [(0, len(audio))]


def test_windows_pack_speech_runs_within_30_seconds() -> None:
    runs = [{"start": s * SAMPLE_RATE, "end": (s + 8) * SAMPLE_RATE} for s in (0, 10, 20, 40, 100)]
    windows = engine._windows(runs, SAMPLE_RATE)
    assert windows == [{"start": 0.0, "end": 28.0}, {"start": 40.0, "end": 48.0}, {"start": 100.0, "end": 108.0}]
    assert all(w["end"] - w["start"] <= 30 for w in windows)


def test_speech_is_found_piece_by_piece_on_the_meeting_time_line() -> None:
    calls: list[int] = []

    def detect(piece, _vad):  # stands in for Silero: one run in the middle of each piece
        calls.append(len(piece))
        return [{"start": 100, "end": len(piece) - 100}]

    audio = np.zeros(25 * 60 * SAMPLE_RATE, np.float32)
    runs = engine._speech(audio, None, detect, piece_seconds=600)
    step = 600 * SAMPLE_RATE
    assert calls == [step, step, len(audio) - 2 * step]
    assert runs == [
        {"start": 100, "end": step - 100},
        {"start": step + 100, "end": 2 * step - 100},
        {"start": 2 * step + 100, "end": len(audio) - 100},
    ]
