"""The pyannote.audio speaker-diarization pipeline, from the local model store only.

Two ways to build it, chosen by `Settings.diarization_pipeline`:

* ``community-1``: pyannote/speaker-diarization-community-1 loaded from its folder in
  the model store (segmentation + WeSpeaker embedding + PLDA/VBx), when an office has
  installed it from removable media.
* ``campplus`` (the default when community-1 is absent): pyannote's own
  ``SpeakerDiarization`` pipeline composed of the segmentation-3.0 checkpoint, the
  CAM++ speaker embedding (diarize/campplus.py) and pyannote's agglomerative
  clustering, with hyperparameters tuned on our Vietnamese dev mixes
  (bench/diarization.py); local speaker tracks are cut into pieces of 2 s or more
  before embedding (diarize/pieces.py).

Either way the pipeline runs on an in-memory waveform (decoded by transcribe.audio),
never opens a file itself and never touches the network. It is built once per
process and device.
"""

import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

import ketluan  # noqa: F401  (offline environment before pyannote is imported)
from ketluan.errors import ModelError
from ketluan.settings import get_settings
from models import default_store

if TYPE_CHECKING:
    from pyannote.audio.pipelines import SpeakerDiarization

SAMPLE_RATE = 16000
COMMUNITY = "speaker-diarization-community-1"
SEGMENTATION = "pyannote-segmentation-3.0"
EMBEDDING = "campplus-zh-en"

# Tuned on the 30 dev mixes of bench/diarization.py (seeds 100-129, 2 min each, 2-6
# speakers) together with TRACK_PIECE_S, see bench/RESULTS.md: DER 4.3%, speaker count
# right on 22/30; 0.8 merges two similar voices, min_cluster_size 12 (pyannote 3.1)
# folds a speaker with little speech into another.
CAMPPLUS_PARAMS: dict[str, dict[str, float | str]] = {
    "segmentation": {"min_duration_off": 0.0},
    "clustering": {"method": "centroid", "min_cluster_size": 8, "threshold": 0.7},
}
# segmentation-3.0 often keeps two similar voices on one local track of a 10 s window
# (dev mixes: up to 64% of the track time, median 24%), and a track gets a
# single embedding and a single cluster. Cutting each track into pieces of at least this
# many seconds, each embedded and clustered on its own, took the dev DER from 12.1% to
# 4.3% (shorter pieces miss pyannote's 2 s clean-speech bar for clustering); the 1 s
# window step lets the pieces' boundaries fall at different times in the overlapping
# windows, so a change of speaker is still located to the frame.
TRACK_PIECE_S = 2.0
# Agglomerative clustering keeps a pairwise distance matrix: at most this many
# embeddings go into it (evenly spaced in time); the others are then assigned to the
# nearest centroid like every embedding is.
MAX_CLUSTERED_EMBEDDINGS = 8000
# Cosine similarity above which a cluster is taken to be an enrolled person. CAM++:
# same voice 0.76 or more (median 0.89), other voices at most 0.59 on the test mixes
# (bench/RESULTS.md).
# community-1's WeSpeaker embedding was not measured (not installed here): same value.
VOICEPRINT_THRESHOLD = {EMBEDDING: 0.7, COMMUNITY: 0.7}

Progress = Callable[[float], None]


@dataclass
class LoadedPipeline:
    """A ready pipeline and what voiceprints made with it are comparable to."""

    pipeline: "SpeakerDiarization"  # or diarize.pieces.PieceDiarization, a subclass
    name: str  # "campplus" or COMMUNITY
    embedding_model: str  # voiceprints are only compared within one embedding model
    device: torch.device
    max_chunks: int
    lock: threading.Lock

    def run(
        self,
        waveform: np.ndarray,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        progress: Progress | None = None,
    ):
        """Apply the pipeline to mono 16 kHz float32 samples → pyannote DiarizeOutput."""
        duration = len(waveform) / SAMPLE_RATE
        audio = {
            "waveform": torch.from_numpy(np.ascontiguousarray(waveform, dtype=np.float32))[None],
            "sample_rate": SAMPLE_RATE,
            "uri": "audio",
        }
        with self.lock, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyannote warns on short files and speaker bounds
            # The LSTM of the segmentation model meets denormal floats in near-silence and
            # slows down 10-20x on CPU without this (measured: 18.8 s → 2.0 s per minute).
            torch.set_flush_denormal(True)
            self._bound_chunks(duration)
            return self.pipeline(
                audio,
                num_speakers=num_speakers,
                min_speakers=min_speakers,
                max_speakers=max_speakers,
                hook=_hook(progress) if progress else None,
            )

    def _bound_chunks(self, duration: float) -> None:
        """Widen the sliding-window step on long audio so the number of chunks (and with
        it the embeddings, the clustering distance matrix and the reconstruction arrays)
        stays under `max_chunks`, whatever the length of the meeting."""
        inference = self.pipeline._segmentation
        window = inference.duration
        base = self.pipeline.segmentation_step * window
        inference.step = max(base, duration / self.max_chunks)


