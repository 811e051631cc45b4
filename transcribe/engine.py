"""Vietnamese speech recognition with faster-whisper.

One entry point, :func:`transcribe_file`, built on a generator,
:func:`transcribe_audio`, that yields cleaned segments as they are decoded so
long meetings stream and report progress.
"""

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ketluan.errors import ModelError
from ketluan.settings import Settings, get_settings
from models import default_store
from transcribe import audio as audio_io
from transcribe import vietasr
from transcribe.glossary import Glossary
from transcribe.guard import GuardOptions, guard
from transcribe.transcript import AudioInfo, Segment, Transcript, Word, nfc

Progress = Callable[[float], None]
NO_SPEECH = "không phát hiện tiếng nói"
NO_SPEECH_HINT = (
    "Hãy kiểm tra micrô khi ghi (đã bật, đặt gần người nói, không bị tắt tiếng) "
    "và chắc chắn đã chọn đúng tệp ghi âm của cuộc họp."
)
SLICE_SECONDS = 20 * 60  # sequential decoding works on slices of about this length
VAD_PIECE_SECONDS = 600
BATCHED_GROUP = 64  # 30 s windows per batched call: bounds feature memory to about 60 MB


@dataclass(frozen=True)
class TranscribeOptions:
    language: str = "vi"
    beam_size: int = 5
    batch_size: int = 1  # > 1 uses faster-whisper's BatchedInferencePipeline
    vad: bool = True
    vad_min_silence_ms: int = 500
    word_timestamps: bool = True
    # Off: conditioning on the previous window is the main source of repetition loops.
    condition_on_previous_text: bool = False
    hotwords: str | None = None
    # How a glossary reaches the recogniser. "never" (default): by correction after
    # recognition alone. "always": every window also gets the terms as hotwords; whisper-base
    # then copies them into speech that lacks them and into the silence after speech
    # (bench/RESULTS.md, "Office glossary"). Try "always" only with a larger model, measured.
    glossary_prompt: str = "never"
    guard: GuardOptions = field(default_factory=GuardOptions)

    @classmethod
    def from_settings(cls, settings: Settings, batch_size: int | None = None) -> "TranscribeOptions":
        """The options every caller uses (CLI, in-process chain, worker): beam and batch size
        from the settings; `batch_size` (a command-line option) overrides the setting."""
        return cls(
            beam_size=settings.beam_size, batch_size=batch_size if batch_size is not None else settings.batch_size
        )


class WhisperModelLike(Protocol):
    """What ketluan uses of faster_whisper.WhisperModel (the package ships no types)."""

    def transcribe(self, audio: np.ndarray, **options: Any) -> tuple[Iterable[Any], Any]: ...


@dataclass(frozen=True)
class LoadedModel:
    name: str
    whisper: WhisperModelLike | vietasr.VietAsr  # faster_whisper.WhisperModel, or viet-asr's
    device: str
    compute_type: str
    backend: str = "whisper"  # or "vietasr" (transcribe/vietasr.py): whisper is then a VietAsr


_models: dict[tuple, LoadedModel] = {}
_models_lock = threading.Lock()


def load_model(
    name: str | None = None,
    device: str | None = None,
    compute_type: str | None = None,
    cpu_threads: int | None = None,
) -> LoadedModel:
    """Load an ASR model from the store once per process and reuse it."""
    from faster_whisper import WhisperModel

    settings = get_settings()
    name = name or settings.asr_model
    device, compute_type = _pick_device(device or settings.device, compute_type or settings.compute_type)
    threads = settings.cpu_threads if cpu_threads is None else cpu_threads
    key = (name, device, compute_type, threads)
    with _models_lock:
        if key not in _models:
            store = default_store()
            path = store.resolve(name, kind="asr")
            spec = store.manifest.get(name)
            if spec is not None and spec.format == vietasr.FORMAT:
                _models[key] = LoadedModel(name, vietasr.VietAsr(path), "cpu", "int8", backend="vietasr")
                return _models[key]
            try:
                whisper = WhisperModel(
                    str(path),
                    device=device,
                    compute_type=compute_type,
                    cpu_threads=threads,
                    local_files_only=True,
                )
            except (RuntimeError, ValueError) as exc:
                raise ModelError(
                    f"Không nạp được mô hình '{name}' trên {device}/{compute_type}: {exc}",
                    "Chạy `ketluan models verify`; nếu dùng GPU, kiểm tra thư viện CUDA 12.",
                ) from exc
            _models[key] = LoadedModel(name, whisper, device, compute_type)
        return _models[key]


