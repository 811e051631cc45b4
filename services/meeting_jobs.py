"""Meeting jobs on the job engine (services/jobs.py): a recording through two stages, and
enrolment. The handlers are registered at the bottom of this module.

gpu stage:  transcribe.transcribe_file → diarize.label_speakers → TranscriptVersion
            (an enrolment job: diarize.voiceprints.speaker_embedding → db.Voiceprint)
cpu stage:  drafting.extract → drafting.render_notice → DraftVersion

    meeting:   queued → transcribing → diarizing → drafting → done;  failed, cancelled
    enrolment: queued → diarizing → done;  failed, cancelled
"""

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import av
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import db
import diarize
import drafting
import transcribe
from db.models import KIND_ENROL, KIND_MEETING, STAGE_CPU, STAGE_GPU
from db.voiceprints import DBVoiceprints, pack_centroids
from diarize.voiceprints import speaker_embedding
from drafting import llm as drafting_llm
from drafting.gazetteer import Gazetteer
from ketluan.errors import AudioError, InputError, KetluanError, NotFoundError
from ketluan.settings import Settings
from services import drafts, jobs
from services.jobs import Run
from services.meetings import drafting_meeting, meeting_dict
from services.pipeline import unless_models_missing
from transcribe import Glossary, Transcript

log = logging.getLogger(__name__)


# -- creating (API side) --------------------------------------------------------------------


def create(s: Session, meeting_id: int, audio_id: int | None, user_id: int | None) -> db.Job:
    job = db.Job(kind=KIND_MEETING, meeting_id=meeting_id, audio_id=audio_id, created_by=user_id)
    return jobs.queue(s, job, STAGE_GPU)


def create_enrolment(s: Session, speaker_id: int, clip: str, clip_name: str, user_id: int | None) -> db.Job:
    """A job making a voiceprint for `speaker_id` from the clip at `clip` in the file store
    (removed when the job ends: a voiceprint is kept, never the audio). It runs on a GPU worker."""
    job = db.Job(
        kind=KIND_ENROL,
        speaker_id=speaker_id,
        params={"clip": clip, "clip_name": clip_name},
        created_by=user_id,
    )
    return jobs.queue(s, job, STAGE_GPU)


def retry(s: Session, job: db.Job) -> db.Job:
    """Run a failed or cancelled job again, from drafting if its transcript already exists."""
    if job.state not in (db.FAILED, db.CANCELLED):
        raise InputError(
            f"Công việc #{job.id} đang ở trạng thái '{job.state}', không cần chạy lại.",
            "Chỉ chạy lại được công việc bị lỗi hoặc đã hủy.",
        )
    if job.kind == KIND_ENROL:
        raise InputError(
            f"Công việc ghi danh giọng nói #{job.id} không chạy lại được: đoạn ghi âm đã được "
            "xóa khi công việc kết thúc (chỉ lưu vân tay giọng, không lưu âm thanh).",
            "Tải đoạn ghi âm lên lại để ghi danh.",
        )
    has_transcript = s.scalar(select(db.TranscriptVersion.id).where(db.TranscriptVersion.job_id == job.id))
    job.stage = STAGE_CPU if has_transcript and job.stage == STAGE_CPU else STAGE_GPU
    job.state, job.progress, job.attempts = jobs.STAGES[job.stage].entry, 0.0, 0
    job.error_code, job.error_message, job.error_hint = "", "", ""
    job.finished_at, job.enqueued_at = None, db.utcnow()
    return job


def drop_clip(s: Session, store: db.FileStore, job: db.Job) -> None:
    """Inside the caller's transaction: remove an ended enrolment's clip from the file store."""
    params = job.params or {}
    clip = params.get("clip")
    if job.kind != KIND_ENROL or job.state not in db.FINAL_STATES or not clip:
        return
    store.path(clip).unlink(missing_ok=True)
    job.params = {**params, "clip": None}


