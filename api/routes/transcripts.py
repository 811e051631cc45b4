"""Transcripts: read a version, list versions, patch (each patch makes a new version), export."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

import db
from api.deps import DB, Drafter, Listener, audit, visible_meeting
from api.middleware import LARGE_BODY
from api.schemas import TranscriptOut, TranscriptPatch, VersionOut, VoiceprintOut
from diarize.voiceprints import Person
from ketluan.errors import InputError, NotFoundError
from services import transcripts
from services.transcripts import find_version
from transcribe import FORMATS, Transcript, export
from transcribe.docx_export import to_docx
from transcribe.edits import Edits
from transcribe.transcript import Speaker

router = APIRouter(prefix="/api/meetings/{meeting_id}", tags=["Bản chép lời"])
EXPORTS = (*FORMATS, "docx")
MEDIA = {
    "json": "application/json",
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
Version = Annotated[int | None, Query(ge=1, description="Mặc định: bản mới nhất.")]


@router.get("/transcript", response_model=TranscriptOut)
def get_transcript(meeting_id: int, request: Request, user: Listener, s: DB, version: Version = None) -> TranscriptOut:
    """Bản chép lời (JSON của transcribe.Transcript), được ghi vào nhật ký truy cập."""
    meeting = visible_meeting(s, user, meeting_id)
    if version is None:
        _has_a_way(s, meeting)
    tv = find_version(s, meeting.id, version)
    audit(s, request, user, "read", "transcript", tv.id, meeting.id, version=tv.version)
    s.commit()
    return TranscriptOut.of(tv)


@router.get("/transcript/versions", response_model=list[VersionOut])
def list_versions(meeting_id: int, user: Listener, s: DB) -> list[VersionOut]:
    """Các phiên bản chép lời, cũ nhất trước."""
    meeting = visible_meeting(s, user, meeting_id)
    rows = s.scalars(
        select(db.TranscriptVersion)
        .where(db.TranscriptVersion.meeting_id == meeting.id)
        .order_by(db.TranscriptVersion.version)
    )
    return [
        VersionOut(
            version=r.version,
            source=r.source,
            note=r.note,
            created_at=r.created_at,
            created_by=r.created_by,
        )
        for r in rows
    ]


@router.patch("/transcript", response_model=TranscriptOut, openapi_extra=LARGE_BODY)
def patch_transcript(meeting_id: int, body: TranscriptPatch, request: Request, user: Drafter, s: DB) -> TranscriptOut:
    """Sửa lời từng đoạn, tên người nói, hoặc gộp hai người nói; tạo một phiên bản mới.

    Một người nói có `enrol: true` được lưu giọng nói: vân tay giọng của họ trong cuộc họp
    (đi kèm bản chép lời, không chạy lại mô hình) vào danh bạ giọng nói của đơn vị, dưới tên
    vừa đặt; các cuộc họp sau sẽ tự gọi tên người đó. Xác nhận một tên gợi ý theo giọng là gửi
    lại đúng tên đó (độ tin cậy thành 1.0)."""
    meeting = visible_meeting(s, user, meeting_id)
    if not (body.segments or body.speakers or body.merge):
        raise InputError("Không có thay đổi nào để lưu.", "Gửi segments, speakers hoặc merge.")
    edits = Edits(
        texts={e.id: e.text for e in body.segments},
        speakers={k: Speaker(name=v.name, title=v.title, unit=v.unit) for k, v in body.speakers.items()},
        merges=[(m.source, m.target) for m in body.merge],
    )
    enrol = {label: Person(e.name, e.title, e.unit) for label, e in body.speakers.items() if e.enrol}
    done = transcripts.edit(s, meeting, body.base_version, edits, body.note or _summary(body), user.id, enrol)
    tv = done.version
    audit(s, request, user, "update", "transcript", tv.id, meeting.id, version=tv.version)
    for label, vp in done.enrolled:
        audit(s, request, user, "create", "voiceprint", vp.id, meeting.id, label=label)
    s.commit()
    return TranscriptOut.of(tv, [VoiceprintOut.of(vp) for _, vp in done.enrolled])


@router.get("/export/{fmt}", response_class=Response)
def export_transcript(
    meeting_id: int,
    fmt: Annotated[str, Path(max_length=16)],
    request: Request,
    user: Listener,
    s: DB,
    version: Version = None,
) -> Response:
    """Xuất bản chép lời: json, txt, srt, vtt hoặc docx."""
    fmt = fmt.lower()
    if fmt not in EXPORTS:
        raise InputError(f"Định dạng '{fmt}' không hỗ trợ.", f"Chọn trong: {', '.join(EXPORTS)}.")
    meeting = visible_meeting(s, user, meeting_id)
    tv = find_version(s, meeting.id, version)
    transcript = Transcript.from_dict(tv.data)
    content = to_docx(transcript) if fmt == "docx" else export(transcript, fmt).encode("utf-8")
    audit(
        s,
        request,
        user,
        "download",
        "transcript",
        tv.id,
        meeting.id,
        version=tv.version,
        format=fmt,
    )
    s.commit()
    name = f"chep-loi-{meeting.id}-v{tv.version}.{fmt}"
    return Response(
        content,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _has_a_way(s, meeting: db.Meeting) -> None:
    """No transcript yet: say why, and what to do, rather than "wait for the job" when there is
    no recording or no job to wait for."""
    if s.scalar(select(db.TranscriptVersion.id).where(db.TranscriptVersion.meeting_id == meeting.id).limit(1)):
        return
    if meeting.audio_id is None:
        raise NotFoundError(
            f"Cuộc họp #{meeting.id} chưa có bản ghi âm nên chưa có bản chép lời.",
            "Ở trang Cuộc họp, bấm “Tải bản ghi lên” ở dòng của cuộc họp này, hoặc bấm “Xóa” "
            "nếu cuộc họp được tạo nhầm.",
        )
    if s.scalar(select(db.Job.id).where(db.Job.meeting_id == meeting.id).limit(1)) is None:
        raise NotFoundError(
            f"Cuộc họp #{meeting.id} chưa được chép lời.",
            "Cuộc họp có bản ghi nhưng chưa có công việc chép lời nào: báo quản trị viên, hoặc "
            "xóa cuộc họp ở trang Cuộc họp rồi tải bản ghi lên lại.",
        )


def _summary(body: TranscriptPatch) -> str:
    parts = []
    if body.segments:
        parts.append(f"sửa {len(body.segments)} đoạn")
    if body.speakers:
        parts.append(f"đặt tên {len(body.speakers)} người nói")
    if body.merge:
        parts.append(f"gộp {len(body.merge)} người nói")
    enrol = sum(edit.enrol for edit in body.speakers.values())
    if enrol:
        parts.append(f"lưu giọng nói {enrol} người")
    return ", ".join(parts)
