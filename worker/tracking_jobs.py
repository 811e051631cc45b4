"""Tracking imports and exports as jobs on the cpu queue, with the database as the truth.

    job = create_import(s, store, user, office_id, upload, "TB 02.docx", {"received_on": ...})
    job = create_export(s, user, {"format": "xlsx", "on": "2026-10-05", "by": "unit"})
    s.commit(); dispatch(send, job)           # send(job.id, "tracking") → ketluan.tracking_job
    run(engine, settings, job.id)             # in the worker: claim, parse or write, finish

queued → running → done | failed. A worker claims a job with a conditional UPDATE that takes
a lease, keeps it alive with a heartbeat, and finishes it in the same transaction that saves
the result (an import's preview), so a job lost and re-run never saves two previews. The
sweeper (run_forever, in every worker) re-sends jobs no worker holds and removes the files
of finished jobs after `tracking_job_keep_hours`.

Files: an upload waits in <storage>/jobs/<id>-in.<ext> (removed once read); an export is
written to <storage>/jobs/<id>-out.<ext>. Shared storage, so any API node can serve it.
"""

import logging
import os
import socket
import threading
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, delete, or_, select, update
from sqlalchemy.orm import Session

import db
from db.tracking import TrackingJob
from ketluan.errors import InputError, KetluanError, NotFoundError
from ketluan.settings import Settings
from tracking import imports, reports
from tracking.files import read_file
from tracking.status import rules_from
from worker.jobs import LeaseLost, Send

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATE_NAMES = {QUEUED: "Đang chờ xử lý", RUNNING: "Đang xử lý", DONE: "Xong", FAILED: "Lỗi"}
ACTIVE = (QUEUED, RUNNING)
IMPORT, EXPORT = "import", "export"
STAGE = "tracking"  # what send() is given: worker.app routes it to the cpu queue
JOB_DIR = "jobs"
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "nhiem-vu"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "bao-cao-nhiem-vu"),
}


# -- creating (API side) ----------------------------------------------------------------


def create_import(s: Session, store: db.FileStore, user: db.User, office_id: int,
                  upload: Path | None, name: str, params: dict[str, Any]) -> TrackingJob:
    """An import job. `upload` (a file in the store's tmp/) is moved to the job's folder; with
    none, `params` names a stored draft (meeting_id, version)."""
    job = TrackingJob(kind=IMPORT, state=QUEUED, unit_id=office_id, params=_plain(params),
                      input_name=name[:255], created_by=user.id, enqueued_at=db.utcnow())
    s.add(job)
    s.flush()
    if upload is not None:
        job.input_path = f"{JOB_DIR}/{job.id}-in{Path(name).suffix.lower()[:10]}"
        target = store.root / job.input_path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(upload, target)
    return job


def create_export(s: Session, user: db.User, params: dict[str, Any]) -> TrackingJob:
    """An export job: params format (xlsx | docx), on, by, issued_from, issued_to."""
    fmt = params.get("format")
    if fmt not in FORMATS:
        raise InputError(f"Định dạng xuất '{fmt}' không có.", "Chọn xlsx (Excel) hoặc docx (Word).")
    job = TrackingJob(kind=EXPORT, state=QUEUED, unit_id=user.unit_id, params=_plain(params),
                      created_by=user.id, enqueued_at=db.utcnow())
    s.add(job)
    s.flush()
    return job


def dispatch(send: Send, job: TrackingJob) -> None:
    """Send the job's message; if the broker is down the row stays queued for the sweeper."""
    try:
        send(job.id, STAGE)
    except Exception as exc:  # broker down: the row is the truth, the sweeper re-sends
        log.warning("tracking job %s: could not send to the cpu queue: %s", job.id, exc)


def visible(s: Session, user: db.User, job_id: int) -> TrackingJob:
    """The job if `user` started it (administrators see all); 404 otherwise."""
    job = s.get(TrackingJob, job_id)
    if job is None or (user.role_code != "admin" and job.created_by != user.id):
        raise NotFoundError(f"Không tìm thấy việc nhập/xuất #{job_id}.",
                            "Việc đã xong quá lâu nên đã được dọn, hoặc do người khác tạo. "
                            "Hãy chạy lại.")
    return job


# -- running (worker side) --------------------------------------------------------------