def run(engine: Engine, settings: Settings, job_id: int, stage: str, send: jobs.Send | None = None) -> str:
    """jobs.run for a meeting job (tests; the worker calls jobs.run)."""
    return jobs.run(engine, settings, job_id, stage, send or (lambda job_id, stage: None))


# -- running (worker side) ------------------------------------------------------------------


def gpu_stage(ctx: Run) -> None:
    job, meeting, audio = _load(ctx)
    path = ctx.store.path(audio.storage_path)
    if not path.is_file():  # e.g. the shared storage is not mounted on this node
        raise AudioError(
            f"Không tìm thấy tệp ghi âm '{audio.original_name}' trong kho lưu trữ "
            f"của máy xử lý {socket.gethostname()}.",
            "Báo quản trị viên kiểm tra thư mục lưu trữ dùng chung (storage_dir), hoặc tải bản ghi lên lại.",
        )
    glossary = _glossary(ctx, meeting)
    model = transcribe.load_model(ctx.settings.asr_model)  # cached per worker process
    ctx.touch(state=db.TRANSCRIBING, progress=0.0)
    options = transcribe.TranscribeOptions.from_settings(ctx.settings)
    shown = audio.original_name or f"ban-ghi-{meeting.id}"
    with _as_uploaded(path, shown):
        transcript = transcribe.transcribe_file(
            path, model=model, glossary=glossary, options=options, progress=ctx.progress
        )
        transcript.meeting = meeting_dict(meeting)
        transcript.audio.path = audio.original_name  # not the server path
        if transcript.segments:
            ctx.touch(state=db.DIARIZING, progress=0.0)
            transcript, centroids = _label_speakers(ctx, path, transcript, meeting.unit_id)
            next_stage = STAGE_CPU
        else:
            # Silence or noise: the empty transcript is kept (the page says why it is empty),
            # and there is nobody to tell apart and nothing to draft.
            ctx.note(f"{transcribe.NO_SPEECH.capitalize()} trong bản ghi '{shown}'. {transcribe.NO_SPEECH_HINT}")
            centroids, next_stage = None, None
    with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
        if s.scalar(select(db.TranscriptVersion.id).where(db.TranscriptVersion.job_id == job.id)):
            pass  # an earlier attempt saved it just before being lost; keep that one
        else:
            s.add(
                db.TranscriptVersion(
                    meeting_id=meeting.id,
                    version=drafts.next_version(s, db.TranscriptVersion, meeting.id),
                    source="asr",
                    job_id=job.id,
                    data=transcript.to_dict(),
                    speaker_embeddings=centroids,
                    note=f"{transcript.model}, {len(transcript.segments)} đoạn",
                )
            )
        released = jobs.release_to(s, job.id, ctx.owner, next_stage)
    if next_stage is not None:
        jobs.dispatch(ctx.send, released)


def enrol_stage(ctx: Run) -> None:
    """A voiceprint from an uploaded clip, added to the speaker's registry (its unit's)."""
    from diarize.pipeline import load_pipeline  # loads torch and pyannote

    with Session(ctx.engine, expire_on_commit=False) as s:
        job = _existing(s, db.Job, ctx.job_id)
        speaker = s.get(db.Speaker, job.speaker_id) if job.speaker_id else None
    params = job.params or {}
    name = params.get("clip_name") or "đoạn ghi âm"
    if speaker is None:
        raise InputError("Người cần ghi danh giọng nói không còn trong danh bạ.", "Thêm lại người đó rồi ghi danh.")
    path = ctx.store.path(params["clip"]) if params.get("clip") else None
    if path is None or not path.is_file():
        raise AudioError(
            f"Không tìm thấy đoạn ghi âm '{name}' trong kho lưu trữ của máy xử lý {socket.gethostname()}.",
            "Báo quản trị viên kiểm tra thư mục lưu trữ dùng chung (storage_dir), hoặc tải đoạn ghi âm lên lại.",
        )
    pipeline = load_pipeline()  # cached per worker process
    ctx.touch(state=db.DIARIZING, progress=0.0)
    with _as_uploaded(path, name):
        vector = speaker_embedding(path, None, pipeline, progress=ctx.progress)
    with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
        registry = DBVoiceprints(s, speaker.unit_id, created_by=job.created_by)
        vp = registry.add_to(speaker.id, pipeline.embedding_model, vector, f"đoạn ghi âm {name}")
        done = jobs.release_to(s, job.id, ctx.owner, None)
        done.params = {**params, "voiceprint_id": vp.id}
        done.log = [*done.log, f"Đã ghi danh giọng nói của {speaker.name} (vân tay #{vp.id})."]


