"""The two pipeline stages run by the Celery tasks, as thin wrappers around the packages.

gpu stage:  transcribe.transcribe_file → diarize.label_speakers → TranscriptVersion
            (an enrolment job: diarize.voiceprints.speaker_embedding → db.Voiceprint)
cpu stage:  drafting.extract → drafting.render_notice → DraftVersion
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import db
import diarize
import drafting
import transcribe
from db.models import KIND_ENROL, STAGE_CPU, STAGE_GPU
from db.voiceprints import DBVoiceprints, pack_centroids
from diarize.voiceprints import speaker_embedding
from drafting.gazetteer import Gazetteer
from ketluan.errors import AudioError, InputError, KetluanError, NotFoundError
from ketluan.settings import Settings
from services import drafts
from services.meetings import drafting_meeting, meeting_dict
from services.pipeline import unless_models_missing
from transcribe import Glossary, Transcript
from worker import jobs

log = logging.getLogger(__name__)


def run(engine: Engine, settings: Settings, job_id: int, stage: str) -> str:
    """Run one stage of a job; returns what happened (for logs). Never raises KetluanError."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    job = jobs.claim(engine, job_id, stage, owner, settings.job_lease_seconds)
    if job is None:
        return "skipped: not claimable (done, cancelled, or held by another worker)"
    if job.attempts > settings.max_attempts:
        jobs.fail(
            engine,
            job_id,
            owner,
            "attempts",
            f"Đã thử {settings.max_attempts} lần mà công việc vẫn không xong "
            "(máy xử lý bị dừng giữa chừng).",
            "Kiểm tra tệp ghi âm và bộ nhớ của máy xử lý, rồi bấm Chạy lại.",
        )
        if job.kind == KIND_ENROL:
            _drop_clip(engine, db.FileStore(settings.files_dir), job_id)
        return "failed: too many attempts"
    ctx = StageRun(engine, settings, job_id, owner)
    ctx.start_heartbeat()
    try:
        if stage == STAGE_GPU:
            (enrol_stage if job.kind == KIND_ENROL else gpu_stage)(ctx)
        else:
            cpu_stage(ctx)
        return "done"
    except jobs.LeaseLost:
        return "stopped: job cancelled or taken over"
    except KetluanError as exc:
        jobs.fail(engine, job_id, owner, exc.code, exc.message, exc.hint)
        return f"failed: {exc}"
    except Exception as exc:
        log.exception("job %s: unexpected error in the %s stage", job_id, stage)
        jobs.fail(
            engine,
            job_id,
            owner,
            "internal",
            f"Lỗi không mong đợi khi xử lý ({type(exc).__name__}: {exc}).",
            "Bấm Chạy lại; nếu lỗi lặp lại, gửi nhật ký máy xử lý cho quản trị viên.",
        )
        return "failed: unexpected error"
    finally:
        ctx.stop_heartbeat()
        if job.kind == KIND_ENROL:
            _drop_clip(engine, ctx.store, job_id)


def gpu_stage(ctx: "StageRun") -> None:
    job, meeting, audio = ctx.load()
    path = ctx.store.path(audio.storage_path)
    if not path.is_file():  # e.g. the shared storage is not mounted on this node
        raise AudioError(
            f"Không tìm thấy tệp ghi âm '{audio.original_name}' trong kho lưu trữ "
            f"của máy xử lý {socket.gethostname()}.",
            "Báo quản trị viên kiểm tra thư mục lưu trữ dùng chung (storage_dir), "
            "hoặc tải bản ghi lên lại.",
        )
    glossary = ctx.glossary(meeting)
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
            ctx.note(f"{transcribe.NO_SPEECH.capitalize()} trong bản ghi '{shown}'. "
                     f"{transcribe.NO_SPEECH_HINT}")
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


def enrol_stage(ctx: "StageRun") -> None:
    """A voiceprint from an uploaded clip, added to the speaker's registry (its unit's)."""
    from diarize.pipeline import load_pipeline

    with Session(ctx.engine, expire_on_commit=False) as s:
        job = _existing(s, db.Job, ctx.job_id)
        speaker = s.get(db.Speaker, job.speaker_id) if job.speaker_id else None
    params = job.params or {}
    name = params.get("clip_name") or "đoạn ghi âm"
    if speaker is None:
        raise InputError(
            "Người cần ghi danh giọng nói không còn trong danh bạ.", "Thêm lại người đó rồi ghi danh."
        )
    path = ctx.store.path(params["clip"]) if params.get("clip") else None
    if path is None or not path.is_file():
        raise AudioError(
            f"Không tìm thấy đoạn ghi âm '{name}' trong kho lưu trữ của máy xử lý "
            f"{socket.gethostname()}.",
            "Báo quản trị viên kiểm tra thư mục lưu trữ dùng chung (storage_dir), "
            "hoặc tải đoạn ghi âm lên lại.",
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


def cpu_stage(ctx: "StageRun") -> None:
    job, meeting, _audio = ctx.load()
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
            f"Chưa soạn thông báo: cuộc họp thiếu {', '.join(missing)}. "
            "Điền thông tin cuộc họp rồi bấm “Soạn dự thảo”."
        )
        with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
            jobs.release_to(s, job.id, ctx.owner, None)
        return
    transcript = Transcript.from_dict(tv.data)
    info = drafting_meeting(meeting)
    for warning in drafting.check_meeting(info):  # values of the other format: say so
        ctx.note(warning)
    gazetteer = Gazetteer.load(ctx.settings.gazetteer_file, ctx.glossary(meeting))
    conclusion = drafting.extract(transcript, info, gazetteer=gazetteer)
    ctx.touch(progress=0.5)
    document = drafting.render_notice(conclusion, info)
    stored = drafts.store_document(ctx.store, document)
    with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
        if not s.scalar(select(db.DraftVersion.id).where(db.DraftVersion.job_id == job.id)):
            drafts.add_version(s, meeting, "generated", stored, conclusion=_as_dict(conclusion),
                               transcript_version_id=tv.id, job_id=job.id)
        jobs.release_to(s, job.id, ctx.owner, None)


