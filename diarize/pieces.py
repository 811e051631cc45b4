"""Two changes to pyannote's SpeakerDiarization for the CAM++ pipeline (diarize/pipeline.py).

* Local speaker tracks are cut into pieces before embedding. pyannote gives every local
  speaker of a 10 s window (segmentation-3.0 has three) one embedding and one cluster,
  so when the segmentation model keeps two voices on the same track, which it did for
  up to 64% of the track time (median 24%) on our dev mixes, the whole track goes to
  one of them. Each piece here is embedded, clustered and reconstructed by pyannote's
  own code as if it were a local speaker of its own; nothing else changes.
* Agglomerative clustering with a bounded number of embeddings in the distance matrix
  (pieces multiply the embeddings of a long meeting).
"""

from itertools import pairwise

import numpy as np
from pyannote.audio.pipelines import SpeakerDiarization
from pyannote.audio.pipelines.clustering import AgglomerativeClustering
from pyannote.core import SlidingWindowFeature


class PieceDiarization(SpeakerDiarization):
    """SpeakerDiarization whose local tracks are cut into pieces of `piece_s` seconds or more."""

    piece_s: float = 2.0  # 0: no cutting (pyannote's own behaviour)

    def get_segmentations(self, file, hook=None) -> SlidingWindowFeature:
        segmentations = super().get_segmentations(file, hook=hook)
        if self.piece_s <= 0:
            return segmentations
        frames = self._segmentation.model.receptive_field
        return split_tracks(segmentations, max(1, round(self.piece_s / frames.step)))


def split_tracks(segmentations: SlidingWindowFeature, piece: int) -> SlidingWindowFeature:
    """(chunks, frames, speakers) binary activity → (chunks, frames, tracks), where the
    span of each local speaker (first to last active frame) is cut into equal pieces of
    at least `piece` frames; a span shorter than 2 * `piece` stays whole.

    Every active frame lands in exactly one piece, so the per-frame number of active
    tracks (pyannote's speaker count) is unchanged.
    """
    data = np.nan_to_num(segmentations.data)
    chunks, num_frames, speakers = data.shape
    cuts: list[list[tuple[int, int, int]]] = []  # per chunk: (speaker, start, end)
    for c in range(chunks):
        found: list[tuple[int, int, int]] = []
        for k in range(speakers):
            active = np.flatnonzero(data[c, :, k] > 0)
            if len(active) == 0:
                continue
            start, end = int(active[0]), int(active[-1]) + 1
            count = max(1, (end - start) // piece)
            bounds = np.linspace(start, end, count + 1).round().astype(int)
            found.extend((k, int(a), int(b)) for a, b in pairwise(bounds) if data[c, a:b, k].any())
        cuts.append(found)
    tracks = max([speakers, *(len(found) for found in cuts)])
    out = np.zeros((chunks, num_frames, tracks), dtype=data.dtype)
    for c, found in enumerate(cuts):
        for j, (k, a, b) in enumerate(found):
            out[c, a:b, j] = data[c, a:b, k]
    return SlidingWindowFeature(out, segmentations.sliding_window)


class BoundedAgglomerative(AgglomerativeClustering):
    """pyannote's AgglomerativeClustering with at most `max_embeddings` in the linkage."""

    max_embeddings: int = 8000

    def filter_embeddings(self, embeddings, segmentations=None, min_active_ratio: float = 0.2):
        kept, chunk_idx, speaker_idx = super().filter_embeddings(
            embeddings, segmentations=segmentations, min_active_ratio=min_active_ratio
        )
        if len(kept) <= self.max_embeddings:
            return kept, chunk_idx, speaker_idx
        # Evenly spaced in time (rows are in chunk order), so every part of the meeting
        # keeps its share; the rest are assigned to the centroids afterwards.
        pick = np.linspace(0, len(kept) - 1, self.max_embeddings).round().astype(int)
        return kept[pick], chunk_idx[pick], speaker_idx[pick]