def load_pipeline(name: str | None = None, device: str | None = None) -> LoadedPipeline:
    """The diarization pipeline for this process (built on first use, then cached)."""
    settings = get_settings()
    name = name or settings.diarization_pipeline
    torch_device = _device(device or settings.device)
    key = (name, str(torch_device))
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = _build(name, torch_device, settings)
        return _CACHE[key]


_CACHE: dict[tuple[str, str], LoadedPipeline] = {}
_CACHE_LOCK = threading.Lock()


def _build(name: str, device: torch.device, settings) -> LoadedPipeline:
    store = default_store()
    if name not in ("auto", "community-1", "campplus"):
        raise ModelError(
            f"Không có quy trình phân tách người nói '{name}'.",
            "Chọn một trong: auto, community-1, campplus (KETLUAN_DIARIZATION_PIPELINE).",
        )
    if name == "community-1" or (name == "auto" and store.get(COMMUNITY) is not None):
        pipeline = _community(store.resolve(COMMUNITY, "diarization"))
        label, embedding = COMMUNITY, COMMUNITY
    else:
        pipeline = _campplus(
            store.resolve(SEGMENTATION, "segmentation"),
            store.resolve(EMBEDDING, "embedding"),
            settings.diarization_threshold,
        )
        label, embedding = "campplus", EMBEDDING
    if settings.diarization_threads > 0:
        torch.set_num_threads(settings.diarization_threads)
    pipeline.to(device)
    return LoadedPipeline(
        pipeline=pipeline,
        name=label,
        embedding_model=embedding,
        device=device,
        max_chunks=max(100, settings.diarization_max_chunks),
        lock=threading.Lock(),
    )


def _campplus(segmentation_dir: Path, embedding_dir: Path, threshold: float) -> "SpeakerDiarization":
    from pyannote.audio import Model
    from pyannote.audio.core.plda import PLDA

    from diarize.campplus import CAMPPlusEmbedding
    from diarize.pieces import BoundedAgglomerative, PieceDiarization

    class NoPLDA(PLDA):
        """SpeakerDiarization insists on a PLDA; agglomerative clustering uses none."""

        def __init__(self) -> None:
            pass

    segmentation = Model.from_pretrained(str(segmentation_dir / "pytorch_model.bin"), strict=False)
    if segmentation is None:
        raise ModelError(
            f"Không nạp được mô hình phân đoạn người nói từ {segmentation_dir}.",
            "Chạy `ketluan models verify` rồi cài lại.",
        )
    embedding = CAMPPlusEmbedding.from_checkpoint(embedding_dir / "campplus_cn_en_common.pt")
    pipeline = PieceDiarization(
        segmentation=segmentation,
        embedding=embedding,
        plda=NoPLDA(),
        clustering="AgglomerativeClustering",
        embedding_exclude_overlap=True,
        # The CAM++ wrapper computes each chunk's frames once for all its tracks.
        embedding_batch_size=24,
        segmentation_batch_size=32,
    )
    pipeline.piece_s = TRACK_PIECE_S
    pipeline.clustering = BoundedAgglomerative(metric="cosine")
    pipeline.clustering.max_embeddings = MAX_CLUSTERED_EMBEDDINGS
    params = {k: dict(v) for k, v in CAMPPLUS_PARAMS.items()}
    if threshold > 0:
        params["clustering"]["threshold"] = threshold
    pipeline.instantiate(params)
    return pipeline


def _community(folder: Path) -> "SpeakerDiarization":
    from pyannote.audio import Pipeline
    from pyannote.audio.pipelines import SpeakerDiarization

    hint = (
        "Chạy `ketluan models verify`, cài lại từ USB (docs/diarization.md), hoặc đặt "
        "KETLUAN_DIARIZATION_PIPELINE=campplus."
    )
    try:
        pipeline = Pipeline.from_pretrained(str(folder))
    except Exception as exc:  # a damaged or foreign config.yaml fails in many ways
        raise ModelError(f"Không nạp được quy trình {COMMUNITY} từ {folder} ({type(exc).__name__}).", hint) from exc
    if not isinstance(pipeline, SpeakerDiarization):  # None, or another kind of pipeline
        raise ModelError(f"Không nạp được quy trình {COMMUNITY} từ {folder}.", hint)
    return pipeline


def _device(spec: str) -> torch.device:
    if spec == "cuda" or (spec == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise ModelError(
                "Đã chọn GPU (cuda) nhưng máy này không có GPU dùng được.",
                "Đặt KETLUAN_DEVICE=cpu hoặc cài torch bản CUDA (docs/diarization.md).",
            )
        return torch.device("cuda")
    return torch.device("cpu")


def _hook(progress: Progress) -> Callable:
    """Turn pyannote's step hook into one fraction: segmentation ≈ 25%, embeddings ≈ 70%."""
    spans = {"segmentation": (0.0, 0.25), "embeddings": (0.25, 0.95)}

    def hook(step: str, artefact, file=None, total=None, completed=None) -> None:
        if step in spans and total and completed is not None:
            lo, hi = spans[step]
            progress(lo + (hi - lo) * min(1.0, completed / total))

    return hook
