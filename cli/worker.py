"""`ketluan serve`, `ketluan worker`, `ketluan admin ...`: the service from the command line."""

import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
from typing import Annotated

import typer

import db
import transcribe
from db import accounts, cleanup
from ketluan.errors import InputError
from ketluan.roles import Role
from ketluan.settings import get_settings

admin_app = typer.Typer(help="Quản trị: tài khoản, đơn vị.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)
    app.add_typer(admin_app, name="admin")


def serve(
    host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Cổng.")] = 8000,
    with_worker: Annotated[bool, typer.Option("--worker/--no-worker", help="Chạy kèm một máy xử lý cục bộ.")] = True,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            help="IP của nginx được tin cậy cho X-Forwarded-For (mặc định: không tin ai; nginx cùng máy: 127.0.0.1)."
        ),
    ] = "",
    workers: Annotated[int, typer.Option(help="Số tiến trình API (uvicorn); sản xuất: khoảng số lõi CPU.")] = 1,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Ghi mỗi yêu cầu vào nhật ký (tắt khi nginx đã ghi: tiết kiệm CPU).",
        ),
    ] = True,
) -> None:
    """Chạy API (và một máy xử lý) trên máy này. Mặc định: SQLite, không cần Redis/PostgreSQL."""
    import uvicorn

    from api import create_app

    _logging()
    settings = get_settings()
    app = create_app(settings)  # migrates the database before the worker starts
    children = []
    if with_worker:
        children = [
            subprocess.Popen(cmd, env=os.environ.copy(), preexec_fn=_die_with_parent) for cmd in embedded_workers()
        ]
    # uvicorn re-raises SIGTERM/SIGINT after its graceful shutdown; turn that into SystemExit
    # so the `finally` below stops the worker instead of the process dying around it.
    signal.signal(signal.SIGTERM, _exit)
    try:
        uvicorn.run(
            app if workers == 1 else "api:create_app",
            factory=workers > 1,
            workers=workers,
            host=host,
            port=port,
            **proxy_options(forwarded_allow_ips),
            log_level="info",
            access_log=access_log,
        )
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()


def proxy_options(forwarded_allow_ips: str) -> dict:
    """uvicorn's proxy settings: X-Forwarded-For is believed only from the listed addresses
    (nginx). By default nobody: any local program could otherwise claim to be any client,
    for the audit trail and for the per-address sign-in lock."""
    return {"proxy_headers": bool(forwarded_allow_ips.strip()), "forwarded_allow_ips": forwarded_allow_ips or None}


def embedded_workers() -> list[list[str]]:
    """The worker processes `ketluan serve` runs: the pipeline worker (one job at a time, the
    model loaded once) and a small cpu worker, so that a tracking import or export does not
    wait behind an hour of transcription; it also runs Celery beat (the daily warnings)."""
    cli = [sys.executable, "-m", "cli", "worker"]
    return [
        [*cli, "--queue", "gpu,cpu"],
        [*cli, "--queue", "cpu", "--concurrency", "1", "--no-preload", "--beat"],
    ]


def worker(
    queue: Annotated[str, typer.Option(help="gpu, cpu, hoặc gpu,cpu.")] = "gpu",
    concurrency: Annotated[int, typer.Option(help="Số tiến trình (hàng cpu; 0 = số lõi).")] = 0,
    gpu: Annotated[str | None, typer.Option(help="Chỉ dùng GPU số này (CUDA_VISIBLE_DEVICES).")] = None,
    preload: Annotated[bool, typer.Option(help="Nạp mô hình trước khi nhận việc.")] = True,
    beat: Annotated[
        bool, typer.Option("--beat", help="Chạy kèm lịch Celery beat (cảnh báo hằng ngày); một máy là đủ.")
    ] = False,
) -> None:
    """Chạy một máy xử lý Celery. Hàng gpu: mỗi lần một việc, mô hình nạp một lần."""
    queues = [q.strip() for q in queue.split(",") if q.strip()]
    if not queues or set(queues) - {"gpu", "cpu"}:
        raise InputError(f"Hàng đợi '{queue}' không có.", "Chọn gpu, cpu hoặc gpu,cpu.")
    if gpu is not None:
        os.environ["CUDA_VISIBLE_DEVICES"] = gpu
    _logging()
    settings = get_settings()
    db.connect(settings.db_url)  # fail fast, with a clear message, if the database is down
    from worker import tasks  # noqa: F401  (registers the tasks and the sweeper)
    from worker.app import app

    if "gpu" in queues and preload:
        transcribe.load_model(settings.asr_model)
    if beat:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    app.worker_main(worker_argv(queues, concurrency, beat, settings.data_dir))