@contextmanager
def _as_uploaded(path: Path, shown: str) -> Iterator[None]:
    """Audio errors name the file the user uploaded, not the stored one (named by its
    SHA-256); an FFmpeg error that slipped past decoding becomes a clear AudioError."""
    import av

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


def _label_speakers(ctx: "StageRun", path, transcript, unit_id: int):
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


def _drop_clip(engine: Engine, store: db.FileStore, job_id: int) -> None:
    """An enrolment that ended (done, failed, cancelled) keeps no audio."""
    try:
        with Session(engine, expire_on_commit=False) as s, s.begin():
            job = s.get(db.Job, job_id, with_for_update=True)
            if job is not None:
                jobs.drop_clip(s, store, job)
    except Exception as exc:  # database briefly down: the sweeper removes it later
        log.warning("job %s: could not remove the enrolment clip: %s", job_id, exc)


MEETING_NEEDED = {"issuing_body": "cơ quan ban hành", "title": "tên cuộc họp", "date": "ngày họp"}


def _celery_send() -> jobs.Send:
    from worker.tasks import send

    return send


@dataclass
class StageRun:
    """One claimed run of a stage: lease heartbeat, throttled progress, notes."""

    engine: Engine
    settings: Settings
    job_id: int
    owner: str
    send: jobs.Send = field(default_factory=_celery_send)  # the Celery queue unless given

    def __post_init__(self) -> None:
        self.store = db.FileStore(self.settings.files_dir)
        self._last_write = 0.0
        self._lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def load(self) -> tuple[db.Job, db.Meeting, db.AudioFile]:
        with Session(self.engine, expire_on_commit=False) as s:
            job = _existing(s, db.Job, self.job_id)
            meeting = _existing(s, db.Meeting, job.meeting_id)
            audio = _existing(s, db.AudioFile, job.audio_id)
            s.expunge_all()
        return job, meeting, audio

    def glossary(self, meeting: db.Meeting):
        """The meeting's own glossary, then its office's (the meeting's wins on a clash)."""
        with Session(self.engine) as s:
            office = s.scalar(select(db.Unit.glossary).where(db.Unit.id == meeting.unit_id))
        return Glossary.combine(meeting.glossary, office)

    def touch(self, state: str | None = None, progress: float | None = None) -> None:
        if self._lost.is_set():
            raise jobs.LeaseLost(self.job_id)
        jobs.touch(
            self.engine,
            self.job_id,
            self.owner,
            self.settings.job_lease_seconds,
            state=state,
            progress=progress,
        )
        self._last_write = time.monotonic()

    def progress(self, fraction: float) -> None:
        """The transcriber's callback: written at most once per progress_interval_seconds."""
        if self._lost.is_set():
            raise jobs.LeaseLost(self.job_id)
        if time.monotonic() - self._last_write >= self.settings.progress_interval_seconds:
            self.touch(progress=fraction)

    def note(self, text: str) -> None:
        log.info("job %s: %s", self.job_id, text)
        jobs.add_note(self.engine, self.job_id, self.owner, text)

    def start_heartbeat(self) -> None:
        self._thread = threading.Thread(target=self._beat, name=f"lease-{self.job_id}", daemon=True)
        self._thread.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _beat(self) -> None:
        # Decoding a long file gives no progress callbacks; the lease must live through it.
        interval = max(self.settings.job_lease_seconds / 3, 0.5)
        while not self._stop.wait(interval):
            try:
                jobs.touch(self.engine, self.job_id, self.owner, self.settings.job_lease_seconds)
            except jobs.LeaseLost:
                self._lost.set()
                return
            except Exception as exc:  # database briefly unreachable: try again next beat
                log.warning("job %s: lease heartbeat failed: %s", self.job_id, exc)


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
        return obj.to_dict()
    return None
