"""Tracking imports and exports: two job kinds on the job engine (services/jobs.py), on the
cpu queue, registered at the bottom of this module.

    job = create_import(s, store, user, office_id, upload, "TB 02.docx", {"received_on": ...})
    job = create_export(s, user, {"format": "xlsx", "on": "2026-10-05", "by": "unit"})
    s.commit(); jobs.dispatch(send, job)      # send(job.id, "tracking") → ketluan.tracking_job
    run(engine, settings, job.id)             # in the worker: claim, parse or write, finish

queued → running → done | failed. The handler finishes a job in the same transaction that
saves the result (an import's preview), so a job lost and re-run never saves two previews.
The sweeper's housekeeping removes finished jobs and their files after
`tracking_job_keep_hours`.

Files: an upload waits in <storage>/jobs/<id>-in.<ext> (removed once read); an export is
written to <storage>/jobs/<id>-out.<ext>. Shared storage, so any API node can serve it.
"""

import logging
import os
import socket
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

import db
from db import DONE, FAILED, QUEUED, RUNNING
from db.tracking import TrackingJob
from drafting.docxkit import PageStyle
from drafting.gazetteer import Gazetteer
from ketluan.errors import InputError, NotFoundError
from ketluan.settings import Settings
from services import jobs
from services.jobs import STAGE_TRACKING as STAGE
from services.jobs import LeaseLost, Run
from tracking import imports, reports
from tracking.files import read_file
from tracking.status import rules_from

log = logging.getLogger(__name__)

STATE_NAMES = {QUEUED: "Đang chờ xử lý", RUNNING: "Đang xử lý", DONE: "Xong", FAILED: "Lỗi"}
IMPORT, EXPORT = "import", "export"
JOB_DIR = "jobs"
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "nhiem-vu"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "bao-cao-nhiem-vu"),
}


# -- creating (API side) ----------------------------------------------------------------


def create_import(
    s: Session,
    store: db.FileStore,
    user: db.User,
    office_id: int,
    upload: Path | None,
    name: str,
    params: dict[str, Any],
) -> TrackingJob:
    """An import job. `upload` (a file in the store's tmp/) is moved to the job's folder; with
    none, `params` names a stored draft (meeting_id, version)."""
    job = TrackingJob(kind=IMPORT, unit_id=office_id, params=_plain(params), input_name=name[:255], created_by=user.id)
    jobs.queue(s, job, STAGE)
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
    job = TrackingJob(kind=EXPORT, unit_id=user.unit_id, params=_plain(params), created_by=user.id)
    jobs.queue(s, job, STAGE)
    return job


def visible(s: Session, user: db.User, job_id: int) -> TrackingJob:
    """The job if `user` started it (administrators see all); 404 otherwise."""
    job = s.get(TrackingJob, job_id)
    if job is None or (user.role_code != "admin" and job.created_by != user.id):
        raise NotFoundError(
            f"Không tìm thấy việc nhập/xuất #{job_id}.",
            "Việc đã xong quá lâu nên đã được dọn, hoặc do người khác tạo. Hãy chạy lại.",
        )
    return job


# -- running (worker side) --------------------------------------------------------------


def run(engine: Engine, settings: Settings, job_id: int, send: jobs.Send | None = None) -> str:
    """jobs.run for a tracking job (tests; the worker calls jobs.run)."""
    return jobs.run(engine, settings, job_id, STAGE, send or (lambda job_id, stage: None))


def _run_import(ctx: Run) -> None:
    job, p = ctx.job, ctx.job.params
    if p.get("meeting_id"):
        with Session(ctx.engine) as s:
            draft = s.scalar(
                select(db.DraftVersion).where(
                    db.DraftVersion.meeting_id == p["meeting_id"], db.DraftVersion.version == p["version"]
                )
            )
            if draft is None:
                raise NotFoundError(
                    f"Cuộc họp #{p['meeting_id']} không còn dự thảo phiên bản {p['version']}.", "Xem danh sách dự thảo."
                )
            path = ctx.store.path(draft.storage_path)
    else:
        path = ctx.store.path(job.input_path)
    if not path.is_file():
        raise NotFoundError(
            f"Không thấy tệp '{job.input_name}' trong kho lưu trữ của máy xử lý {socket.gethostname()}.",
            "Tải tệp lên lại; nếu lỗi lặp lại, báo quản trị viên kiểm tra thư mục lưu trữ dùng chung (storage_dir).",
        )
    ctx.touch(progress=0.1)
    notices = read_file(
        path,
        job.input_name,
        p.get("number"),
        _day(p.get("issued_on")),
        _day(p.get("received_on")),
        ctx.settings.tracking_max_rows,
        ctx.store.tmp,
        gazetteer=Gazetteer.load(ctx.settings.gazetteer_file),
        meeting_date=_day(p.get("meeting_date")),
    )
    for notice in notices:
        notice.meeting_id = p.get("meeting_id") or notice.meeting_id
    ctx.touch(progress=0.7)
    with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
        row = ctx.release(s)
        user = _creator(s, row)
        if row.unit_id is None:  # create_import always names the importing office
            raise InputError("Việc nhập này không ghi đơn vị nhập.", "Tải tệp lên lại.")
        pending = imports.preview(s, notices, row.unit_id, user, job.input_name)
        row.result = {"import_id": pending.id}
    _remove(ctx.store, job.input_path)