def cpu_stage(ctx: Run) -> None:
    job, meeting, _audio = _load(ctx)
    ctx.touch(state=db.DRAFTING, progress=0.0)
    with Session(ctx.engine, expire_on_commit=False) as s:
        tv = s.scalars(
            select(db.TranscriptVersion)
            .where(db.TranscriptVersion.meeting_id == meeting.id)
            .order_by(db.TranscriptVersion.version.desc())
        ).first()
    if tv is None:
        raise KetluanError(
            "Cuộc họp chưa có bản chép lời nên chưa soạn được thông báo.",
            "Tải bản ghi âm lên và chờ chép lời xong.",
        )
    missing = [name for key, name in MEETING_NEEDED.items() if not getattr(meeting, key)]
    if missing and tv.job_id == job.id:
        # Drafting right after transcription: a meeting saved without its date or issuing body
        # keeps its transcript and finishes; drafting asked for later fails with the reason.
        ctx.note(
            f"Chưa soạn thông báo: cuộc họp thiếu {', '.join(missing)}. Điền thông tin cuộc họp rồi bấm “Soạn dự thảo”."
        )
        with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
            jobs.release_to(s, job.id, ctx.owner, None)
        return
    transcript = Transcript.from_dict(tv.data)
    info = drafting_meeting(meeting)
    for warning in drafting.check_meeting(info):  # values of the other format: say so
        ctx.note(warning)
    gazetteer = Gazetteer.load(ctx.settings.gazetteer_file, _glossary(ctx, meeting))
    conclusion = drafting.extract(transcript, info, gazetteer=gazetteer, llm=drafting_llm.from_settings(ctx.settings))
    for note in conclusion.notes:  # the LLM did not answer: the rules drafted it, say so
        ctx.note(note)
    ctx.touch(progress=0.5)
    document = drafting.render_notice(conclusion, info, page=drafting.PageStyle.from_settings(ctx.settings))
    stored = drafts.store_document(ctx.store, document)
    with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
        if not s.scalar(select(db.DraftVersion.id).where(db.DraftVersion.job_id == job.id)):
            # who asked for it (the upload, "Soạn lại", "Xử lý lại"): the versions list names them
            drafts.add_version(
                s,
                meeting,
                "generated",
                stored,
                conclusion=_as_dict(conclusion),
                transcript_version_id=tv.id,
                job_id=job.id,
                created_by=job.created_by,
            )
        jobs.release_to(s, job.id, ctx.owner, None)


@contextmanager
def _as_uploaded(path: Path, shown: str) -> Iterator[None]:
    """Audio errors name the file the user uploaded, not the stored one (named by its
    SHA-256); an FFmpeg error that slipped past decoding becomes a clear AudioError."""
    try:
        yield
    except AudioError as exc:
        raise AudioError(_renamed(exc.message, path, shown), exc.hint) from exc
    except av.error.FFmpegError as exc:
        reason = _renamed(exc.strerror or type(exc).__name__, path, shown)
        raise AudioError(
            f"Không giải mã được tệp '{shown}' ({reason}).",
            "Hãy chuyển tệp sang WAV hoặc MP3 một hoặc hai kênh rồi tải lên lại; "
            "nếu vẫn lỗi, gửi tệp cho quản trị viên.",
        ) from exc


def _renamed(text: str, path: Path, shown: str) -> str:
    return text.replace(str(path), shown).replace(path.name, shown)


