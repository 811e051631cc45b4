"""The embedded default: `ketluan serve` with no Redis and no PostgreSQL (SQLite files and
Celery's SQLAlchemy transport under the data directory), driven through HTTP."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.service_fixtures import ROOT, free_port, model_ready, sse_events, vieneu_clip, wait_for


@pytest.fixture
def served(tmp_path):
    model_ready()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETLUAN_")}
    env.update(
        KETLUAN_DATA_DIR=str(tmp_path / "data"),
        KETLUAN_MODELS_DIR=str(ROOT / ".data" / "test" / "models"),
        KETLUAN_DEVICE="cpu",
        KETLUAN_BEAM_SIZE="1",
        KETLUAN_NEW_PASSWORD="mat-khau-rat-dai",
        PYTHONPATH=str(ROOT),
    )
    cli = [sys.executable, "-m", "cli"]
    for user, role in (("vanthu", "van_thu"), ("tonghop", "tong_hop")):
        subprocess.run(
            [
                *cli,
                "admin",
                "create-user",
                user,
                "--role",
                role,
                "--unit",
                "VP",
                "--unit-name",
                "Văn phòng UBND tỉnh",
            ],
            env=env,
            check=True,
            cwd=ROOT,
        )
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, (tmp_path / "serve.log").read_text()
        try:
            return httpx.get(f"{url}/api/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(up, 60, "ketluan serve")
    yield url, tmp_path
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    log.close()
    # The embedded workers (the pipeline's, and the small cpu one with beat) must not outlive
    # `ketluan serve`.
    text = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace")
    pids = {int(pid) for pid in re.findall(r"(?<![\w-])(?:gpu-cpu|cpu)-(\d+)@\S+ ready", text)}
    assert len(pids) == 2, text[-3000:]
    wait_for(lambda: not any(_alive(pid) for pid in pids), 30, "the embedded workers to stop")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0


def test_serve_runs_api_and_worker_without_redis_or_postgres(served):
    url, tmp_path = served
    clip = vieneu_clip("Bình")
    with httpx.Client(base_url=url, timeout=60) as c:
        r = c.post("/api/auth/login", json={"username": "vanthu", "password": "mat-khau-rat-dai"})
        assert r.status_code == 200 and r.cookies.get("ketluan_session")
        # The web UI way: the session cookie, no bearer header, and the session's CSRF token.
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        meeting = c.post("/api/meetings", json={"title": "Họp nhúng"})
        assert meeting.status_code == 201, meeting.text
        mid = meeting.json()["id"]
        with open(clip, "rb") as f:
            r = c.post(f"/api/meetings/{mid}/audio", files={"file": (clip.name, f)})
        assert r.status_code == 202, r.text
        events = sse_events(c, f"/api/jobs/{r.json()['job']['id']}/events", {})
        assert events[-1][1]["state"] == "done", events
        assert c.post("/api/auth/logout").status_code == 204
        assert c.get("/api/meetings").status_code == 401

        token = c.post("/api/auth/login", json={"username": "tonghop", "password": "mat-khau-rat-dai"}).json()["token"]
        c.cookies.clear()
        r = c.get(f"/api/meetings/{mid}/export/txt", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and len(r.text.split()) >= 4, r.text
    data = tmp_path / "data"
    assert (data / "ketluan.sqlite").exists() and (data / "broker.sqlite").exists()