def transcribe_file(
    path: str | Path,
    model: str | LoadedModel | None = None,
    glossary: Glossary | None = None,
    options: TranscribeOptions | None = None,
    progress: Progress | None = None,
) -> Transcript:
    """Transcribe an audio or video file into a Transcript."""
    path = Path(path)
    info = audio_io.probe(path)
    samples = audio_io.decode(path)
    loaded = model if isinstance(model, LoadedModel) else load_model(model)
    segments = list(transcribe_audio(samples, loaded, glossary=glossary, options=options, progress=progress))
    return Transcript(
        audio=AudioInfo(
            duration=round(len(samples) / audio_io.SAMPLE_RATE, 3),
            sha256=audio_io.sha256_file(path),
            path=str(path),
            format=info.format,
            codec=info.codec,
            sample_rate=info.sample_rate,
            channels=info.channels,
        ),
        segments=segments,
        model=loaded.name,
        language=(options or TranscribeOptions()).language,
    )


def transcribe_audio(
    samples: np.ndarray,
    model: LoadedModel,
    glossary: Glossary | None = None,
    options: TranscribeOptions | None = None,
    progress: Progress | None = None,
) -> Iterator[Segment]:
    """Yield cleaned segments of 16 kHz mono audio as faster-whisper decodes them."""
    opts = options or TranscribeOptions()
    if model.backend == "vietasr":  # no prompt: the glossary works by correction alone
        opts = replace(opts, hotwords=None, glossary_prompt="never")
    if glossary is not None and opts.hotwords is None and opts.glossary_prompt == "always":
        opts = replace(opts, hotwords=glossary.hotwords())
    duration = len(samples) / audio_io.SAMPLE_RATE
    raw = _decode(samples, model, opts)
    for next_id, seg in enumerate(guard(_reported(raw, duration, progress), opts.guard)):
        if glossary is not None:
            glossary.correct(seg)
        seg.id = next_id
        yield seg
    if progress:
        progress(1.0)


def _decode(samples: np.ndarray, model: LoadedModel, opts: TranscribeOptions) -> Iterator[Segment]:
    from faster_whisper import BatchedInferencePipeline
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if isinstance(model.whisper, vietasr.VietAsr):  # backend "vietasr"
        vad = VadOptions(min_silence_duration_ms=opts.vad_min_silence_ms, max_speech_duration_s=vietasr.PIECE_SECONDS)
        runs = _speech(samples, vad, get_speech_timestamps) if opts.vad else [{"start": 0, "end": len(samples)}]
        yield from vietasr.segments(samples, runs, model.whisper)
        return

    common = dict(
        language=opts.language,
        task="transcribe",
        beam_size=opts.beam_size,
        word_timestamps=opts.word_timestamps,
        condition_on_previous_text=opts.condition_on_previous_text,
        hotwords=opts.hotwords,
    )
    if opts.batch_size > 1:
        # VAD runs here, once: audio with no speech must yield nothing (the
        # batched pipeline would decode an empty chunk and invent text), and
        # speech runs are packed into windows of at most 30 s.
        vad = VadOptions(min_silence_duration_ms=opts.vad_min_silence_ms, max_speech_duration_s=30)
        if opts.vad:
            clips = _windows(_speech(samples, vad, get_speech_timestamps), audio_io.SAMPLE_RATE)
            if not clips:
                return
        else:
            clips = _windows([{"start": 0, "end": len(samples)}], audio_io.SAMPLE_RATE)
        pipeline = BatchedInferencePipeline(model.whisper)
        # Timestamp tokens on: without them a window holding clear speech after unclear
        # speech comes back as one segment of the clear part, and the rest is lost.
        common["without_timestamps"] = False
        segments = itertools.chain.from_iterable(
            # A group at a time: the pipeline computes every window's features up
            # front, so a 6-hour meeting in one call would hold them all at once.
            pipeline.transcribe(samples, batch_size=opts.batch_size, clip_timestamps=group, **common)[0]
            for group in _groups(clips, BATCHED_GROUP)
        )
    else:
        vad = VadOptions(min_silence_duration_ms=opts.vad_min_silence_ms)
        segments = itertools.chain.from_iterable(
            # faster-whisper copies the speech and computes features for all of it;
            # slicing long meetings at quiet points keeps that copy small.
            _shifted(model.whisper.transcribe(samples[a:b], vad_filter=opts.vad, vad_parameters=vad, **common)[0], a)
            for a, b in _slices(samples)
        )
    for seg in _converted(segments):
        if opts.batch_size > 1 and opts.word_timestamps:
            yield from _sentences(seg)
        else:
            yield seg


