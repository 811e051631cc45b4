"""Exports of a Transcript: json, txt, srt, vtt. Speaker names appear when known."""

from collections.abc import Callable
from pathlib import Path

from transcribe.transcript import Segment, Transcript

FORMATS = ("json", "txt", "srt", "vtt")


def export(transcript: Transcript, fmt: str) -> str:
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}") from None
    return writer(transcript)


def write_exports(transcript: Transcript, out_dir: Path, stem: str, formats: list[str]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = out_dir / f"{stem}.{fmt}"
        path.write_text(export(transcript, fmt), encoding="utf-8")
        paths.append(path)
    return paths


def to_txt(t: Transcript) -> str:
    lines = []
    for seg in t.segments:
        who = t.speaker_name(seg.speaker)
        prefix = f"[{_clock(seg.start)}] " + (f"{who}: " if who else "")
        lines.append(prefix + seg.text)
    return "\n".join(lines) + ("\n" if lines else "")


def to_srt(t: Transcript) -> str:
    return _cues(t, lambda s: _stamp(s, ","), header="", numbered=True)


def to_vtt(t: Transcript) -> str:
    return _cues(t, lambda s: _stamp(s, "."), header="WEBVTT\n\n", numbered=False, vtt=True)


def _cues(
    t: Transcript,
    stamp: Callable[[float], str],
    header: str,
    numbered: bool,
    vtt: bool = False,
) -> str:
    blocks = []
    for i, seg in enumerate(t.segments, 1):
        head = f"{i}\n" if numbered else ""
        blocks.append(f"{head}{stamp(seg.start)} --> {stamp(seg.end)}\n{_cue_text(t, seg, vtt)}\n")
    return header + "\n".join(blocks)


def _cue_text(t: Transcript, seg: Segment, vtt: bool) -> str:
    who = t.speaker_name(seg.speaker)
    if not who:
        return seg.text
    return f"<v {who}>{seg.text}" if vtt else f"{who}: {seg.text}"


def _stamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


_WRITERS: dict[str, Callable[[Transcript], str]] = {
    "json": lambda t: t.to_json(),
    "txt": to_txt,
    "srt": to_srt,
    "vtt": to_vtt,
}
