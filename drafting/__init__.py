"""Drafting: the chair's conclusion → a "Thông báo kết luận" (.docx) and its tasks, and back.

    conclusion = drafting.extract(transcript, meeting)
    drafting.render_notice(conclusion, meeting).save("notice.docx")
    drafting.render_minutes(transcript, meeting, conclusion).save("minutes.docx")
    tasks = drafting.read_notice("notice_edited.docx")
"""

from datetime import date
from pathlib import Path

import ketluan  # noqa: F401  (offline environment)
from drafting.docxkit import PageStyle
from drafting.extract import extract, extract_text
from drafting.meeting import Meeting
from drafting.model import Conclusion, Deadline, Evidence, Item, Task
from transcribe.transcript import Transcript


def render_notice(conclusion: Conclusion, meeting: Meeting, template: str | Path | None = None,
                  appendix: bool | None = None, page: PageStyle | None = None):
    """The notice as a python-docx Document (call .save(path)); `appendix` adds the task
    table after the signature (default: the layout's task_appendix); `page`: font and margins
    (PageStyle.from_settings at the edge; default: the settings' defaults)."""
    from drafting.render import render_notice as _render

    return _render(conclusion, meeting, template=template, appendix=appendix, page=page)


def render_minutes(transcript: Transcript, meeting: Meeting,
                   conclusion: Conclusion | None = None, page: PageStyle | None = None):
    """The minutes (biên bản, NĐ 30 Mẫu 1.9): who spoke and what they raised, the conclusion,
    the end time, signatures. Audio times stay in the transcript's own exports."""
    from drafting.minutes import render_minutes as _render

    return _render(transcript, meeting, conclusion, page=page)


def check_meeting(meeting: Meeting) -> list[str]:
    """Warnings for values of the other format (a State notice signed "T/M", a Party one
    with "Lưu: VT"): each says what to change."""
    from drafting.wording import clashes

    return clashes(meeting)


def read_notice(path: str | Path, meeting_date: date | None = None,
                issued_on: date | None = None) -> list[Task]:
    """Tasks from a conclusions .docx: its task table, or its paragraphs when it has none.
    Dates count from `meeting_date`, else the document's own date, else `issued_on`."""
    from drafting.reader import read_notice as _read

    return _read(path, meeting_date=meeting_date, issued_on=issued_on)


__all__ = [
    "Conclusion",
    "Deadline",
    "Evidence",
    "Item",
    "Meeting",
    "PageStyle",
    "Task",
    "check_meeting",
    "extract",
    "extract_text",
    "read_notice",
    "render_minutes",
    "render_notice",
]
