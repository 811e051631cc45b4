"""Request and response bodies, kept apart from the database models."""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

import db
from ketluan.roles import Role, role_name
from transcribe.transcript import nfc

STATE_NAMES = {
    db.QUEUED: "Đang chờ xử lý",
    db.RUNNING: "Đang xử lý",
    db.TRANSCRIBING: "Đang chép lời",
    db.DIARIZING: "Đang phân biệt người nói",
    db.DRAFTING: "Đang soạn thông báo",
    db.DONE: "Hoàn thành",
    db.FAILED: "Lỗi",
    db.CANCELLED: "Đã hủy",
}


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _nfc_strings(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:  # PostgreSQL cannot store it; no real text holds one
            raise ValueError("chứa ký tự NUL (\\x00), không được phép trong văn bản")
        return nfc(value).strip()
    if isinstance(value, list):
        return [_nfc_strings(v) for v in value]
    if isinstance(value, dict):
        return {_nfc_strings(k): _nfc_strings(v) for k, v in value.items()}
    return value


Name = Annotated[str, Field(max_length=255)]  # a person's or a unit's name, one list item


class In(BaseModel):
    """Inputs: unknown fields refused, text NFC-normalised."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _nfc(cls, value: Any) -> Any:
        return _nfc_strings(value)


# -- accounts ---------------------------------------------------------------


class LoginIn(In):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class UserOut(Out):
    id: int
    username: str
    full_name: str
    role: str
    role_name: str
    unit_code: str | None
    unit_name: str | None
    active: bool = True

    @classmethod
    def of(cls, u: db.User) -> "UserOut":
        return cls(
            id=u.id,
            active=u.active,
            username=u.username,
            full_name=u.full_name,
            role=u.role_code,
            role_name=role_name(u.role_code),
            unit_code=u.unit.code if u.unit else None,
            unit_name=u.unit.name if u.unit else None,
        )


class LoginOut(BaseModel):
    token: str
    csrf_token: str = Field(
        description="Gửi trong tiêu đề X-CSRF-Token khi dùng cookie phiên cho POST/PUT/PATCH/DELETE."
    )
    user: UserOut


class TokenIn(In):
    label: str = Field(default="", max_length=128)


class TokenOut(BaseModel):
    id: int = Field(description="Dùng để thu hồi riêng mã này: DELETE /api/auth/tokens/{id}.")
    token: str
    label: str


class TokenInfo(Out):
    id: int
    kind: str = Field(description="session (đăng nhập web) | api")
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime | None


class UserPatch(In):
    active: bool | None = Field(None, description="false: khóa tài khoản (mọi phiên và mã truy cập bị thu hồi).")
    full_name: str | None = Field(None, max_length=255)
    role: Role | None = None
    unit_code: str | None = Field(None, max_length=64, description="Đơn vị (mã) của tài khoản.")
    password: str | None = Field(None, max_length=256, description="Đặt lại mật khẩu (mọi phiên bị thu hồi).")


class UserIn(In):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256, description="Ít nhất 10 ký tự, không chỉ chữ số, không phổ biến.")
    role: Role
    unit_code: str | None = Field(default=None, max_length=64)
    full_name: str = Field(default="", max_length=255)


class UnitIn(In):
    code: str = Field(min_length=1, max_length=64, description="Chữ in hoa không dấu, chữ số, '-', '_'.")
    name: str = Field(min_length=1, max_length=255)


class UnitOut(Out):
    id: int
    code: str
    name: str


# -- meetings ---------------------------------------------------------------


class MeetingIn(In):
    title: str = Field(min_length=1, max_length=500)
    issuing_body: str = Field(default="", max_length=255)
    superior_body: str = Field(default="", max_length=255)
    date: dt.date | None = None
    place: str = Field(default="", max_length=255)
    chair: str = Field(default="", max_length=255)
    attendees: list[Name] = Field(default_factory=list, max_length=500)
    notice_number: str = Field(default="", max_length=64)
    format: Literal["party", "state"] = "state"
    glossary: str = Field(default="", max_length=200_000)
    concluded_by: str = Field(default="", max_length=255)
    signer_authority: str = Field(default="", max_length=128)
    signer_title: str = Field(default="", max_length=128)
    signer_name: str = Field(default="", max_length=128)
    recipients: list[Name] = Field(default_factory=list, max_length=100)
    unit_code: str | None = Field(default=None, max_length=64, description="Chỉ quản trị viên: đơn vị sở hữu.")


class MeetingPatch(In):
    title: str | None = Field(default=None, min_length=1, max_length=500)
    issuing_body: str | None = Field(default=None, max_length=255)
    superior_body: str | None = Field(default=None, max_length=255)
    date: dt.date | None = None
    place: str | None = Field(default=None, max_length=255)
    chair: str | None = Field(default=None, max_length=255)
    attendees: list[Name] | None = Field(default=None, max_length=500)
    notice_number: str | None = Field(default=None, max_length=64)
    format: Literal["party", "state"] | None = None
    glossary: str | None = Field(default=None, max_length=200_000)
    concluded_by: str | None = Field(default=None, max_length=255)
    signer_authority: str | None = Field(default=None, max_length=128)
    signer_title: str | None = Field(default=None, max_length=128)
    signer_name: str | None = Field(default=None, max_length=128)
    recipients: list[Name] | None = Field(default=None, max_length=100)


class NoticePatch(In):
    """What the drafter sets on the draft page: the notice's number, who concluded, the
    signer and the recipients (empty: the format's defaults)."""

    notice_number: str | None = Field(default=None, max_length=64)
    concluded_by: str | None = Field(default=None, max_length=255)
    signer_authority: str | None = Field(default=None, max_length=128)
    signer_title: str | None = Field(default=None, max_length=128)
    signer_name: str | None = Field(default=None, max_length=128)
    recipients: list[Name] | None = Field(default=None, max_length=100)


class AudioOut(Out):
    id: int
    sha256: str
    size: int
    duration: float
    format: str
    codec: str
    sample_rate: int
    channels: int
    original_name: str
    created_at: dt.datetime


class JobError(BaseModel):
    code: str
    message: str
    hint: str


ENROL_STATE_NAMES = {db.DIARIZING: "Đang tạo vân tay giọng nói"}


class JobOut(BaseModel):
    id: int
    kind: str = db.KIND_MEETING
    meeting_id: int | None
    speaker_id: int | None = None
    voiceprint_id: int | None = Field(default=None, description="Kết quả của một lần ghi danh.")
    state: str
    state_name: str
    progress: float
    error: JobError | None
    attempts: int
    notes: list[str]
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    updated_at: dt.datetime

    @classmethod
    def of(cls, j: db.Job) -> "JobOut":
        error = JobError(code=j.error_code, message=j.error_message, hint=j.error_hint)
        enrol = j.kind == db.KIND_ENROL
        return cls(
            id=j.id,
            kind=j.kind or db.KIND_MEETING,
            meeting_id=j.meeting_id,
            speaker_id=j.speaker_id,
            voiceprint_id=(j.params or {}).get("voiceprint_id") if enrol else None,
            state=j.state,
            state_name=(enrol and ENROL_STATE_NAMES.get(j.state)) or STATE_NAMES[j.state],
            progress=j.progress,
            error=error if j.state == db.FAILED else None,
            attempts=j.attempts,
            notes=list(j.log or []),
            created_at=j.created_at,
            started_at=j.started_at,
            finished_at=j.finished_at,
            updated_at=j.updated_at,
        )


class MeetingsState(BaseModel):
    """What the meetings list depends on; `key` changes whenever the list would."""

    count: int
    latest_meeting_id: int | None
    latest_job_id: int | None
    finished_jobs: int
    updated_at: dt.datetime | None
    key: str

    @classmethod
    def of(cls, count, latest, updated, latest_job, finished) -> "MeetingsState":
        stamp = updated.isoformat() if updated else ""
        key = f"{count}:{latest or 0}:{stamp}:{latest_job or 0}:{finished or 0}"
        return cls(
            count=count,
            latest_meeting_id=latest,
            latest_job_id=latest_job,
            finished_jobs=finished or 0,
            updated_at=updated,
            key=key,
        )


class MeetingOut(Out):
    id: int
    unit_id: int
    title: str
    issuing_body: str
    superior_body: str
    date: dt.date | None
    place: str
    chair: str
    attendees: list[str]
    notice_number: str
    format: str
    glossary: str
    concluded_by: str = ""
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: list[str] | None = None
    audio: AudioOut | None
    created_at: dt.datetime
    updated_at: dt.datetime


class MeetingDetail(MeetingOut):
    latest_job: JobOut | None = None
    transcript_version: int | None = None
    draft_version: int | None = None


class UploadOut(BaseModel):
    meeting_id: int
    audio: AudioOut
    job: JobOut


# -- transcripts and drafts -------------------------------------------------


class VersionOut(BaseModel):
    version: int
    source: str
    note: str
    created_at: dt.datetime
    created_by: int | None


class TranscriptOut(BaseModel):
    version: int
    source: str
    created_at: dt.datetime
    transcript: dict[str, Any]
    voices: list[str] = Field(
        default_factory=list,
        description="Nhãn người nói có vân tay giọng đi kèm (lưu vào danh bạ được ngay).",
    )
    enrolled: list["VoiceprintOut"] = Field(
        default_factory=list, description="Vân tay giọng vừa lưu theo yêu cầu `enrol`."
    )

    @classmethod
    def of(cls, tv: db.TranscriptVersion, enrolled: list | None = None) -> "TranscriptOut":
        return cls(
            version=tv.version,
            source=tv.source,
            created_at=tv.created_at,
            transcript=tv.data,
            voices=sorted((tv.speaker_embeddings or {}).get("labels", {})),
            enrolled=enrolled or [],
        )


class SegmentEdit(In):
    id: int
    text: str = Field(min_length=0, max_length=20_000)


class SpeakerEdit(In):
    name: str = Field(default="", max_length=255)
    title: str = Field(default="", max_length=255)
    unit: str = Field(default="", max_length=255)
    enrol: bool = Field(
        default=False,
        description="Lưu giọng nói: thêm vân tay giọng của người nói này (lấy từ cuộc họp) "
        "vào danh bạ giọng nói của đơn vị, dưới tên vừa đặt.",
    )


class MergeEdit(In):
    source: str = Field(max_length=64, description="Nhãn người nói bị gộp (ví dụ SPEAKER_01).")
    target: str = Field(max_length=64, description="Nhãn người nói giữ lại.")


class TranscriptPatch(In):
    base_version: int = Field(description="Phiên bản đang sửa; lệch với bản mới nhất → 409.")
    segments: list[SegmentEdit] = Field(default_factory=list, max_length=100_000)
    speakers: dict[Annotated[str, Field(max_length=64)], SpeakerEdit] = Field(default_factory=dict, max_length=500)
    merge: list[MergeEdit] = Field(default_factory=list, max_length=500)
    note: str = Field(default="", max_length=500)


class DraftOut(Out):
    version: int
    source: str
    size: int
    sha256: str
    original_name: str
    transcript_version_id: int | None
    created_at: dt.datetime


class SpeakerIn(In):
    name: str = Field(min_length=1, max_length=255)
    title: str = Field(default="", max_length=255)
    organisation: str = Field(default="", max_length=255)
    unit_code: str | None = Field(default=None, max_length=64, description="Chỉ quản trị viên: đơn vị sở hữu danh bạ.")


class SpeakerOut(Out):
    id: int
    name: str
    title: str
    organisation: str
    voiceprints: int = 0
    unit_name: str = ""


class VoiceprintOut(BaseModel):
    id: int
    speaker_id: int | None
    name: str
    title: str
    organisation: str
    model: str = Field(description="Mô hình nhúng giọng đã tạo vân tay (chỉ so được trong cùng mô hình).")
    dim: int
    source: str = Field(description="Nguồn: đoạn ghi âm, hoặc cuộc họp và người nói.")
    created_at: dt.datetime
    created_by: str

    @classmethod
    def of(cls, vp) -> "VoiceprintOut":
        """From a diarize.voiceprints.Voiceprint."""
        p = vp.person
        return cls(
            id=vp.id,
            speaker_id=vp.speaker_id,
            name=p.name,
            title=p.title,
            organisation=p.unit,
            model=vp.model,
            dim=int(vp.vector.size),
            source=vp.source,
            created_at=vp.created_at,
            created_by=vp.created_by,
        )


class MeetingVoiceIn(In):
    speaker_id: int | None = Field(default=None, description="Người trong danh bạ; bỏ trống để dùng họ tên dưới đây.")
    name: str = Field(default="", max_length=255, description="Mặc định: tên người nói trong bản chép lời.")
    title: str = Field(default="", max_length=255)
    organisation: str = Field(default="", max_length=255)
    version: int | None = Field(default=None, ge=1, description="Mặc định: bản mới nhất.")


class AuditOut(Out):
    id: int
    at: dt.datetime
    username: str
    action: str
    object_type: str
    object_id: int | None
    meeting_id: int | None
    ip: str
    user_agent: str
    detail: dict[str, Any]


TranscriptOut.model_rebuild()  # refers to VoiceprintOut, defined after it
