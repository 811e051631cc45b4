"""Multi-speaker Vietnamese "meetings" built from real speech clips, with RTTM references.

Voices: the six recorded Vietnamese speakers shipped in the vieneu wheel
(vieneu/assets/samples/*.wav, 2.6-6 s each) and two espeak-ng Vietnamese voices
(a male and a female variant; other espeak variants embed as the same speaker).
The vieneu clips are short, so a speaker's turn is stitched from random crops of
their clip at three tempos (sox `tempo`, pitch kept): the content repeats, the
voice is real. That makes these mixes easier than a real meeting (same
recording conditions per speaker, no reverberation, no cross-talk noise);
bench/RESULTS.md says so next to the figures.
"""

import functools
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
TEMPOS = (0.9, 1.0, 1.12)
ESPEAK_VOICES = {"espeak-nam": "vi", "espeak-nữ": "vi+f2"}
SENTENCES = (
    "Xin chào các đồng chí, hôm nay chúng ta họp bàn về kế hoạch phát triển kinh tế xã hội.",
    "Đề nghị Sở Tài chính chủ trì, phối hợp với các sở ngành rà soát nguồn vốn đầu tư công.",
    "Tôi xin báo cáo tiến độ giải ngân của huyện trong sáu tháng đầu năm.",
    "Giao Ủy ban nhân dân các huyện khẩn trương hoàn thành công tác giải phóng mặt bằng.",
    "Về dự án đường cao tốc, đơn vị thi công đã hoàn thành sáu mươi phần trăm khối lượng.",
    "Chúng tôi kiến nghị tỉnh bổ sung kinh phí cho chương trình nông thôn mới.",
)


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: str


@dataclass
class Mix:
    audio: np.ndarray  # mono float32, 16 kHz
    turns: list[Turn]  # reference, may overlap

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    @property
    def speakers(self) -> list[str]:
        return sorted({t.speaker for t in self.turns})

    def rttm(self, uri: str) -> str:
        return "".join(
            f"SPEAKER {uri} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA> {t.speaker} <NA> <NA>\n" for t in self.turns
        )

    def annotation(self, uri: str = "mix"):
        from pyannote.core import Annotation, Segment

        ann = Annotation(uri=uri)
        for i, t in enumerate(self.turns):
            ann[Segment(t.start, t.end), i] = t.speaker
        return ann


def voice_names() -> list[str]:
    return [p.stem for p in _vieneu_clips()] + list(ESPEAK_VOICES)


def make_mix(
    speakers: list[str],
    duration: float,
    seed: int,
    turn: tuple[float, float] = (1.0, 20.0),
    pause: tuple[float, float] = (0.2, 1.5),
    overlap_prob: float = 0.1,
    overlap: tuple[float, float] = (0.3, 1.5),
) -> Mix:
    """A mix of `duration` seconds: turns of `turn` seconds (log-uniform), pauses, and
    overlapping speech on about `overlap_prob` of the speaker changes."""
    rng = np.random.default_rng(seed)
    gains = {s: rng.uniform(0.35, 0.8) for s in speakers}
    order = list(rng.permutation(speakers))  # everyone speaks at least once
    chunks: list[tuple[int, np.ndarray]] = []
    turns: list[Turn] = []
    t = 0.0
    previous = None
    while t < duration - turn[0]:
        who = order.pop(0) if order else rng.choice([s for s in speakers if s != previous] or speakers)
        length = float(np.exp(rng.uniform(np.log(turn[0]), np.log(turn[1]))))
        length = min(length, duration - t)
        start = t
        if turns and rng.random() < overlap_prob:
            prev_len = turns[-1].end - turns[-1].start
            lap = min(rng.uniform(*overlap), prev_len - 0.5, length - 0.5)
            if lap > 0.2:
                start = turns[-1].end - lap
        speech = _speech(str(who), length, rng) * gains[who]
        chunks.append((round(start * SAMPLE_RATE), speech))
        end = start + len(speech) / SAMPLE_RATE
        turns.append(Turn(round(start, 3), round(end, 3), str(who)))
        previous = who
        t = end + rng.uniform(*pause)
    total = round(duration * SAMPLE_RATE)
    audio = (rng.standard_normal(total) * 10 ** (-55 / 20)).astype(np.float32)
    for offset, speech in chunks:
        n = min(len(speech), total - offset)
        audio[offset : offset + n] += speech[:n]
    return Mix(np.clip(audio, -1.0, 1.0), [x for x in turns if x.start < duration])