def _label_speakers(ctx: Run, path: Path, transcript: Transcript, unit_id: int) -> tuple[Transcript, Any]:
    """Speakers (and their centroids, kept for enrolment) when the diarization models are
    installed; a note and no speakers if not."""
    result, warning = unless_models_missing(lambda: diarize.diarize(path, progress=ctx.progress))
    if result is None:
        ctx.note(warning)
        return transcript, None
    # The registry of the meeting's unit (the admin page and `ketluan voices` manage it);
    # enrolled people come back as names with their similarity for the UI to confirm.
    registry = DBVoiceprints(ctx.engine, unit_id)
    return diarize.apply_diarization(transcript, result, registry), pack_centroids(result)


def _drop_clip(engine: Engine, settings: Settings, job_id: int) -> None:
    """After every run of an enrolment: one that ended (done, failed, cancelled) keeps no
    audio. (A failure here is logged by the engine; drop_ended_clips catches up.)"""
    with Session(engine, expire_on_commit=False) as s, s.begin():
        job = s.get(db.Job, job_id, with_for_update=True)
        if job is not None:
            drop_clip(s, db.FileStore(settings.files_dir), job)


def drop_ended_clips(engine: Engine, settings: Settings) -> int:
    """The sweeper's housekeeping: remove the clips of enrolments that ended without their
    worker removing them (a job cancelled while queued whose message was lost, a database
    hiccup at the end)."""
    store, dropped = db.FileStore(settings.files_dir), 0
    recent = db.utcnow() - timedelta(days=7)
    with Session(engine, expire_on_commit=False) as s, s.begin():
        ended = s.scalars(
            select(db.Job).where(
                db.Job.kind == KIND_ENROL,
                db.Job.state.in_(db.FINAL_STATES),
                db.Job.finished_at > recent,
            )
        )
        for job in ended:
            if (job.params or {}).get("clip"):
                drop_clip(s, store, job)
                dropped += 1
    return dropped


MEETING_NEEDED = {"issuing_body": "cơ quan ban hành", "title": "tên cuộc họp", "date": "ngày họp"}


def _load(ctx: Run) -> tuple[db.Job, db.Meeting, db.AudioFile]:
    with Session(ctx.engine, expire_on_commit=False) as s:
        job = _existing(s, db.Job, ctx.job_id)
        meeting = _existing(s, db.Meeting, job.meeting_id)
        audio = _existing(s, db.AudioFile, job.audio_id)
        s.expunge_all()
    return job, meeting, audio


def _glossary(ctx: Run, meeting: db.Meeting) -> Glossary | None:
    """The meeting's own glossary, then its office's (the meeting's wins on a clash)."""
    with Session(ctx.engine) as s:
        office = s.scalar(select(db.Unit.glossary).where(db.Unit.id == meeting.unit_id))
    return Glossary.combine(meeting.glossary, office)


_Row = TypeVar("_Row", bound=db.Base)


def _existing(s: Session, model: type[_Row], ident: int | None) -> _Row:
    """The row a running job needs; gone (its meeting deleted meanwhile) ends the job."""
    row = s.get(model, ident) if ident is not None else None
    if row is None:
        raise NotFoundError(
            f"Dữ liệu của công việc không còn ({model.__tablename__} #{ident}).",
            "Cuộc họp hoặc bản ghi âm có thể vừa bị xóa; tải bản ghi lên lại nếu cần.",
        )
    return row


def _as_dict(obj: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "to_dict"):
        data: dict[str, Any] = obj.to_dict()
        return data
    return None


# -- registration ---------------------------------------------------------------------------

jobs.register(jobs.Handler(KIND_MEETING, STAGE_GPU, gpu_stage, db.TRANSCRIBING))
jobs.register(jobs.Handler(KIND_MEETING, STAGE_CPU, cpu_stage, db.DRAFTING))
jobs.register(jobs.Handler(KIND_ENROL, STAGE_GPU, enrol_stage, db.DIARIZING, ended=_drop_clip))
jobs.HOUSEKEEPING.append(drop_ended_clips)
