"""Directive tracking: the tasks of signed notices, their deadlines, statuses, warnings and reports.

    notice = tracking.read_docx("02-TB-TU.docx", received_on=date(2026, 8, 27))
    pending = tracking.preview(session, [notice], unit_id=office.id, user=tracker)
    tracking.confirm(session, pending.id, user=tracker)
    tracking.status_of(task, today)            # pure: dates and progress in, status out

Domain logic only: no HTTP here (api/routes/tracking.py is a thin wrapper).
"""

import ketluan  # noqa: F401  (offline environment)
from tracking.excel import read_xlsx, write_template
from tracking.imports import confirm, diff, preview
from tracking.source import ParsedNotice, ParsedTask, read_docx
from tracking.status import STATUSES, Rules, TaskState, status_of, warning_of

__all__ = [
    "STATUSES",
    "ParsedNotice",
    "ParsedTask",
    "Rules",
    "TaskState",
    "confirm",
    "diff",
    "preview",
    "read_docx",
    "read_xlsx",
    "status_of",
    "warning_of",
    "write_template",
]