def _converted(segments) -> Iterator[Segment]:
    for i, s in enumerate(segments):
        yield Segment(
            id=i,
            start=round(s.start, 3),
            end=round(s.end, 3),
            text=nfc(s.text).strip(),
            words=[
                Word(round(w.start, 3), round(w.end, 3), nfc(w.word), round(w.probability, 4)) for w in (s.words or [])
            ],
            avg_logprob=round(s.avg_logprob, 4),
            no_speech_prob=round(s.no_speech_prob, 4),
        )


def _slices(samples: np.ndarray, every: float = SLICE_SECONDS, search: float = 60.0) -> list[tuple[int, int]]:
    """Cut points about every `every` seconds, each at the quietest 0.5 s nearby."""
    rate = audio_io.SAMPLE_RATE
    bounds = [0]
    frame = rate // 2
    target = int(every * rate)
    while len(samples) - bounds[-1] > target + int(search * rate):
        lo = bounds[-1] + target - int(search * rate)
        window = samples[lo : lo + 2 * int(search * rate)]
        usable = len(window) // frame * frame
        energy = np.square(window[:usable]).reshape(-1, frame).mean(axis=1)
        bounds.append(lo + int(np.argmin(energy)) * frame + frame // 2)
    bounds.append(len(samples))
    return list(itertools.pairwise(bounds))


def _shifted(segments, offset_samples: int):
    """faster-whisper segments of a slice, moved to the meeting's time line."""
    shift = offset_samples / audio_io.SAMPLE_RATE
    for s in segments:
        if shift:
            s = replace(
                s,
                start=s.start + shift,
                end=s.end + shift,
                words=[replace(w, start=w.start + shift, end=w.end + shift) for w in (s.words or [])],
            )
        yield s


def _sentences(seg: Segment, max_seconds: float = 20.0) -> list[Segment]:
    """Split a batched window (one segment per 30 s) at sentence ends, then at commas
    where a sentence is still long, so the transcript reads in sentences."""
    if len(seg.words) < 2:
        return [seg]
    groups: list[list[Word]] = [[]]
    for w in seg.words:
        groups[-1].append(w)
        if w.word.rstrip().endswith((".", "?", "!")):
            groups.append([])
    refined: list[list[Word]] = []
    for g in filter(None, groups):
        if g[-1].end - g[0].start <= max_seconds:
            refined.append(g)
            continue
        refined.append([])
        for w in g:
            refined[-1].append(w)
            if w.word.rstrip().endswith(",") and refined[-1][-1].end - refined[-1][0].start > max_seconds / 2:
                refined.append([])
    return [
        Segment(
            id=seg.id,
            start=g[0].start,
            end=g[-1].end,
            text="".join(w.word for w in g).strip(),
            words=g,
            avg_logprob=seg.avg_logprob,
            no_speech_prob=seg.no_speech_prob,
        )
        for g in refined
        if g
    ]


def _speech(samples: np.ndarray, vad, detect, piece_seconds: float = VAD_PIECE_SECONDS) -> list[dict]:
    """Speech runs (in samples) found piece by piece: Silero VAD over a whole 3-hour
    meeting at once takes about 1.7 GB on top of the audio; 10-minute pieces, 0.3 GB."""
    step = int(piece_seconds * audio_io.SAMPLE_RATE)
    runs: list[dict] = []
    for start in range(0, len(samples), step):
        for run in detect(samples[start : start + step], vad):
            runs.append({"start": run["start"] + start, "end": run["end"] + start})
    return runs


def _windows(speech: list[dict], rate: int, limit: float = 30.0) -> list[dict]:
    """Pack consecutive speech runs (in samples) into windows no longer than `limit` seconds."""
    windows: list[dict] = []
    step = int(limit * rate)
    for run in speech:
        start, end = run["start"], run["end"]
        while end - start > step:  # only when VAD is off: cut long audio into 30 s pieces
            windows.append({"start": start / rate, "end": (start + step) / rate})
            start += step
        if windows and end / rate - windows[-1]["start"] <= limit:
            windows[-1]["end"] = end / rate
        else:
            windows.append({"start": start / rate, "end": end / rate})
    return windows


def _groups(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _reported(segments: Iterator[Segment], duration: float, progress: Progress | None) -> Iterator[Segment]:
    for seg in segments:
        if progress and duration > 0:
            progress(min(seg.end / duration, 0.999))
        yield seg


def _pick_device(device: str, compute_type: str) -> tuple[str, str]:
    if device == "auto":
        import ctranslate2

        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type