def run(engine: Engine, settings: Settings, job_id: int) -> str:
    """Run one job; returns what happened (for logs). Never raises KetluanError."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    job = _claim(engine, job_id, owner, settings.job_lease_seconds)
    if job is None:
        return "skipped: not claimable (done, failed, or held by another worker)"
    if job.attempts > settings.max_attempts:
        _fail(engine, settings, job, owner, "attempts",
              f"Đã thử {settings.max_attempts} lần mà việc vẫn không xong (máy xử lý bị dừng "
              "giữa chừng).", "Kiểm tra tệp rồi thử lại; nếu lỗi lặp lại, báo quản trị viên.")
        return "failed: too many attempts"
    ctx = _Run(engine, settings, job, owner)
    ctx.start()
    try:
        if job.kind == IMPORT:
            _run_import(ctx)
        else:
            _run_export(ctx)
        return "done"
    except LeaseLost:
        return "stopped: taken over"
    except KetluanError as exc:
        _fail(engine, settings, job, owner, exc.code, exc.message, exc.hint)
        return f"failed: {exc}"
    except Exception as exc:
        log.exception("tracking job %s: unexpected error", job_id)
        _fail(engine, settings, job, owner, "internal",
              f"Lỗi không mong đợi khi xử lý ({type(exc).__name__}: {exc}).",
              "Thử lại; nếu lỗi lặp lại, gửi nhật ký máy xử lý cho quản trị viên.")
        return "failed: unexpected error"
    finally:
        ctx.stop()


def _run_import(ctx: "_Run") -> None:
    job, p = ctx.job, ctx.job.params
    if p.get("meeting_id"):
        with Session(ctx.engine) as s:
            draft = s.scalar(select(db.DraftVersion).where(
                db.DraftVersion.meeting_id == p["meeting_id"],
                db.DraftVersion.version == p["version"]))
            if draft is None:
                raise NotFoundError(f"Cuộc họp #{p['meeting_id']} không còn dự thảo phiên bản "
                                    f"{p['version']}.", "Xem danh sách dự thảo.")
            path = ctx.store.path(draft.storage_path)
    else:
        path = ctx.store.path(job.input_path)
    if not path.is_file():
        raise NotFoundError(f"Không thấy tệp '{job.input_name}' trong kho lưu trữ của máy xử lý "
                            f"{socket.gethostname()}.",
                            "Tải tệp lên lại; nếu lỗi lặp lại, báo quản trị viên kiểm tra "
                            "thư mục lưu trữ dùng chung (storage_dir).")
    ctx.touch(0.1)
    notices = read_file(path, job.input_name, p.get("number"), _day(p.get("issued_on")),
                        _day(p.get("received_on")), ctx.settings.tracking_max_rows, ctx.store.tmp)
    for notice in notices:
        notice.meeting_id = p.get("meeting_id") or notice.meeting_id
    ctx.touch(0.7)
    with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
        row = _mine(s, job.id, ctx.owner)
        user = _creator(s, row)
        if row.unit_id is None:  # create_import always names the importing office
            raise InputError("Việc nhập này không ghi đơn vị nhập.", "Tải tệp lên lại.")
        pending = imports.preview(s, notices, row.unit_id, user, job.input_name)
        _done(row, {"import_id": pending.id})
    _remove(ctx.store, job.input_path)


def _run_export(ctx: "_Run") -> None:
    job, p = ctx.job, ctx.job.params
    fmt, today = p["format"], _day(p.get("on")) or date.today()
    issued_from, issued_to = _day(p.get("issued_from")), _day(p.get("issued_to"))
    with Session(ctx.engine, expire_on_commit=False) as s:
        row = s.get(TrackingJob, job.id)
        if row is None:
            raise LeaseLost(job.id)
        user = _creator(s, row)
        rows = reports.task_rows(s, today, rules_from(ctx.settings), user,
                                 unit_id=p.get("unit_id"), notice_id=p.get("notice_id"),
                                 status=p.get("status"), issued_from=issued_from,
                                 issued_to=issued_to)
        office = user.unit.name if user.unit else ""
    ctx.touch(0.5)
    media_type, stem = FORMATS[fmt]
    ctx.store.tmp.mkdir(parents=True, exist_ok=True)
    tmp = ctx.store.tmp / f"job-{job.id}-{uuid.uuid4().hex}.{fmt}"
    try:
        if fmt == "xlsx":
            reports.export_xlsx(rows, tmp, today, p.get("by") or "unit")
        else:
            reports.export_docx(rows, tmp, today, office, _period(issued_from, issued_to))
        relative = f"{JOB_DIR}/{job.id}-out.{fmt}"
        (ctx.store.root / JOB_DIR).mkdir(parents=True, exist_ok=True)
        os.replace(tmp, ctx.store.root / relative)
    finally:
        tmp.unlink(missing_ok=True)
    with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
        row = _mine(s, job.id, ctx.owner)
        row.output_path = relative
        _done(row, {"file_name": f"{stem}-{today:%Y%m%d}.{fmt}", "media_type": media_type,
                    "size": (ctx.store.root / relative).stat().st_size, "rows": len(rows)})


# -- the sweeper ------------------------------------------------------------------------


def sweep(engine: Engine, send: Send, settings: Settings) -> list[int]:
    """One pass: re-send lost jobs, then remove finished jobs (and their files) past keeping."""
    now = db.utcnow()
    stale = now - timedelta(seconds=settings.requeue_after_seconds)
    lost = or_(TrackingJob.lease_until < now,
               and_(TrackingJob.lease_until.is_(None),
                    or_(TrackingJob.enqueued_at.is_(None), TrackingJob.enqueued_at < stale)))
    resent = []
    with Session(engine) as s:
        candidates = s.execute(select(TrackingJob.id, TrackingJob.lease_until,
                                      TrackingJob.enqueued_at)
                               .where(TrackingJob.state.in_(ACTIVE), lost)).all()
    for job_id, lease_until, enqueued_at in candidates:
        with Session(engine) as s, s.begin():
            # Conditional on what we saw, so that two sweepers never both re-send.
            done = s.execute(update(TrackingJob).where(
                TrackingJob.id == job_id, TrackingJob.state.in_(ACTIVE),
                _same(TrackingJob.lease_until, lease_until),
                _same(TrackingJob.enqueued_at, enqueued_at),
            ).values(state=QUEUED, lease_owner=None, lease_until=None, enqueued_at=now)
                .execution_options(synchronize_session=False))
        if db.rowcount(done) == 1:
            log.warning("tracking job %s: %s, sending again", job_id,
                        "worker lost" if lease_until is not None else "message not taken")
            try:
                send(job_id, STAGE)
                resent.append(job_id)
            except Exception as exc:
                log.warning("tracking job %s: could not send: %s", job_id, exc)
    _clean(engine, db.FileStore(settings.files_dir),
           now - timedelta(hours=settings.tracking_job_keep_hours))
    return resent


def run_forever(engine: Engine, send: Send, settings: Settings, stop: threading.Event) -> None:
    while not stop.wait(settings.sweep_interval_seconds):
        try:
            sweep(engine, send, settings)
        except Exception as exc:  # database or broker down: try again next round
            log.warning("tracking sweeper: %s", exc)


# -- helpers ----------------------------------------------------------------------------


class _Run:
    """One claimed run: the lease heartbeat and throttled progress."""

    def __init__(self, engine: Engine, settings: Settings, job: TrackingJob, owner: str) -> None:
        self.engine, self.settings, self.job, self.owner = engine, settings, job, owner
        self.store = db.FileStore(settings.files_dir)
        self._stop, self._lost = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"tracking-lease-{job.id}",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def touch(self, progress: float | None = None) -> None:
        if self._lost.is_set():
            raise LeaseLost(self.job.id)
        values: dict[str, Any] = {
            "lease_until": db.utcnow() + timedelta(seconds=self.settings.job_lease_seconds)}
        if progress is not None:
            values["progress"] = round(min(max(progress, 0.0), 1.0), 4)
        _guarded(self.engine, self.job.id, self.owner, values)

    def _beat(self) -> None:
        interval = max(self.settings.job_lease_seconds / 3, 0.5)
        while not self._stop.wait(interval):
            try:
                self.touch()
            except LeaseLost:
                self._lost.set()
                return
            except Exception as exc:  # database briefly unreachable: try again next beat
                log.warning("tracking job %s: lease heartbeat failed: %s", self.job.id, exc)


def _claim(engine: Engine, job_id: int, owner: str, lease_s: float) -> TrackingJob | None:
    now = db.utcnow()
    with Session(engine, expire_on_commit=False) as s, s.begin():
        result = s.execute(update(TrackingJob).where(
            TrackingJob.id == job_id, TrackingJob.state.in_(ACTIVE),
            or_(TrackingJob.lease_until.is_(None), TrackingJob.lease_until < now),
        ).values(state=RUNNING, progress=0.0, lease_owner=owner,
                 lease_until=now + timedelta(seconds=lease_s), attempts=TrackingJob.attempts + 1,
                 started_at=now).execution_options(synchronize_session=False))
        if db.rowcount(result) != 1:
            return None
        return s.get(TrackingJob, job_id)


def _mine(s: Session, job_id: int, owner: str) -> TrackingJob:
    """Inside the caller's transaction: the job row, locked, if this run still holds it."""
    job = s.get(TrackingJob, job_id, with_for_update=True, populate_existing=True)
    if job is None or job.lease_owner != owner or job.state != RUNNING:
        raise LeaseLost(job_id)
    return job


