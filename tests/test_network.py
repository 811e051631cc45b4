"""Air-gapped, checked at the kernel: every job a worker runs (upload → transcribe → diarize →
draft, a tracking import, a voice enrolment) makes no network system call except to the test's
own Redis and PostgreSQL on loopback. The whole process tree runs under strace, so native code
(onnxruntime, CTranslate2, torch, glibc's resolver) is watched too, in both the embedded
`ketluan serve` worker and `ketluan worker` (Celery on Redis, PostgreSQL).
"""

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.service_fixtures import (
    ROOT,
    ApiServer,
    RedisServer,
    free_port,
    make_service,
    model_ready,
    new_database,
    seed_users,
    sse_events,
    vieneu_clip,
    wait_for,
)
from tests.syscalls import check_tracing_works, office_env, outside_calls, strace, traced_child
from tests.tracking_helpers import finished, render

MEETING = {
    "title": "Họp giao ban Ủy ban nhân dân tỉnh tháng 11",
    "issuing_body": "Ủy ban nhân dân tỉnh Lào Cai",
    "date": "2026-11-20",
    "chair": "Chủ tịch UBND tỉnh",
    "format": "state",
}
Auth = Callable[[str], dict[str, str]]


def test_the_trace_sees_native_name_lookups(tmp_path):
    check_tracing_works(tmp_path)


def test_embedded_serve_runs_every_job_without_the_network(tmp_path):
    import db

    model_ready()
    data = tmp_path / "data"
    data.mkdir()
    engine = db.connect(f"sqlite:///{data / 'ketluan.sqlite'}")
    tokens = seed_users(engine, "VP")
    engine.dispose()
    env = office_env({k: v for k, v in os.environ.items() if not k.startswith("KETLUAN_")})
    env.update(
        KETLUAN_DATA_DIR=str(data),
        KETLUAN_MODELS_DIR=str(ROOT / ".data" / "test" / "models"),
        KETLUAN_DEVICE="cpu",
        KETLUAN_BEAM_SIZE="1",
        PYTHONPATH=str(ROOT),
    )
    log, port = tmp_path / "serve.strace", free_port()
    with open(tmp_path / "serve.log", "wb") as out:
        proc = subprocess.Popen(
            [*strace(log), sys.executable, "-m", "cli", "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(proc, url, tmp_path / "serve.log"), 120, "ketluan serve")
        with httpx.Client(base_url=url, timeout=60) as c:
            _every_job(c, lambda role: {"Authorization": f"Bearer {tokens[role]}"}, "VP", tmp_path)
    finally:
        _stop(proc)
    assert outside_calls(log, allowed_ports=set()) == []


def test_celery_worker_runs_every_job_without_the_network(tmp_path):
    from api import create_app

    model_ready()
    redis = RedisServer(free_port(), tmp_path)
    redis.start()
    try:
        with new_database() as database:
            service = make_service(tmp_path / "data", database, redis.url)
            service.env = office_env(service.env)
            app = create_app(service.settings())
            tokens = seed_users(app.state.engine, "VP-UBND")
            log = tmp_path / "worker.strace"
            try:
                with ApiServer(app) as api, httpx.Client(base_url=api.url, timeout=60) as c:
                    service.start_worker("gpu,cpu", wrap=strace(log))
                    _every_job(c, lambda role: {"Authorization": f"Bearer {tokens[role]}"}, "VP-UBND", tmp_path)
            finally:
                service.stop()
                app.state.engine.dispose()
            pg_port = int(app.state.engine.url.port or 5432)
    finally:
        redis.stop()
    assert outside_calls(log, allowed_ports={redis.port, pg_port}) == []


def _every_job(c: httpx.Client, auth: Auth, unit: str, tmp_path: Path) -> None:
    """Each kind of job a worker runs, through the API, each to its end."""
    clip = vieneu_clip("Tuyên")
    r = c.post("/api/meetings", json=MEETING, headers=auth("van_thu"))
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    with open(clip, "rb") as f:
        r = c.post(f"/api/meetings/{mid}/audio", files={"file": ("hop.wav", f)}, headers=auth("van_thu"))
    assert r.status_code == 202, r.text
    events = sse_events(c, f"/api/jobs/{r.json()['job']['id']}/events", auth("tong_hop"), 600)
    assert events[-1][1]["state"] == "done", events[-1]
    assert "diarizing" in {e[1]["state"] for e in events}
    assert len(c.get(f"/api/meetings/{mid}/drafts", headers=auth("tong_hop")).json()) == 1

    with open(render(tmp_path / "tb.docx"), "rb") as f:
        r = c.post(
            "/api/tracking/imports",
            params={"received_on": "2026-08-27"},
            files={"file": ("TB 02-TB-TU.docx", f)},
            headers=auth("theo_doi"),
        )
    assert r.status_code == 202, r.text
    assert finished(c, r.json(), auth("theo_doi"), timeout=120)["state"] == "done"

    r = c.post(
        "/api/speakers",
        headers=auth("admin"),
        json={"name": "Lê Văn Tuyên", "title": "Giám đốc Sở Xây dựng", "unit_code": unit},
    )
    assert r.status_code == 201, r.text
    with open(_repeated(clip, tmp_path / "tuyen.wav", 3), "rb") as f:  # enrolment: 10–60 s
        r = c.post(
            f"/api/speakers/{r.json()['id']}/voiceprints", headers=auth("admin"), files={"file": ("tuyen.wav", f)}
        )
    assert r.status_code == 202, r.text
    events = sse_events(c, f"/api/jobs/{r.json()['id']}/events", auth("admin"), 600)
    assert events[-1][1]["state"] == "done", events[-1]


def _up(proc: subprocess.Popen, url: str, log: Path) -> bool:
    assert proc.poll() is None, log.read_text(errors="replace")
    try:
        return httpx.get(f"{url}/api/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the traced command (not to strace), then strace ends with its last child."""
    if proc.poll() is not None:
        return
    child = traced_child(proc.pid)
    os.kill(child, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.kill(child, signal.SIGKILL)  # its embedded workers die with it (PDEATHSIG)
        proc.wait(timeout=30)


def _repeated(clip: Path, out: Path, times: int) -> Path:
    """The clip said `times` over, as one WAV."""
    import wave

    with wave.open(str(clip), "rb") as src:
        params, frames = src.getparams(), src.readframes(src.getnframes())
    with wave.open(str(out), "wb") as dst:
        dst.setparams(params)
        dst.writeframes(frames * times)
    return out
