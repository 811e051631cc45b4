"""Speaker diarization with pyannote.audio from local checkpoints (see issue: diarization)."""

import ketluan  # noqa: F401  (offline mode and no telemetry before pyannote loads)
