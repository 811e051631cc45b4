"""Speaker diarization, fully offline: who spoke when, and who said which words.

    transcript = diarize.label_speakers("meeting.mp3", transcript, voiceprints=registry)

The voiceprint registry lives in the service database (db.voiceprints.DBVoiceprints,
one per unit); any `diarize.VoiceprintRegistry` works.

Built on pyannote.audio's SpeakerDiarization pipeline from local checkpoints only
(diarize/pipeline.py); telemetry is off (ketluan/offline.py).
"""

import importlib
from typing import TYPE_CHECKING

import ketluan  # noqa: F401  (offline environment before pyannote is imported)

# Public names, imported on first use so that `ketluan --help` does not load torch.
_EXPORTS = {
    "assign_speakers": "diarize.assign",
    "LoadedPipeline": "diarize.pipeline",
    "load_pipeline": "diarize.pipeline",
    "Diarization": "diarize.result",
    "Turn": "diarize.result",
    "apply_diarization": "diarize.speakers",
    "diarize": "diarize.speakers",
    "label_speakers": "diarize.speakers",
    "load_audio": "diarize.speakers",
    "Person": "diarize.voiceprints",
    "Voiceprint": "diarize.voiceprints",
    "VoiceprintRegistry": "diarize.voiceprints",
    "enrol": "diarize.voiceprints",
    "match": "diarize.voiceprints",
    "name_speakers": "diarize.voiceprints",
    "rename_speaker": "diarize.voiceprints",
}
__all__ = [  # noqa: RUF022  (same order as _EXPORTS)
    "assign_speakers",
    "LoadedPipeline",
    "load_pipeline",
    "Diarization",
    "Turn",
    "apply_diarization",
    "diarize",
    "label_speakers",
    "load_audio",
    "Person",
    "Voiceprint",
    "VoiceprintRegistry",
    "enrol",
    "match",
    "name_speakers",
    "rename_speaker",
]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'diarize' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from diarize.assign import assign_speakers
    from diarize.pipeline import LoadedPipeline, load_pipeline
    from diarize.result import Diarization, Turn
    from diarize.speakers import apply_diarization, diarize, label_speakers, load_audio
    from diarize.voiceprints import (
        Person,
        Voiceprint,
        VoiceprintRegistry,
        enrol,
        match,
        name_speakers,
        rename_speaker,
    )
