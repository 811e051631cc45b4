"""The end-to-end chain: audio → transcript → speakers → notice.

A plain function with a progress callback, so the CLI, the API and the worker share it:

    result = process("meeting.ogg", meeting, "out/", progress=lambda stage, f: ...)

Stages: "transcribing", "diarizing", "drafting" (as in the job states), fraction 0–1.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from time import monotonic
from typing import TypeVar

import diarize
import drafting
import transcribe
from drafting import llm as drafting_llm
from drafting.gazetteer import Gazetteer
from drafting.meeting import Meeting
from drafting.model import Conclusion
from ketluan.errors import ModelError
from ketluan.settings import Settings, get_settings
from transcribe.engine import LoadedModel
from transcribe.transcript import Transcript

Progress = Callable[[str, float], None]
EXPORTS = ["json", "txt", "srt", "vtt"]
T = TypeVar("T")


@dataclass
class ProcessResult:
    transcript: Transcript
    conclusion: Conclusion
    paths: list[Path] = field(default_factory=list)
    diarized: bool = False
    warnings: list[str] = field(default_factory=list)
    # Wall-clock seconds per stage ("transcribing", "diarizing", "drafting") and the audio's
    # length, so a run can say its real-time factor (bench/gpu_check.sh reads these).
    seconds: dict[str, float] = field(default_factory=dict)
    audio_seconds: float = 0.0


def process(
    audio: str | Path,
    meeting: Meeting,
    out_dir: str | Path,
    model: str | LoadedModel | None = None,
    progress: Progress | None = None,
    template: str | Path | None = None,
    diarize_speakers: bool = True,
    batch_size: int | None = None,
) -> ProcessResult:
    """Transcribe, label speakers if possible, draft; write every output into out_dir."""
    audio, out = Path(audio), Path(out_dir)
    seconds: dict[str, float] = {}
    started: dict[str, float] = {}

    def report(stage: str, fraction: float) -> None:
        if fraction == 0.0:
            started.setdefault(stage, monotonic())
        elif fraction == 1.0 and stage in started:
            seconds[stage] = monotonic() - started[stage]
        if progress:
            progress(stage, fraction)

    settings = get_settings()
    glossary = transcribe.Glossary.load(meeting.glossary) if meeting.glossary else None
    transcribe.probe(audio)  # fail fast on bad audio, before loading a model
    report("transcribing", 0.0)
    options = transcribe.TranscribeOptions.from_settings(settings, batch_size)
    transcript = transcribe.transcribe_file(
        audio, model=model, glossary=glossary, options=options, progress=lambda f: report("transcribing", f)
    )
    transcript.meeting = meeting.to_dict()
    report("transcribing", 1.0)
    warnings: list[str] = []
    diarized = False
    if diarize_speakers:
        report("diarizing", 0.0)
        transcript, diarized, warning = _diarize(audio, transcript)
        if warning:
            warnings.append(warning)
        report("diarizing", 1.0)
    report("drafting", 0.0)
    warnings += drafting.check_meeting(meeting)
    paths = transcribe.write_exports(transcript, out, audio.stem, EXPORTS)
    conclusion, drafted = draft(transcript, meeting, out / "notice.docx", template, settings)
    warnings += conclusion.notes
    report("drafting", 1.0)
    return ProcessResult(
        transcript, conclusion, [*paths, *drafted], diarized, warnings, seconds, transcript.audio.duration
    )


def draft(
    transcript: Transcript,
    meeting: Meeting,
    notice: Path,
    template: str | Path | None = None,
    settings: Settings | None = None,
) -> tuple[Conclusion, list[Path]]:
    """The conclusion, written as `notice`, minutes.docx and conclusion.json beside it.

    The settings are read here, once: the office's gazetteer, the LLM client (None: the rules
    alone) and the page style are built from them and passed to drafting, which reads none.
    """
    settings = settings or get_settings()
    gazetteer = Gazetteer.load(settings.gazetteer_file, meeting.glossary)
    conclusion = drafting.extract(transcript, meeting, gazetteer=gazetteer, llm=drafting_llm.from_settings(settings))
    page = drafting.PageStyle.from_settings(settings)
    notice.parent.mkdir(parents=True, exist_ok=True)
    drafting.render_notice(conclusion, meeting, template=template, page=page).save(notice)
    minutes = notice.parent / "minutes.docx"
    drafting.render_minutes(transcript, meeting, conclusion, page=page).save(minutes)
    concl = notice.parent / "conclusion.json"
    conclusion.save(concl)
    return conclusion, [notice, minutes, concl]


def _diarize(audio: Path, transcript: Transcript) -> tuple[Transcript, bool, str]:
    """Speaker labels; without the diarization models, the notice is drafted without them."""
    labelled, warning = unless_models_missing(lambda: diarize.label_speakers(audio, transcript))
    return (transcript, False, warning) if labelled is None else (labelled, True, "")


def unless_models_missing(diarization: Callable[[], T]) -> tuple[T | None, str]:
    """Run a diarization step, or return (None, the note saying it was skipped) when its models
    are not installed: the meeting is transcribed and drafted without speakers rather than
    failing. The one place this rule lives (the in-process chain and the worker's gpu stage)."""
    try:
        return diarization(), ""
    except ModelError as exc:
        return None, f"Bỏ qua bước phân biệt người nói: {exc}"
