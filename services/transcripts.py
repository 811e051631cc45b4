"""Transcripts: the version to read, an edit (texts, speaker names, merges; a new version),
saving a speaker's voice from it, restoring an old version. Nothing here commits: the route
audits and commits."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

import db
from db.voiceprints import carry_centroids, enrol_from_transcript
from diarize.voiceprints import Person, Voiceprint
from ketluan.errors import ConflictError, NotFoundError
from services.drafts import latest_version, next_version
from transcribe import Transcript
from transcribe.edits import Edits, apply_edits


def find_version(s: Session, meeting_id: int, version: int | None) -> db.TranscriptVersion:
    """Version `version` of the meeting's transcript, the newest when None; 404 if none."""
    number = version if version is not None else latest_version(s, db.TranscriptVersion, meeting_id)
    tv = s.scalars(
        select(db.TranscriptVersion).where(
            db.TranscriptVersion.meeting_id == meeting_id, db.TranscriptVersion.version == number
        )
    ).first()
    if tv is None:
        which = f"phiên bản {version}" if version else "bản chép lời nào"
        raise NotFoundError(
            f"Cuộc họp #{meeting_id} chưa có {which}.",
            "Chờ công việc chép lời xong (xem trạng thái công việc).",
        )
    return tv


@dataclass
class Edited:
    version: db.TranscriptVersion
    enrolled: list[tuple[str, Voiceprint]] = field(default_factory=list)  # (label, voiceprint)


def edit(
    s: Session,
    meeting: db.Meeting,
    base_version: int,
    edits: Edits,
    note: str,
    user_id: int,
    enrol: Mapping[str, Person] | None = None,
) -> Edited:
    """A new version ("edit") of the newest transcript with `edits` applied; refused when the
    newest is no longer `base_version` (someone else saved meanwhile). Each speaker in `enrol`
    has their voice saved under that person (their centroid in this meeting, no model run) in
    the unit's voice registry, so later meetings name them."""
    latest = find_version(s, meeting.id, None)
    if base_version != latest.version:
        raise ConflictError(
            f"Bản chép lời đã được sửa thành phiên bản {latest.version} trong khi bạn sửa phiên bản {base_version}.",
            "Tải lại bản mới nhất rồi sửa lại.",
        )
    edited = apply_edits(Transcript.from_dict(latest.data), edits)
    tv = db.TranscriptVersion(
        meeting_id=meeting.id,
        version=latest.version + 1,
        source="edit",
        data=edited.to_dict(),
        speaker_embeddings=carry_centroids(latest.speaker_embeddings, edits.merges),
        note=note,
        created_by=user_id,
    )
    s.add(tv)
    s.flush()
    result = Edited(tv)
    for label, person in (enrol or {}).items():
        result.enrolled.append((label, enrol_from_transcript(s, meeting, tv, label, person, user_id=user_id)))
    return result


def restore(s: Session, meeting: db.Meeting, version: int, user_id: int) -> db.TranscriptVersion:
    """Copy an old version as the newest one (nothing is deleted)."""
    old = s.scalar(
        select(db.TranscriptVersion).where(
            db.TranscriptVersion.meeting_id == meeting.id, db.TranscriptVersion.version == version
        )
    )
    if old is None:
        raise NotFoundError(f"Không có phiên bản {version}.", "Chọn trong danh sách phiên bản.")
    tv = db.TranscriptVersion(
        meeting_id=meeting.id,
        version=next_version(s, db.TranscriptVersion, meeting.id),
        source="restore",
        data=old.data,
        speaker_embeddings=old.speaker_embeddings,
        note=f"khôi phục phiên bản {old.version}",
        created_by=user_id,
    )
    s.add(tv)
    s.flush()
    return tv
