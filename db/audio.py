"""Attaching an uploaded recording to a meeting: de-duplication by SHA-256, then a new Job."""

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ACTIVE_STATES, AudioFile, Job, Meeting
from db.storage import FileStore
from ketluan.errors import ConflictError


def check_not_busy(s: Session, meeting: Meeting) -> None:
    busy = s.scalar(select(Job.id).where(Job.meeting_id == meeting.id, Job.state.in_(ACTIVE_STATES)))
    if busy:
        raise ConflictError(
            f"Cuộc họp #{meeting.id} đang được xử lý (công việc #{busy}).",
            "Chờ công việc xong hoặc hủy nó trước khi tải bản ghi khác lên.",
        )


def find_duplicate(s: Session, sha256: str, unit_id: int | None) -> Meeting | None:
    """A meeting (of the unit, or any if unit_id is None) that already has this recording."""
    q = select(Meeting).join(AudioFile, Meeting.audio_id == AudioFile.id)
    q = q.where(AudioFile.sha256 == sha256)
    if unit_id is not None:
        q = q.where(Meeting.unit_id == unit_id)
    return s.scalars(q.limit(1)).first()


def store_audio(
    s: Session,
    store: FileStore,
    incoming: Path,
    sha256: str,
    size: int,
    info,
    original_name: str,
    user_id: int | None,
    unit_id: int,
) -> AudioFile:
    """The unit's own AudioFile row for this content; the file itself is stored once, whoever
    uploads it (a second unit's upload shares the file, never the first unit's row)."""
    relative = store.commit(incoming, sha256)
    audio = AudioFile(
        unit_id=unit_id,
        sha256=sha256,
        size=size,
        duration=round(info.duration, 3),
        format=info.format,
        codec=info.codec,
        sample_rate=info.sample_rate,
        channels=info.channels,
        storage_path=relative,
        original_name=original_name,
        uploaded_by=user_id,
    )
    s.add(audio)
    s.flush()
    return audio
