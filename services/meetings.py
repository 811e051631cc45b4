"""A meeting row as the packages below see it: plain data for the transcript, a
drafting.Meeting for the notice (the worker's stages and the draft editing both use these)."""

from typing import Any

import db
import drafting


def drafting_meeting(meeting: db.Meeting) -> drafting.Meeting:
    """drafting.Meeting from the row; a clear InputError when the date or issuing body is missing.
    (drafting/ reads attributes, so a plain dict is not enough.)"""
    info = {k: v for k, v in meeting_dict(meeting).items() if k != "id"}
    return drafting.Meeting.from_dict(info)


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
