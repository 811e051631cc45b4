"""An uploaded file to notices: which kind it is (cheap, checked when it arrives) and its
parsed notices (the heavy part, run by a worker on the cpu queue).

    kind = kind_of(path, "TB 02.docx")                 # "docx" | "xlsx", or InputError
    notices = read_file(path, "TB 02.docx", received_on=date(2026, 8, 27))
"""

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from drafting.gazetteer import Gazetteer
from ketluan.errors import DocumentError, InputError
from ketluan.officefile import check_office_file
from ketluan.officefile import kind_of as office_kind
from tracking.excel import read_xlsx
from tracking.source import ParsedNotice, read_docx

DEFAULT_MAX_ROWS = 20000


def read_file(
    path: Path,
    name: str,
    number: str | None = None,
    issued_on: date | None = None,
    received_on: date | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    tmp_dir: Path | None = None,
    gazetteer: Gazetteer | None = None,
    meeting_date: date | None = None,
) -> list[ParsedNotice]:
    """The notices in a .docx notice or an Excel list, read under the file's own name so
    that error messages name the file the user chose (the stored copy has another name)."""
    kind = kind_of(path, name)
    with tempfile.TemporaryDirectory(dir=tmp_dir) as folder:
        named = Path(folder) / (Path(name).name or f"tep.{kind}")
        try:
            os.link(path, named)
        except OSError:  # a file system without hard links (some network shares)
            shutil.copyfile(path, named)
        if kind == "xlsx":
            found = read_xlsx(named, max_rows)
            for notice in found:
                notice.received_on = notice.received_on or received_on
            return found
        return [read_docx(named, number, issued_on, received_on, meeting_date=meeting_date, gazetteer=gazetteer)]


def kind_of(path: Path, name: str) -> str:
    """ "docx" or "xlsx" (ketluan/officefile.py: kind_of); InputError otherwise."""
    kind = office_kind(path, name)
    if kind is None:
        raise InputError(
            f"Tệp '{name}' không phải .docx hay .xlsx.",
            "Tải lên thông báo kết luận (.docx) hoặc danh sách nhiệm vụ Excel (.xlsx).",
        )
    return kind


def check_safe(path: Path, name: str) -> str:
    """The file's kind, once the office-file safety check passed (ketluan/officefile.py): the
    upload route refuses a hostile file at once, before it is stored or queued."""
    kind = kind_of(path, name)
    check_office_file(path, kind, DocumentError if kind == "docx" else InputError, name)
    return kind
