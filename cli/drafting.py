"""CLI commands of drafting: `ketluan draft`, `ketluan import-docx`, `ketluan process`.

Registered on the main app by cli/__init__.py (`register(app)`).
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

import drafting
from cli.common import err, out
from drafting.gazetteer import Gazetteer
from drafting.meeting import Meeting, parse_date
from drafting.render import deadline_text
from ketluan.errors import InputError
from ketluan.settings import get_settings
from services.pipeline import draft as draft_files
from services.pipeline import process as run
from transcribe import Transcript

STAGES = {"transcribing": "Chép lời", "diarizing": "Phân biệt người nói", "drafting": "Soạn thông báo"}


def register(app: typer.Typer) -> None:
    app.command("draft")(draft)
    app.command("import-docx")(import_docx)
    app.command("process")(process)


def draft(
    transcript: Annotated[Path, typer.Argument(help="Bản chép lời (.json của transcribe).")],
    meeting: Annotated[Path, typer.Option("--meeting", help="Thông tin cuộc họp (.toml).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Tệp thông báo .docx.")] = Path("notice.docx"),
    template: Annotated[Path | None, typer.Option(help="Mẫu .docx riêng của cơ quan.")] = None,
) -> None:
    """Soạn dự thảo thông báo kết luận (kèm biên bản và conclusion.json cùng thư mục)."""
    info = Meeting.load(meeting)
    for warning in drafting.check_meeting(info):
        err.print(f"[yellow]{warning}[/]")
    tr = _load_transcript(transcript)
    conclusion, paths = draft_files(tr, info, output, template)
    _summary(conclusion)
    for p in paths:
        out.print(f"  → {p}")


def import_docx(
    file: Annotated[Path, typer.Argument(help="Thông báo kết luận (.docx) đã chỉnh sửa.")],
    as_json: Annotated[bool, typer.Option("--json", help="In ra JSON.")] = False,
    meeting_date: Annotated[
        str | None,
        typer.Option(
            help="Ngày họp (2026-08-20 hoặc 20/8/2026), khi văn bản không ghi ngày: hạn không có "
            "năm và hạn 'trong N ngày' tính từ ngày này."
        ),
    ] = None,
    issued: Annotated[
        str | None, typer.Option(help="Ngày ban hành, dùng khi văn bản và --meeting-date đều không có ngày.")
    ] = None,
) -> None:
    """Đọc các nhiệm vụ từ một thông báo kết luận .docx."""
    tasks = drafting.read_notice(
        file,
        meeting_date=parse_date(meeting_date, "--meeting-date") if meeting_date else None,
        issued_on=parse_date(issued, "--issued") if issued else None,
        gazetteer=Gazetteer.load(get_settings().gazetteer_file),
    )
    if as_json:
        print(json.dumps([t.to_dict() for t in tasks], ensure_ascii=False, indent=2))
        return
    if not tasks:
        out.print("Không tìm thấy nhiệm vụ nào trong tài liệu.")
        return
    table = Table(title=f"{len(tasks)} nhiệm vụ trong {file.name}")
    for col in ("STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn"):
        table.add_column(col)
    for n, t in enumerate(tasks, 1):
        due = deadline_text(t.deadline) or t.deadline.phrase
        table.add_row(str(n), t.action, "\n".join(t.leads), "\n".join(t.supports), due)
    out.print(table)


def process(
    audio: Annotated[Path, typer.Argument(help="Tệp ghi âm cuộc họp.")],
    meeting: Annotated[Path, typer.Option("--meeting", help="Thông tin cuộc họp (.toml).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Thư mục kết quả.")] = Path("out"),
    model: Annotated[str | None, typer.Option(help="Mô hình nhận dạng trong kho.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="> 1: giải mã theo lô (nhanh hơn).")] = None,
    template: Annotated[Path | None, typer.Option(help="Mẫu .docx riêng của cơ quan.")] = None,
    no_diarize: Annotated[bool, typer.Option("--no-diarize", help="Bỏ qua phân biệt người nói.")] = False,
) -> None:
    """Từ bản ghi âm đến dự thảo thông báo: chép lời → người nói → thông báo, biên bản."""
    info = Meeting.load(meeting)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        ids: dict[str, TaskID] = {}

        def report(stage: str, fraction: float) -> None:
            if stage not in ids:
                ids[stage] = bar.add_task(STAGES.get(stage, stage), total=1.0)
            bar.update(ids[stage], completed=fraction)

        result = run(
            audio,
            info,
            output,
            model=model,
            progress=report,
            template=template,
            diarize_speakers=not no_diarize,
            batch_size=batch_size,
        )
    if not result.diarized and not no_diarize:
        err.print("[yellow]Chưa phân biệt người nói[/] (chưa có mô-đun/mô hình); đã tìm phần kết luận theo từ khóa.")
    for w in result.warnings:
        err.print(f"[yellow]{w}[/]")
    _summary(result.conclusion)
    for p in result.paths:
        out.print(f"  → {p}")
    err.print(_timing(result.seconds, result.audio_seconds))


def _timing(seconds: dict[str, float], audio_seconds: float) -> str:
    """One line per run: each stage's time and its real-time factor (time ÷ audio length)."""
    parts = []
    for stage, label in STAGES.items():
        if stage in seconds:
            rtf = f", RTF {seconds[stage] / audio_seconds:.3f}" if audio_seconds > 0 else ""
            parts.append(f"{label} {seconds[stage]:.1f} s{rtf}")
    total = sum(seconds.values())
    return f"Thời gian (âm thanh {audio_seconds / 60:.1f} phút): " + "; ".join(parts) + f"; tổng {total:.1f} s."


def _load_transcript(path: Path):
    try:
        return Transcript.load(path)
    except FileNotFoundError:
        raise InputError(f"Không tìm thấy bản chép lời '{path}'.", "Kiểm tra lại đường dẫn.") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"Tệp '{path.name}' không phải bản chép lời của ketluan ({exc}).",
            "Dùng tệp .json do `ketluan transcribe` tạo ra.",
        ) from None


def _summary(conclusion) -> None:
    out.print(
        f"{len(conclusion.items)} điểm kết luận, {len(conclusion.tasks)} nhiệm vụ "
        f"(bộ {'quy tắc' if conclusion.backend == 'rules' else 'mô hình ngôn ngữ'})."
    )
    for t in conclusion.tasks:
        due = deadline_text(t.deadline)
        out.print(f"  {t.evidence.clock} {', '.join(t.leads)}: {t.action}" + (f" — {due}" if due else ""))