def _run_export(ctx: Run) -> None:
    job, p = ctx.job, ctx.job.params
    fmt, today = p["format"], _day(p.get("on")) or date.today()
    issued_from, issued_to = _day(p.get("issued_from")), _day(p.get("issued_to"))
    with Session(ctx.engine, expire_on_commit=False) as s:
        row = s.get(TrackingJob, job.id)
        if row is None:
            raise LeaseLost(job.id)
        user = _creator(s, row)
        rows = reports.task_rows(
            s,
            today,
            rules_from(ctx.settings),
            user,
            unit_id=p.get("unit_id"),
            notice_id=p.get("notice_id"),
            status=p.get("status"),
            issued_from=issued_from,
            issued_to=issued_to,
        )
        office = user.unit.name if user.unit else ""
    ctx.touch(progress=0.5)
    media_type, stem = FORMATS[fmt]
    ctx.store.tmp.mkdir(parents=True, exist_ok=True)
    tmp = ctx.store.tmp / f"job-{job.id}-{uuid.uuid4().hex}.{fmt}"
    try:
        if fmt == "xlsx":
            reports.export_xlsx(rows, tmp, today, p.get("by") or "unit")
        else:
            reports.export_docx(
                rows, tmp, today, office, _period(issued_from, issued_to), PageStyle.from_settings(ctx.settings)
            )
        relative = f"{JOB_DIR}/{job.id}-out.{fmt}"
        (ctx.store.root / JOB_DIR).mkdir(parents=True, exist_ok=True)
        os.replace(tmp, ctx.store.root / relative)
    finally:
        tmp.unlink(missing_ok=True)
    with Session(ctx.engine, expire_on_commit=False) as s, s.begin():
        row = ctx.release(s)
        row.output_path = relative
        row.result = {
            "file_name": f"{stem}-{today:%Y%m%d}.{fmt}",
            "media_type": media_type,
            "size": (ctx.store.root / relative).stat().st_size,
            "rows": len(rows),
        }


# -- housekeeping ---------------------------------------------------------------------------


def _drop_failed_input(engine: Engine, settings: Settings, job_id: int) -> None:
    """After every run: a failed job's upload is removed (the user uploads again)."""
    with Session(engine) as s:
        job = s.get(TrackingJob, job_id)
        if job is None or job.state != FAILED:
            return
        input_path = job.input_path
    _remove(db.FileStore(settings.files_dir), input_path)


def clean(engine: Engine, settings: Settings) -> None:
    """The sweeper's housekeeping: finished jobs past `tracking_job_keep_hours` go, with
    their files."""
    before = db.utcnow() - timedelta(hours=settings.tracking_job_keep_hours)
    _clean(engine, db.FileStore(settings.files_dir), before)


def _creator(s: Session, job: TrackingJob) -> db.User:
    """Who asked: an import is saved in their name, an export shows only what they see."""
    user = s.get(db.User, job.created_by) if job.created_by else None
    if user is None or not user.active:
        raise InputError(
            "Tài khoản đã yêu cầu việc này không còn hoạt động.", "Đăng nhập bằng tài khoản đang dùng rồi thử lại."
        )
    return user


def _clean(engine: Engine, store: db.FileStore, before: datetime) -> None:
    """Remove jobs finished before `before`, with their files, and files no job owns."""
    with Session(engine) as s:
        old = s.execute(
            select(TrackingJob.id, TrackingJob.input_path, TrackingJob.output_path).where(
                TrackingJob.state.in_((DONE, FAILED)), TrackingJob.finished_at < before
            )
        ).all()
    for job_id, input_path, output_path in old:
        with Session(engine) as s, s.begin():
            gone = s.execute(delete(TrackingJob).where(TrackingJob.id == job_id, TrackingJob.state.in_((DONE, FAILED))))
        if db.rowcount(gone) == 1:
            _remove(store, input_path)
            _remove(store, output_path)
    folder = store.root / JOB_DIR
    if not folder.is_dir():
        return
    with Session(engine) as s:
        owned = {p for row in s.execute(select(TrackingJob.input_path, TrackingJob.output_path)) for p in row if p}
    cutoff = before.timestamp()
    for path in folder.iterdir():  # a crash between moving the upload and committing the row
        if f"{JOB_DIR}/{path.name}" not in owned and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _remove(store: db.FileStore, relative: str) -> None:
    if relative and relative.startswith(f"{JOB_DIR}/"):  # never a draft or other stored file
        store.path(relative).unlink(missing_ok=True)


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready: dates as ISO strings, empty values left out."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items() if v is not None and v != ""}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _period(issued_from: date | None, issued_to: date | None) -> str:
    if not (issued_from or issued_to):
        return ""
    start = f"văn bản ban hành từ {issued_from:%d/%m/%Y} " if issued_from else "văn bản "
    return (start + (f"đến {issued_to:%d/%m/%Y}" if issued_to else "")).strip()


# -- registration ---------------------------------------------------------------------------

jobs.register(jobs.Handler(IMPORT, STAGE, _run_import, RUNNING, ended=_drop_failed_input))
jobs.register(jobs.Handler(EXPORT, STAGE, _run_export, RUNNING, ended=_drop_failed_input))
jobs.HOUSEKEEPING.append(clean)
