"""Drafting: the chair's conclusion → a "Thông báo kết luận" (.docx) and its tasks, and back.

conclusion = drafting.extract(transcript, meeting)
drafting.render_notice(conclusion, meeting).save("notice.docx")
drafting.render_minutes(transcript, meeting, conclusion).save("minutes.docx")
tasks = drafting.read_notice("notice_edited.docx")
"""

import ketluan  # noqa: F401  (offline environment)
from drafting.docxkit import PageStyle
from drafting.extract import extract, extract_text
from drafting.meeting import Meeting
from drafting.minutes import render_minutes
from drafting.model import Conclusion, Deadline, Evidence, Item, Task
from drafting.reader import read_notice
from drafting.render import render_notice
from drafting.wording import clashes


def check_meeting(meeting: Meeting) -> list[str]:
    """Warnings for values of the other format (a State notice signed "T/M", a Party one
    with "Lưu: VT"): each says what to change."""
    return clashes(meeting)


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