def _done(job: TrackingJob, result: dict[str, Any]) -> None:
    job.state, job.progress, job.result, job.finished_at = DONE, 1.0, result, db.utcnow()
    job.lease_owner, job.lease_until = None, None


def _fail(engine: Engine, settings: Settings, job: TrackingJob, owner: str, code: str,
          message: str, hint: str) -> None:
    """Mark the job failed (if still ours) and drop its upload: the user uploads again."""
    try:
        _guarded(engine, job.id, owner, {
            "state": FAILED, "error_code": code[:32], "error_message": message,
            "error_hint": hint, "finished_at": db.utcnow(), "lease_owner": None,
            "lease_until": None})
    except LeaseLost:
        log.info("tracking job %s: not marked failed, it is no longer ours", job.id)
        return
    _remove(db.FileStore(settings.files_dir), job.input_path)


def _guarded(engine: Engine, job_id: int, owner: str, values: dict[str, Any]) -> None:
    with Session(engine) as s, s.begin():
        result = s.execute(update(TrackingJob).where(
            TrackingJob.id == job_id, TrackingJob.state == RUNNING,
            TrackingJob.lease_owner == owner).values(**values)
            .execution_options(synchronize_session=False))
        if db.rowcount(result) != 1:
            raise LeaseLost(job_id)


