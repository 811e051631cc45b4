"""Drafting: the chair's conclusion → a "Thông báo kết luận" (.docx) and its tasks, and back.

    conclusion = drafting.extract(transcript, meeting)
    drafting.render_notice(conclusion, meeting).save("notice.docx")
    drafting.render_minutes(transcript, meeting).save("minutes.docx")
    tasks = drafting.read_notice("notice_edited.docx")
"""

import ketluan  # noqa: F401  (offline environment)
from drafting.extract import extract, extract_text
from drafting.meeting import Meeting
from drafting.model import Conclusion, Deadline, Evidence, Item, Task


def render_notice(conclusion, meeting, template=None):
    """The notice as a python-docx Document (call .save(path))."""
    from drafting.render import render_notice as _render

    return _render(conclusion, meeting, template=template)


def render_minutes(transcript, meeting):
    """The minutes (biên bản): the full transcript with speakers and times."""
    from drafting.minutes import render_minutes as _render

    return _render(transcript, meeting)


def read_notice(path):
    """Tasks from a conclusions .docx: its task table, or the body text when it has none."""
    from drafting.reader import read_notice as _read

    return _read(path)


__all__ = [
    "Conclusion",
    "Deadline",
    "Evidence",
    "Item",
    "Meeting",
    "Task",
    "extract",
    "extract_text",
    "read_notice",
    "render_minutes",
    "render_notice",
]
