"""What every command module of the command line shares: the consoles, the progress bar,
the export-format option and small number formats."""

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ketluan.errors import InputError
from transcribe import FORMATS

out = Console()
err = Console(stderr=True)


def formats(spec: str) -> list[str]:
    """The `--format` option: export formats, comma-separated."""
    chosen = [f.strip().lower() for f in spec.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise InputError(
            f"Định dạng không hỗ trợ: {', '.join(unknown) or '(trống)'}.",
            f"Chọn trong: {', '.join(FORMATS)}.",
        )
    return chosen


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,  # a failed run leaves only its one-line error
    )


def hms(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def size(n: int) -> str:
    return f"{n / 1e6:.0f} MB" if n else "—"
