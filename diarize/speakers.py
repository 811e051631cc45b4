"""Who spoke when, and who said which words.

turns = diarize.diarize("meeting.mp3")
transcript = diarize.label_speakers("meeting.mp3", transcript, voiceprints=registry)
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from diarize.assign import assign_speakers
from diarize.pipeline import SAMPLE_RATE, LoadedPipeline, load_pipeline
from diarize.result import Diarization, Turn
from diarize.voiceprints import VoiceprintRegistry, name_speakers
from ketluan.errors import AudioError, InputError
from transcribe.audio import decode
from transcribe.transcript import Transcript

AudioInput = str | Path | np.ndarray | dict[str, Any]
Progress = Callable[[float], None]
# Shorter speech is repeated up to this (one 10 s window and more) before it is embedded.
FILL_SECONDS = 12.0


def label_speakers(
    path_or_audio: AudioInput,
    transcript: Transcript,
    voiceprints: VoiceprintRegistry | None = None,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    progress: Progress | None = None,
    pipeline: LoadedPipeline | None = None,
) -> Transcript:
    """Diarize the audio and fill `speaker` on words and segments and `transcript.speakers`.

    A segment whose words change speaker is split at that word. Speakers matching an
    enrolled voiceprint get that person's name (with the similarity as confidence);
    the others are "Người nói 1…N". The transcript is modified in place and returned.
    """
    result = diarize(
        path_or_audio,
        num_speakers=num_speakers,
        min_speakers=min_speakers,
        max_speakers=max_speakers,
        progress=progress,
        pipeline=pipeline,
    )
    return apply_diarization(transcript, result, voiceprints)


def apply_diarization(
    transcript: Transcript, result: Diarization, voiceprints: VoiceprintRegistry | None = None
) -> Transcript:
    """`label_speakers` for a diarization already made (the worker keeps `result.embeddings`,
    the speakers' centroids, to enrol them later without running the models again)."""
    assign_speakers(transcript, result.exclusive)
    transcript.speakers = name_speakers(result, voiceprints, used=_used_labels(transcript))
    return transcript


def diarize(
    path_or_audio: AudioInput,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    progress: Progress | None = None,
    pipeline: LoadedPipeline | None = None,
) -> Diarization:
    """Speaker turns of a recording: a path, 16 kHz mono samples, or a dict with
    "waveform" and "sample_rate"."""
    _check_hints(num_speakers, min_speakers, max_speakers)
    audio = load_audio(path_or_audio)
    loaded = pipeline or load_pipeline()
    duration = len(audio) / SAMPLE_RATE
    if progress:
        progress(0.0)
    output = loaded.run(
        audio,
        num_speakers=num_speakers,
        min_speakers=min_speakers,
        max_speakers=max_speakers,
        progress=progress,
    )
    result = _to_result(output, duration, loaded)
    _embed_short_speakers(result, audio, loaded)
    if progress:
        progress(1.0)
    return result


def main_centroid(audio: np.ndarray, loaded: LoadedPipeline, progress: Progress | None = None) -> np.ndarray | None:
    """The centroid of the main speaker of a short stretch of speech (an enrolment clip, or
    one speaker's turns), None if no voice is found in it.

    The pipeline embeds 10 s windows and the embedding normalises its features over the whole
    window; a clip shorter than that is padded with digital silence, which skews them
    (measured: same-voice similarity 0.3-0.4 for a 3-5 s clip, 0.7-1.0 once the clip is
    repeated to fill the window). So a short clip is repeated, with short gaps, instead.
    """
    if len(audio) < FILL_SECONDS * SAMPLE_RATE:
        gap = np.zeros(SAMPLE_RATE // 5, dtype=np.float32)
        times = int(FILL_SECONDS * SAMPLE_RATE // (len(audio) + len(gap))) + 1
        audio = np.concatenate([audio, gap] * times)
    result = _to_result(loaded.run(audio, progress=progress), len(audio) / SAMPLE_RATE, loaded)
    voiced = [label for label in result.speakers if label in result.embeddings]
    if not voiced:
        return None
    return result.embeddings[max(voiced, key=result.speech_time)]


def load_audio(path_or_audio: AudioInput) -> np.ndarray:
    """Mono float32 samples at 16 kHz from a path (decoded with PyAV), an array or a dict."""
    if isinstance(path_or_audio, str | Path):
        return decode(path_or_audio)
    if isinstance(path_or_audio, dict):
        waveform = np.asarray(path_or_audio["waveform"], dtype=np.float32)
        rate = int(path_or_audio.get("sample_rate", SAMPLE_RATE))
    else:
        waveform, rate = np.asarray(path_or_audio, dtype=np.float32), SAMPLE_RATE
    if waveform.ndim == 2:  # (channels, samples)
        waveform = waveform.mean(axis=0)
    if waveform.ndim != 1 or waveform.size == 0:
        raise AudioError("Dữ liệu âm thanh rỗng hoặc sai dạng.", "Cần mảng mẫu đơn kênh (mono).")
    if rate != SAMPLE_RATE:
        import torch
        import torchaudio.functional as AF

        waveform = AF.resample(torch.from_numpy(waveform), rate, SAMPLE_RATE).numpy()
    return np.ascontiguousarray(waveform, dtype=np.float32)


# --- helpers ------------------------------------------------------------


def _to_result(output, duration: float, loaded: LoadedPipeline) -> Diarization:
    """pyannote's DiarizeOutput → Diarization with labels S1, S2… by first speech."""
    full = output.speaker_diarization
    order = sorted(full.labels(), key=lambda label: full.label_timeline(label)[0].start)
    rename = {old: f"S{i}" for i, old in enumerate(order, 1)}

    def turns(annotation) -> list[Turn]:
        found = [
            Turn(round(seg.start, 3), round(min(seg.end, duration), 3), rename[label])
            for seg, _, label in annotation.itertracks(yield_label=True)
            if label in rename
        ]
        return sorted((t for t in found if t.end > t.start), key=lambda t: (t.start, t.end))

    embeddings = {}
    centroids = output.speaker_embeddings
    if centroids is not None:
        for i, label in enumerate(full.labels()):  # rows follow full.labels() order
            if i < len(centroids) and np.all(np.isfinite(centroids[i])) and np.any(centroids[i]):
                embeddings[rename[label]] = np.asarray(centroids[i], dtype=np.float32)
    return Diarization(
        turns=turns(full),
        exclusive=turns(output.exclusive_speaker_diarization),
        duration=duration,
        pipeline=loaded.name,
        embedding_model=loaded.embedding_model,
        embeddings=embeddings,
    )


def _embed_short_speakers(result: Diarization, audio: np.ndarray, loaded: LoadedPipeline) -> None:
    """A speaker with less speech than a window, alone in a short recording or speaking once
    in a long one, gets a centroid skewed by the silence around their words, too far from
    their voiceprint to be named (a 4.5 s single-speaker recording: similarity 0.39 to the
    speaker's own enrolment). Such a speaker's centroid is made again from their own turns,
    the way an enrolment clip is (`main_centroid`), so meeting and voiceprint compare."""
    for label in result.embeddings:
        if result.speech_time(label) >= FILL_SECONDS:
            continue
        own = [
            audio[int(t.start * SAMPLE_RATE) : int(t.end * SAMPLE_RATE)] for t in result.exclusive if t.speaker == label
        ]
        speech = np.concatenate(own) if own else np.zeros(0, dtype=np.float32)
        if len(speech) < SAMPLE_RATE // 2:
            continue
        centroid = main_centroid(speech, loaded)
        if centroid is not None:
            result.embeddings[label] = centroid


def _check_hints(num: int | None, low: int | None, high: int | None) -> None:
    for value in (num, low, high):
        if value is not None and value < 1:
            raise InputError("Số người nói phải từ 1 trở lên.", "Hãy sửa lại số người nói.")
    if num is None and low is not None and high is not None and low > high:
        raise InputError(
            f"Số người nói tối thiểu ({low}) lớn hơn tối đa ({high}).",
            "Hãy đổi lại hai giá trị.",
        )


def _used_labels(transcript: Transcript) -> set[str]:
    return {s.speaker for s in transcript.segments if s.speaker}