def worker_argv(queues: list[str], concurrency: int, beat: bool, data_dir) -> list[str]:
    """Celery's command line for `ketluan worker`."""
    # The gpu queue runs in the main process ("solo"): one job at a time, the model stays loaded.
    pool = "solo" if "gpu" in queues else "prefork"
    argv = ["worker", "-Q", ",".join(queues), "-P", pool, "-l", "INFO"]
    argv += ["-n", f"{'-'.join(queues)}-{os.getpid()}@{socket.gethostname()}"]
    if pool == "prefork":
        argv += ["-c", str(concurrency or os.cpu_count() or 1)]
    if beat:  # the schedule is in worker/app.py; its state file under the data directory
        argv += ["-B", "-s", str(data_dir / "celerybeat-schedule")]
    return argv


@admin_app.command("create-user")
def create_user(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
    # Every role, from the one list (the help once left out don_vi, the assigned units).
    role: Annotated[str, typer.Option(help=", ".join(Role) + ".")],
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị (tạo mới nếu chưa có).")] = None,
    unit_name: Annotated[str, typer.Option(help="Tên đơn vị khi tạo mới.")] = "",
    full_name: Annotated[str, typer.Option(help="Họ và tên.")] = "",
    password: Annotated[
        str | None,
        typer.Option(help="Mật khẩu (bỏ trống để nhập ẩn; hoặc biến KETLUAN_NEW_PASSWORD)."),
    ] = None,
) -> None:
    """Tạo tài khoản đăng nhập (mật khẩu băm argon2)."""
    password = password or os.environ.get("KETLUAN_NEW_PASSWORD")
    if not password:
        password = typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    engine = db.connect(get_settings().db_url)
    with db.session(engine) as s:
        if unit:
            accounts.ensure_unit(s, unit, unit_name)
        user = accounts.create_user(s, username, password, role, unit, full_name)
        typer.echo(f"Đã tạo tài khoản '{user.username}' ({db.ROLES[role]}).")


@admin_app.command("set-password")
def set_password(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
    password: Annotated[
        str | None,
        typer.Option(help="Mật khẩu mới (bỏ trống để nhập ẩn; hoặc KETLUAN_NEW_PASSWORD)."),
    ] = None,
) -> None:
    """Đặt lại mật khẩu; mọi phiên và mã truy cập cũ của tài khoản bị thu hồi."""
    password = password or os.environ.get("KETLUAN_NEW_PASSWORD")
    if not password:
        password = typer.prompt("Mật khẩu mới", hide_input=True, confirmation_prompt=True)
    engine = db.connect(get_settings().db_url)
    with db.session(engine) as s:
        user = accounts.set_password(s, username, password)
        typer.echo(f"Đã đặt lại mật khẩu cho '{user.username}'; các phiên cũ đã bị thu hồi.")


@admin_app.command("clean-files")
def clean_files(
    grace_hours: Annotated[
        float | None,
        typer.Option(help="Chỉ xóa tệp cũ hơn chừng này giờ (mặc định: orphan_grace_seconds)."),
    ] = None,
) -> None:
    """Xóa tệp trong kho lưu trữ không còn bản ghi nào dùng (máy xử lý cũng tự làm định kỳ)."""
    settings = get_settings()
    grace = settings.orphan_grace_seconds if grace_hours is None else grace_hours * 3600
    engine = db.connect(settings.db_url)
    done = cleanup.remove_orphans(engine, db.FileStore(settings.files_dir), grace)
    typer.echo(
        f"Đã xóa {len(done.files)} tệp lưu trữ không còn dùng, {len(done.temporary)} tệp tạm, "
        f"{len(done.audio_rows)} bản ghi âm không còn cuộc họp nào dùng."
    )


def _exit(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """Linux: the embedded worker gets SIGTERM if `ketluan serve` itself is killed."""
    with contextlib.suppress(OSError):  # no libc.so.6 (not Linux): nothing to set
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