def _creator(s: Session, job: TrackingJob) -> db.User:
    """Who asked: an import is saved in their name, an export shows only what they see."""
    user = s.get(db.User, job.created_by) if job.created_by else None
    if user is None or not user.active:
        raise InputError("Tài khoản đã yêu cầu việc này không còn hoạt động.",
                         "Đăng nhập bằng tài khoản đang dùng rồi thử lại.")
    return user


def _clean(engine: Engine, store: db.FileStore, before) -> None:
    """Remove jobs finished before `before`, with their files, and files no job owns."""
    with Session(engine) as s:
        old = s.execute(select(TrackingJob.id, TrackingJob.input_path, TrackingJob.output_path)
                        .where(TrackingJob.state.in_((DONE, FAILED)),
                               TrackingJob.finished_at < before)).all()
    for job_id, input_path, output_path in old:
        with Session(engine) as s, s.begin():
            gone = s.execute(delete(TrackingJob).where(
                TrackingJob.id == job_id, TrackingJob.state.in_((DONE, FAILED))))
        if db.rowcount(gone) == 1:
            _remove(store, input_path)
            _remove(store, output_path)
    folder = store.root / JOB_DIR
    if not folder.is_dir():
        return
    with Session(engine) as s:
        owned = {p for row in s.execute(select(TrackingJob.input_path, TrackingJob.output_path))
                 for p in row if p}
    cutoff = before.timestamp()
    for path in folder.iterdir():  # a crash between moving the upload and committing the row
        if f"{JOB_DIR}/{path.name}" not in owned and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _remove(store: db.FileStore, relative: str) -> None:
    if relative and relative.startswith(f"{JOB_DIR}/"):  # never a draft or other stored file
        store.path(relative).unlink(missing_ok=True)


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready: dates as ISO strings, empty values left out."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()
            if v is not None and v != ""}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _period(issued_from: date | None, issued_to: date | None) -> str:
    if not (issued_from or issued_to):
        return ""
    start = f"văn bản ban hành từ {issued_from:%d/%m/%Y} " if issued_from else "văn bản "
    return (start + (f"đến {issued_to:%d/%m/%Y}" if issued_to else "")).strip()


def _same(column, value):
    return column.is_(None) if value is None else column == value
