"""`ketluan diarize`, `ketluan transcribe --diarize` and `ketluan voices …`.

Heavy imports (torch, pyannote) happen inside diarize's functions, so `ketluan --help` stays fast.
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

import diarize
from cli.common import formats, out, progress
from db.voiceprints import default_registry
from ketluan.errors import InputError
from transcribe import Transcript, probe, write_exports

voices_app = typer.Typer(
    help="Vân tay giọng nói: ghi danh người quen để tự gọi tên trong cuộc họp mới. "
    "Danh bạ nằm trong cơ sở dữ liệu của ketluan (KETLUAN_DATABASE_URL; mặc định tệp SQLite "
    "trong thư mục dữ liệu), mỗi đơn vị một danh bạ.",
    no_args_is_help=True,
)
Office = Annotated[
    str | None,
    typer.Option(
        "--office",
        help="Mã đơn vị sở hữu danh bạ giọng nói (bỏ trống nếu chỉ có một đơn vị).",
    ),
]


def diarize_command(
    audio: Annotated[Path, typer.Argument(help="Tệp ghi âm cuộc họp.")],
    transcript: Annotated[Path, typer.Argument(help="Bản chép lời JSON (từ `ketluan transcribe`).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Thư mục ghi kết quả.")] = Path("."),
    speakers: Annotated[int | None, typer.Option("--speakers", help="Số người nói, nếu biết.")] = None,
    min_speakers: Annotated[int | None, typer.Option(help="Số người nói tối thiểu.")] = None,
    max_speakers: Annotated[int | None, typer.Option(help="Số người nói tối đa.")] = None,
    voiceprints: Annotated[bool, typer.Option(help="Gọi tên người đã ghi danh giọng nói.")] = True,
    format: Annotated[str, typer.Option(help="Các định dạng, cách nhau bởi dấu phẩy.")] = "json,txt,srt,vtt",
) -> None:
    """Phân tách người nói (ai nói lúc nào) và ghi tên người nói vào bản chép lời."""
    chosen = formats(format)
    probe(audio)  # fail fast on bad audio, before loading models
    loaded = _load_transcript(transcript)
    result = add_speakers(audio, loaded, speakers, min_speakers, max_speakers, voiceprints)
    paths = write_exports(result, output, transcript.stem, chosen)
    _summary(result)
    for p in paths:
        out.print(f"  → {p}")


def add_speakers(
    audio: Path,
    transcript,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    voiceprints: bool = True,
):
    """Diarize with a progress bar and label the transcript (shared with `transcribe --diarize`)."""
    registry = default_registry() if voiceprints else None
    with progress() as bar:
        task = bar.add_task("Nạp mô hình phân tách người nói", total=1.0)
        pipeline = diarize.load_pipeline()
        bar.update(task, description="Phân tách người nói")
        return diarize.label_speakers(
            audio,
            transcript,
            voiceprints=registry,
            num_speakers=num_speakers,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
            progress=lambda f: bar.update(task, completed=f),
            pipeline=pipeline,
        )


@voices_app.command("enrol")
def voices_enrol(
    clip: Annotated[Path, typer.Argument(help="Đoạn ghi âm người đó nói (3-30 giây là đủ).")],
    name: Annotated[str, typer.Option("--name", help="Họ tên.")],
    title: Annotated[str, typer.Option(help="Chức vụ.")] = "",
    unit: Annotated[str, typer.Option(help="Cơ quan, đơn vị công tác của người đó.")] = "",
    start: Annotated[float | None, typer.Option(help="Giây bắt đầu (nếu chỉ dùng một đoạn).")] = None,
    end: Annotated[float | None, typer.Option(help="Giây kết thúc.")] = None,
    office: Office = None,
) -> None:
    """Ghi danh giọng nói một người (chỉ lưu vân tay giọng, không lưu âm thanh)."""
    spans = None
    if start is not None or end is not None:
        lo, hi = start or 0.0, end if end is not None else float("inf")
        if hi <= lo:
            raise InputError("Giây kết thúc phải lớn hơn giây bắt đầu.", "Hãy sửa --start/--end.")
        spans = [(lo, hi)]
    registry = default_registry(office, write=True)
    source = f"đoạn ghi âm {clip.name}"
    if spans:
        source += f" [{spans[0][0]:.1f}–{spans[0][1]:.1f} s]"
    vp = diarize.enrol(registry, diarize.Person(name, title, unit), clip, spans, source=source)
    out.print(f"Đã ghi danh '{vp.person.name}' (mã {vp.id}, mô hình {vp.model}).")


@voices_app.command("list")
def voices_list(office: Office = None) -> None:
    """Liệt kê người đã ghi danh."""
    registry = default_registry(office)
    table = Table(title="Vân tay giọng nói" + (f" của đơn vị {office}" if office else ""))
    for col in ("Mã", "Họ tên", "Chức vụ", "Cơ quan", "Mô hình", "Nguồn", "Ngày", "Người ghi"):
        table.add_column(col)
    for vp in registry.list():
        p = vp.person
        day = vp.created_at[:10]
        table.add_row(str(vp.id), p.name, p.title, p.unit, vp.model, vp.source, day, vp.created_by)
    out.print(table)


@voices_app.command("remove")
def voices_remove(
    voiceprint_id: Annotated[int, typer.Argument(help="Mã vân tay (xem `voices list`).")],
    office: Office = None,
) -> None:
    """Xóa một vân tay giọng nói."""
    if not default_registry(office).remove(voiceprint_id):
        raise InputError(f"Không có vân tay mã {voiceprint_id}.", "Xem `ketluan voices list`.")
    out.print(f"Đã xóa vân tay mã {voiceprint_id}.")


@voices_app.command("rename")
def voices_rename(
    transcript: Annotated[Path, typer.Argument(help="Bản chép lời JSON đã phân tách người nói.")],
    label: Annotated[str, typer.Argument(help="Nhãn người nói, ví dụ S2.")],
    name: Annotated[str, typer.Option("--name", help="Họ tên.")],
    title: Annotated[str, typer.Option(help="Chức vụ.")] = "",
    unit: Annotated[str, typer.Option(help="Đơn vị.")] = "",
    audio: Annotated[Path | None, typer.Option(help="Tệp ghi âm: có thì ghi danh luôn giọng người này.")] = None,
    office: Office = None,
) -> None:
    """Đặt tên cho một người nói trong cuộc họp (và ghi danh giọng nếu có --audio)."""
    loaded = _load_transcript(transcript)
    registry = default_registry(office, write=True) if audio else None
    vp = diarize.rename_speaker(loaded, label, diarize.Person(name, title, unit), audio, registry)
    loaded.save(transcript)
    out.print(f"Đã đặt tên {label} → {name} trong {transcript}.")
    if vp:
        out.print(f"Đã ghi danh giọng '{vp.person.name}' (mã {vp.id}).")


def _load_transcript(path: Path):
    if not path.is_file():
        raise InputError(f"Không tìm thấy bản chép lời '{path}'.", "Hãy chạy `ketluan transcribe` trước.")
    try:
        return Transcript.load(path)
    except (ValueError, KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"'{path.name}' không phải bản chép lời JSON của ketluan ({exc}).",
            "Hãy dùng tệp .json do `ketluan transcribe` tạo ra.",
        ) from exc


def _summary(transcript) -> None:
    names = [transcript.speaker_name(label) for label in transcript.speakers]
    if not names:
        out.print("[yellow]Không tìm thấy người nói nào (bản ghi im lặng?).[/]")
        return
    out.print(f"{len(names)} người nói: {', '.join(names)}.")
