"""What an import reads: notices with their tasks, before anything is saved.

    notice = read_docx("02-TB-TU.docx")              # via drafting.reader.read_with_header
    notices = tracking.excel.read_xlsx("list.xlsx")  # one or several notices

The tasks come from drafting's reader, each with the quote and audio time of the Word
comment ketluan puts on its paragraph (they survive the drafter's editing unless deleted);
the notice number, dates and title come from the document header (drafting/notice_header.py).
"""

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from drafting.gazetteer import Gazetteer
from drafting.model import Task
from drafting.reader import read_with_header
from ketluan.errors import InputError
from tracking.status import FIXED, UNSET, effective_due, kind_from_drafting
from transcribe.transcript import nfc


@dataclass
class ParsedTask:
    content: str
    lead: str = ""
    supports: list[str] = field(default_factory=list)
    sector: str = ""  # lĩnh vực
    deadline_kind: str = UNSET
    deadline_phrase: str = ""
    due: date | None = None  # the deadline as written (None for "trong N ngày")
    quote: str = ""
    audio_start: float | None = None
    audio_end: float | None = None
    documents: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["due"] = self.due.isoformat() if self.due else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ParsedTask":
        d = dict(d)
        d["due"] = date.fromisoformat(d["due"]) if d.get("due") else None
        return cls(**d)


@dataclass
class ParsedNotice:
    number: str
    issued_on: date | None
    tasks: list[ParsedTask]
    title: str = ""
    issuing_body: str = ""
    meeting: str = ""
    received_on: date | None = None
    source_kind: str = "docx"
    source_name: str = ""
    sha256: str = ""
    meeting_id: int | None = None  # the meeting in ketluan, when imported from its draft

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["issued_on"] = self.issued_on.isoformat() if self.issued_on else None
        d["received_on"] = self.received_on.isoformat() if self.received_on else None
        d["tasks"] = [t.to_dict() for t in self.tasks]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ParsedNotice":
        d = dict(d)
        for k in ("issued_on", "received_on"):
            d[k] = date.fromisoformat(d[k]) if d.get(k) else None
        d["tasks"] = [ParsedTask.from_dict(t) for t in d["tasks"]]
        return cls(**d)

    def due_of(self, task: ParsedTask) -> date | None:
        return effective_due(task.deadline_kind, task.due, task.deadline_phrase, self.received_on)


def read_docx(
    path: str | Path,
    number: str | None = None,
    issued_on: date | None = None,
    received_on: date | None = None,
    meeting_date: date | None = None,
    gazetteer: Gazetteer | None = None,
) -> ParsedNotice:
    """A conclusions .docx (generated then edited, or written by hand) as a ParsedNotice.

    `number` and `issued_on` override what the header says (a draft has them blank);
    dates without a year and relative deadlines count from `meeting_date`, else the
    meeting date ketluan stored, else the header's date, else `issued_on`."""
    path = Path(path)
    # checks the file first (zip bombs, macros, XML tricks); each task with its evidence, and
    # the header as drafting reads it (drafting/notice_header.py), from one opening
    tasks, header = read_with_header(path, meeting_date=meeting_date, issued_on=issued_on, gazetteer=gazetteer)
    issued_on = issued_on or header.issued_on
    number = nfc((number or header.number).strip())
    if not number:
        raise InputError(
            f"Không thấy số thông báo trong '{path.name}' (dòng 'Số …' còn trống).",
            "Điền số thông báo vào ô “Số văn bản” (ví dụ 02-TB/TU) rồi bấm “Đọc và xem trước” "
            "lại, hoặc điền số vào văn bản.",
            cli_hint="Nhập số thông báo khi nhập (ví dụ --number 02-TB/TU) hoặc điền vào văn bản.",
        )
    if issued_on is None:
        raise InputError(
            f"Không thấy ngày ban hành trong '{path.name}' (dòng 'ngày … tháng … năm …').",
            "Điền ngày vào ô “Ngày ban hành” (ví dụ 25/08/2026) rồi bấm “Đọc và xem trước” lại, "
            "hoặc điền ngày vào văn bản.",
            cli_hint="Nhập ngày ban hành khi nhập (ví dụ --issued 2026-08-25) hoặc điền vào văn bản.",
        )
    parsed = []
    for task in tasks:
        parsed += _split_leads(task)
    return ParsedNotice(
        number=number,
        issued_on=issued_on,
        tasks=parsed,
        title=header.title,
        issuing_body=header.issuing_body,
        meeting=header.meeting,
        received_on=received_on,
        source_kind="docx",
        source_name=path.name,
        sha256=sha256_of(path),
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# -- helpers ------------------------------------------------------------------------------


def _split_leads(task: Task) -> list[ParsedTask]:
    """One tracked task per lead unit: each lead answers for its own result and deadline."""
    kind = kind_from_drafting(task.deadline.kind)
    if kind == UNSET and task.deadline.due is not None:
        kind = FIXED
    quote, start, end = task.quote, task.evidence.start, task.evidence.end
    leads = task.leads or [""]
    return [
        ParsedTask(
            content=nfc(task.action.strip()),
            lead=nfc(lead.strip()),
            supports=[nfc(s.strip()) for s in task.supports],
            deadline_kind=kind,
            deadline_phrase=nfc(task.deadline.phrase.strip()),
            due=task.deadline.due,
            quote=nfc(quote),
            audio_start=start,
            audio_end=end,
        )
        for lead in leads
    ]
