"""Fixtures for the service tests: a fresh PostgreSQL database, a private Redis, worker processes.

PostgreSQL: KETLUAN_TEST_POSTGRES_URL names a server database to connect to for
creating a throw-away one (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
Redis: each session starts its own redis-server on a free port, so restarting it
never disturbs anything else on the machine.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "KETLUAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres"
)


def wait_for(condition: Callable[[], object], timeout: float, what: str, step: float = 0.1):
    """Poll `condition` until it returns something truthy, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(step)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def new_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"ketluan_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc.orig}). Install and start "
            "it (apt-get install postgresql; service postgresql start) "
            "or set KETLUAN_TEST_POSTGRES_URL."
        )
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with new_database() as url:
        yield url


@dataclass
class RedisServer:
    port: int
    folder: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            pytest.fail("redis-server is missing: apt-get install redis-server")
        # No persistence: a restart loses every queued message, the case the sweeper covers.
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._ping, 10, f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(free_port(), tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@dataclass
class Worker:
    proc: subprocess.Popen
    log: Path
    wrapped: bool = False  # proc is a wrapper (strace) around the worker

    @property
    def pid(self) -> int:
        """The worker's own process, under any wrapper."""
        if not self.wrapped:
            return self.proc.pid
        from tests.syscalls import traced_child

        return traced_child(self.proc.pid)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no acknowledgement, the way a crash or the OOM killer ends it."""
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Service:
    """Settings shared by the API under test and its worker processes."""

    env: dict[str, str]
    data_dir: Path
    workers: list[Worker] = field(default_factory=list)

    def start_worker(self, queues: str = "gpu,cpu", *options: str, wrap: Sequence[str] = ()) -> Worker:
        """A `ketluan worker` process; `wrap` is a command prefix to run it under (strace)."""
        log = self.data_dir / f"worker-{len(self.workers)}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [*wrap, sys.executable, "-m", "cli", "worker", "--queue", queues, *options],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = Worker(proc, log, wrapped=bool(wrap))
        self.workers.append(worker)
        wait_for(lambda: "ready" in worker.text() or proc.poll() is not None, 60, "worker start")
        assert proc.poll() is None, f"worker exited:\n{worker.text()}"
        return worker

    def settings(self):
        from ketluan.settings import Settings

        values = {k[len("KETLUAN_") :].lower(): v for k, v in self.env.items() if k.startswith("KETLUAN_")}
        return Settings(**values)

    def stop(self) -> None:
        for w in self.workers:
            w.stop()


def make_service(data_dir: Path, database_url: str, broker_url: str, **extra: str) -> Service:
    env = dict(os.environ)
    models = Path(os.environ.get("KETLUAN_DATA_DIR", ROOT / ".data" / "test")) / "models"
    env.update(
        {
            "KETLUAN_DATA_DIR": str(data_dir),
            "KETLUAN_MODELS_DIR": str(models),  # the test run's model store, assembled once
            "KETLUAN_DATABASE_URL": database_url,
            "KETLUAN_BROKER_URL": broker_url,
            "KETLUAN_DEVICE": "cpu",
            "KETLUAN_COMPUTE_TYPE": "int8",
            "KETLUAN_BEAM_SIZE": "1",
            # Sequential decoding reports progress segment by segment; the fault tests kill a
            # worker part-way through, which batched decoding of a short file has no time for.
            "KETLUAN_BATCH_SIZE": "1",
            "KETLUAN_JOB_LEASE_SECONDS": "6",
            "KETLUAN_REQUEUE_AFTER_SECONDS": "4",
            "KETLUAN_SWEEP_INTERVAL_SECONDS": "1",
            "KETLUAN_PROGRESS_INTERVAL_SECONDS": "0.2",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    data_dir.mkdir(parents=True, exist_ok=True)
    return Service(env=env, data_dir=data_dir)


class ApiServer:
    """The API under test on a real socket (uvicorn in a thread), so uploads really stream."""

    def __init__(self, app) -> None:
        import threading

        import uvicorn

        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ApiServer":
        self.thread.start()
        wait_for(lambda: self.server.started, 20, "the API server to start")
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


ROLE_NAMES = ("admin", "van_thu", "tong_hop", "theo_doi", "lanh_dao")


def seed_users(engine, unit: str = "VP-UBND") -> dict[str, str]:
    """One user per role in `unit`; returns role → bearer token."""
    import db
    from db import accounts

    tokens = {}
    with db.session(engine) as s:
        for role in ROLE_NAMES:
            user = accounts.create_user(
                s, f"{role}.{unit.lower()}", "mat-khau-thu", role, unit, full_name=f"Người {role}"
            )
            tokens[role] = accounts.issue_token(s, user, "api", None)
    return tokens


def model_ready() -> None:
    """Assemble the default model in the test store once, before worker processes race for it."""
    from models import default_store

    default_store().resolve("whisper-base", kind="asr")


def vieneu_clip(name_start: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec("vieneu")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("vieneu is not installed: run `make test`, which installs it with --no-deps")
    folder = Path(next(iter(spec.submodule_search_locations))) / "assets" / "samples"
    return next(p for p in sorted(folder.glob("*.wav")) if p.name.startswith(name_start))


def sse_events(client, url: str, headers: dict, timeout: float = 120) -> list[tuple[str, dict]]:
    """Read a Server-Sent Events stream to its end; returns (event, data) pairs."""
    import json

    events, name = [], None
    with client.stream("GET", url, headers=headers, timeout=timeout) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line[5:])))
    return events


@dataclass
class Stack:
    """API (in a thread) + worker processes + database + broker, as in production."""

    service: Service
    api: ApiServer
    engine: object
    tokens: dict[str, str]
    other_unit_tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.api.url

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def client(self):
        import httpx

        return httpx.Client(base_url=self.url, timeout=60)


@contextmanager
def run_stack(data_dir: Path, database_url: str, broker_url: str, workers: int = 1):
    from api import create_app

    model_ready()
    service = make_service(data_dir, database_url, broker_url)
    settings = service.settings()
    app = create_app(settings)
    engine = app.state.engine
    tokens = seed_users(engine, "VP-UBND")
    other = seed_users(engine, "VP-TU")
    try:
        with ApiServer(app) as api:
            for _ in range(workers):
                service.start_worker()
            yield Stack(service, api, engine, tokens, other)
    finally:
        service.stop()
        engine.dispose()


@pytest.fixture(scope="session")
def pg_stack(pg_url, redis_server, tmp_path_factory) -> Iterator[Stack]:
    """PostgreSQL + Redis + one real Celery worker process, shared by the HTTP tests."""
    with run_stack(tmp_path_factory.mktemp("pg-stack"), pg_url, redis_server.url) as stack:
        yield stack
