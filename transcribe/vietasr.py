"""viet-asr: an opt-in Vietnamese recogniser for offices without a GPU (bench/RESULTS.md).

A streaming Conformer in int8 ONNX, embedded in the C library of the viet-asr wheel
(0.1.0.dev11; the package is Apache-2.0, the model's own licence is not stated). Its
limits shape this module:
- no timestamps: segments are the VAD's speech runs, with no words (none are invented);
- it keeps only the last lines of a long input: runs are cut to at most PIECE_SECONDS;
- float input silently gives "": pieces go in as int16;
- lower case, no punctuation: drafting restores sentence ends itself.
"""

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ketluan.errors import ModelError
from transcribe.transcript import Segment, nfc

FORMAT = "vietasr-onnx"  # models/manifest.toml
LIBRARY = "libvietasr.so"
PIECE_SECONDS = 20.0
RATE = 16000


class VietAsr:
    """The library from the model store, with only its recognition module: the presets add
    modules that fetch their models from the network."""

    def __init__(self, folder: Path) -> None:
        library = Path(folder) / LIBRARY
        if not library.is_file():
            raise ModelError(f"Thiếu tệp {LIBRARY} trong {folder}.", "Chạy `ketluan models verify viet-asr`.")
        os.environ["VIETASR_LIBRARY_PATH"] = str(library)  # read when the binding loads
        try:
            import vietasr
        except ImportError:
            raise ModelError(
                "Chưa cài gói Python viet-asr.",
                "Cài bằng: pip install viet-asr==0.1.0.dev11 (xem docs/models.md).",
            ) from None
        try:
            self._pipeline = vietasr.Pipeline.new().add("vietasr").build()
        except RuntimeError as exc:
            raise ModelError(f"Không nạp được viet-asr: {exc}", "Chạy `ketluan models verify viet-asr`.") from exc
        self._lock = threading.Lock()  # one native pipeline: one piece at a time

    def recognise(self, samples: np.ndarray) -> str:
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
        with self._lock:
            return nfc(self._pipeline.transcribe(pcm).text).strip()


def segments(samples: np.ndarray, runs: list[dict], recogniser: VietAsr) -> Iterator[Segment]:
    """One segment per speech run (in samples), each no longer than PIECE_SECONDS."""
    step = int(PIECE_SECONDS * RATE)
    for run in runs:
        for start in range(run["start"], run["end"], step):
            end = min(start + step, run["end"])
            text = recogniser.recognise(samples[start:end])
            if text:
                yield Segment(id=0, start=round(start / RATE, 3), end=round(end / RATE, 3), text=text)
