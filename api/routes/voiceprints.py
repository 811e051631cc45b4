"""The voiceprint registry of a unit: enrol a person from a clip (a job on the gpu queue) or
from a speaker of a past meeting (at once, from the centroid kept with the transcript), list,
delete. The registry is db.voiceprints.DBVoiceprints; these routes only check and record."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

import db
from api.deps import (
    DB,
    Drafter,
    Preparer,
    all_units,
    audit,
    visible_meeting,
    visible_speaker,
)
from api.routes.audio import UPLOAD_DOC
from api.schemas import JobOut, MeetingVoiceIn, VoiceprintOut
from api.upload import Received, receive_file
from db.voiceprints import DBVoiceprints, enrol_from_transcript
from diarize.voiceprints import Person
from ketluan.errors import AudioError, ConflictError, NotFoundError
from services import jobs, meeting_jobs
from services.transcripts import find_version
from transcribe.sniff import sniff

router = APIRouter(tags=["Giọng nói"])
CLIPS = "voiceprint-clips"  # in the file store, only while the enrolment job runs


@router.get("/api/voiceprints", response_model=list[VoiceprintOut])
def list_voiceprints(
    user: Preparer,
    s: DB,
    speaker_id: Annotated[int | None, Query(description="Chỉ của người này.")] = None,
) -> list[VoiceprintOut]:
    """Vân tay giọng nói trong danh bạ của đơn vị (quản trị viên: mọi đơn vị), cũ nhất
    trước: người, mô hình, nguồn, ngày, người ghi danh. Vectơ không được trả về."""
    registry = DBVoiceprints(s, None if all_units(user) else user.unit_id)
    return [VoiceprintOut.of(vp) for vp in registry.list(speaker_id=speaker_id)]


@router.delete("/api/voiceprints/{voiceprint_id}", status_code=204)
def delete_voiceprint(voiceprint_id: int, request: Request, user: Drafter, s: DB) -> None:
    """Xóa một vân tay giọng nói (người đó vẫn ở trong danh bạ)."""
    registry = DBVoiceprints(s, None if all_units(user) else user.unit_id)
    if not registry.remove(voiceprint_id):
        raise NotFoundError(
            f"Không có vân tay giọng nói #{voiceprint_id} trong danh bạ của đơn vị.",
            "Tải lại danh sách vân tay giọng nói.",
        )
    audit(s, request, user, "delete", "voiceprint", voiceprint_id)
    s.commit()


@router.post(
    "/api/speakers/{speaker_id}/voiceprints",
    response_model=JobOut,
    status_code=202,
    openapi_extra=UPLOAD_DOC,
)
async def enrol_from_clip(speaker_id: int, request: Request, user: Drafter, s: DB) -> JobOut:
    """Ghi danh giọng nói của một người trong danh bạ từ một đoạn ghi âm (multipart, trường
    `file`; 10–60 giây người đó nói rõ là đủ, tối đa 10 phút).

    Tệp được ghi thẳng xuống đĩa và kiểm tra bằng PyAV như bản ghi cuộc họp, rồi một công việc
    được xếp vào hàng `gpu` (cần mô hình phân biệt người nói); theo dõi nó ở
    `/api/jobs/{id}` hoặc `/api/jobs/{id}/events`. Khi công việc kết thúc, đoạn ghi âm bị xóa:
    chỉ vân tay giọng (một vectơ) được lưu.
    """
    state = request.app.state
    speaker = await run_in_threadpool(visible_speaker, s, user, speaker_id)
    with state.store.incoming() as tmp:  # removed on every error path
        got = await receive_file(request, tmp, state.settings.voiceprint_clip_max_bytes)
        info = await run_in_threadpool(sniff, tmp, got.filename)
        check_clip_length(info.duration, got.filename)
        job = await run_in_threadpool(_queue_clip, request, s, user, speaker, got)
    jobs.dispatch(state.send, job)
    return JobOut.of(job)


@router.post(
    "/api/meetings/{meeting_id}/speakers/{label}/voiceprint",
    response_model=VoiceprintOut,
    status_code=201,
)
def enrol_from_meeting(
    meeting_id: int,
    label: Annotated[str, Path(max_length=64)],
    body: MeetingVoiceIn,
    request: Request,
    user: Drafter,
    s: DB,
) -> VoiceprintOut:
    """Ghi danh giọng nói của người nói `label` (ví dụ S2) trong một cuộc họp đã xử lý, ngay
    lập tức: dùng vân tay giọng (vectơ) đi kèm bản chép lời, không chạy lại mô hình. Vào
    danh bạ của đơn vị sở hữu cuộc họp: cho người `speaker_id`, hoặc theo họ tên (mặc định:
    tên người nói trong bản chép lời)."""
    meeting = visible_meeting(s, user, meeting_id)
    tv = find_version(s, meeting.id, body.version)
    if body.speaker_id is not None:
        visible_speaker(s, user, body.speaker_id)
    person = Person(body.name, body.title, body.organisation) if body.name else None
    vp = enrol_from_transcript(s, meeting, tv, label, person, body.speaker_id, user.id)
    audit(s, request, user, "create", "voiceprint", vp.id, meeting.id, label=label, version=tv.version)
    s.commit()
    return VoiceprintOut.of(vp)


@router.delete("/api/speakers/{speaker_id}", status_code=204)
def delete_speaker(speaker_id: int, request: Request, user: Drafter, s: DB) -> None:
    """Xóa một người khỏi danh bạ người nói, cùng mọi vân tay giọng nói của họ."""
    speaker = visible_speaker(s, user, speaker_id)
    busy = s.scalar(select(db.Job.id).where(db.Job.speaker_id == speaker.id, db.Job.state.in_(db.ACTIVE_STATES)))
    if busy:
        raise ConflictError(
            f"Đang ghi danh giọng nói cho {speaker.name} (công việc #{busy}).",
            "Chờ công việc xong hoặc hủy nó rồi xóa.",
        )
    audit(s, request, user, "delete", "speaker", speaker.id, name=speaker.name)
    s.delete(speaker)
    s.commit()


ENROL_SECONDS = (10.0, 60.0)  # what the page asks for: enough speech for a print, not a meeting


def check_clip_length(duration: float, name: str) -> None:
    """An enrolment clip is 10–60 s of one person speaking; anything else is refused, saying
    why, before any job is queued."""
    low, high = ENROL_SECONDS
    if low <= duration <= high:
        return
    length = f"{duration:.1f} giây" if duration < 120 else f"{duration / 60:.0f} phút"
    raise AudioError(
        f"Đoạn ghi âm '{name}' dài {length}: {'quá ngắn' if duration < low else 'quá dài'} để ghi danh giọng nói.",
        f"Chọn một đoạn {low:.0f}–{high:.0f} giây chỉ có người đó nói rõ.",
    )


def _queue_clip(request: Request, s, user: db.User, speaker: db.Speaker, got: Received) -> db.Job:
    store = request.app.state.store
    clip = store.keep(got.path, CLIPS)
    try:
        job = meeting_jobs.create_enrolment(s, speaker.id, clip, got.filename, user.id)
        audit(
            s,
            request,
            user,
            "create",
            "job",
            job.id,
            kind=job.kind,
            speaker_id=speaker.id,
            name=got.filename,
            size=got.size,
        )
        s.commit()
        return job
    except BaseException:
        s.rollback()
        store.path(clip).unlink(missing_ok=True)
        raise