def concatenate(mix: Mix, times: int) -> Mix:
    """The same mix repeated `times` times (for long-meeting memory measurements)."""
    d = mix.duration
    turns = [Turn(t.start + k * d, t.end + k * d, t.speaker) for k in range(times) for t in mix.turns]
    return Mix(np.tile(mix.audio, times), turns)


def write_wav(path: Path, audio: np.ndarray, sample_rate: int = SAMPLE_RATE, channels: int = 1) -> Path:
    """16-bit PCM WAV; `audio` is (samples,) or (samples, channels)."""
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return Path(path)


def speaker_audio(name: str) -> list[np.ndarray]:
    """The speech material of one voice: trimmed pieces at several tempos."""
    return list(_material(name))


# --- helpers ------------------------------------------------------------


def _speech(name: str, length: float, rng: np.random.Generator) -> np.ndarray:
    pieces = _material(name)
    need = round(length * SAMPLE_RATE)
    out = []
    have = 0
    while have < need:
        piece = pieces[rng.integers(len(pieces))]
        if not out:  # start the turn mid-utterance
            piece = piece[rng.integers(0, max(1, len(piece) // 2)) :]
        out.append(piece)
        have += len(piece)
    return np.concatenate(out)[:need]


@functools.cache
def _material(name: str) -> tuple[np.ndarray, ...]:
    from transcribe.audio import decode

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if name in ESPEAK_VOICES:
            sources = []
            for i, text in enumerate(SENTENCES):
                raw = folder / f"s{i}.wav"
                _run(["espeak-ng", "-v", ESPEAK_VOICES[name], "-s", "150", "-w", str(raw), text])
                sources.append(raw)
            return tuple(_trim(decode(p)) for p in sources)
        clip = next((p for p in _vieneu_clips() if p.stem == name), None)
        if clip is None:
            raise KeyError(f"unknown voice {name!r}; known: {voice_names()}")
        base = write_wav(folder / "base.wav", _trim(decode(clip)))
        pieces = []
        for k, tempo in enumerate(TEMPOS):
            out = folder / f"t{k}.wav"
            _run(["sox", str(base), str(out), "tempo", str(tempo)])
            pieces.append(decode(out))
        return tuple(pieces)


def _trim(audio: np.ndarray, floor_db: float = -35.0) -> np.ndarray:
    """Cut leading and trailing silence (20 ms frames below `floor_db` of the peak)."""
    frame = SAMPLE_RATE // 50
    n = len(audio) // frame
    energy = np.sqrt(np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1) + 1e-12)
    loud = np.nonzero(20 * np.log10(energy / (energy.max() + 1e-12)) > floor_db)[0]
    if len(loud) == 0:
        return audio
    return audio[loud[0] * frame : (loud[-1] + 1) * frame]


def _vieneu_clips() -> list[Path]:
    import importlib.util

    spec = importlib.util.find_spec("vieneu")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("vieneu is not installed: pip install --no-deps vieneu==3.8.3")
    folder = Path(next(iter(spec.submodule_search_locations))) / "assets" / "samples"
    return sorted(folder.glob("*.wav"))


def _run(cmd: list[str]) -> None:
    if shutil.which(cmd[0]) is None:
        raise RuntimeError(f"{cmd[0]} is missing (apt-get install {cmd[0]})")
    subprocess.run(cmd, check=True, capture_output=True)
