"""A meeting row as the packages below see it: plain data for the transcript, a
drafting.Meeting for the notice (the worker's stages and the draft editing both use these)."""

import re
from typing import Any

import db
import drafting
from drafting.docxkit import layout


def drafting_meeting(meeting: db.Meeting) -> drafting.Meeting:
    """drafting.Meeting from the row; a clear InputError when the date or issuing body is missing.
    (drafting/ reads attributes, so a plain dict is not enough.)"""
    info = {k: v for k, v in meeting_dict(meeting).items() if k != "id"}
    info["notice_number"] = bare_number(meeting.notice_number or "", meeting.format or "state")
    return drafting.Meeting.from_dict(info)


def bare_number(number: str, fmt: str) -> str:
    """The notice's number as drafting/ writes it, before its format's symbol: the forms show
    the whole number line as their example ("Số 123-TB/TU"), so offices type "25-TB/TU", which
    the notice printed as "Số 25-TB/TU-TB/TU". The row keeps what was typed (tracking files the
    notice under it)."""
    suffix = layout(fmt if fmt in ("party", "state") else "state")["number_suffix"]
    number = re.sub(r"^\s*số\s*:?\s*", "", number.strip(), flags=re.IGNORECASE)
    return re.sub(rf"\s*[-/]\s*{re.escape(suffix)}\s*$", "", number, flags=re.IGNORECASE)


def meeting_dict(meeting: db.Meeting) -> dict[str, Any]:
    """The meeting fields drafting/ and the transcript carry (plain data, no ORM)."""
    return {
        "id": meeting.id,
        "issuing_body": meeting.issuing_body,
        "superior_body": meeting.superior_body,
        "title": meeting.title,
        "date": meeting.date.isoformat() if meeting.date else "",
        "place": meeting.place,
        "chair": meeting.chair,
        "attendees": list(meeting.attendees or []),
        "notice_number": meeting.notice_number,
        "format": meeting.format,
        "concluded_by": meeting.concluded_by or "",
        "signer_authority": meeting.signer_authority or "",
        "signer_title": meeting.signer_title or "",
        "signer_name": meeting.signer_name or "",
        "recipients": list(meeting.recipients or []),
    }
