"""Vietnamese transcription: audio decoding, faster-whisper, glossary, hallucination guard.

transcript = transcribe.transcribe_file("meeting.mp3", glossary=Glossary.load("g.txt"))
"""

import ketluan  # noqa: F401  (forces offline mode before any model library loads)
from transcribe.audio import decode, probe
from transcribe.engine import (
    NO_SPEECH,
    NO_SPEECH_HINT,
    LoadedModel,
    TranscribeOptions,
    load_model,
    transcribe_audio,
    transcribe_file,
)
from transcribe.export import FORMATS, export, write_exports
from transcribe.glossary import Glossary, Term
from transcribe.guard import GuardOptions
from transcribe.transcript import AudioInfo, Segment, Speaker, Transcript, Word

__all__ = [
    "FORMATS",
    "NO_SPEECH",
    "NO_SPEECH_HINT",
    "AudioInfo",
    "Glossary",
    "GuardOptions",
    "LoadedModel",
    "Segment",
    "Speaker",
    "Term",
    "TranscribeOptions",
    "Transcript",
    "Word",
    "decode",
    "export",
    "load_model",
    "probe",
    "transcribe_audio",
    "transcribe_file",
    "write_exports",
]
