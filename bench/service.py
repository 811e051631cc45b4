"""Service benchmark: upload memory, job-status latency under load, jobs per hour.

    python bench/service.py                 # PostgreSQL (throw-away database) + private Redis
    python bench/service.py --embedded      # SQLite + Celery's SQLAlchemy transport
    python bench/service.py --only status --api-workers 2 --seconds 30   # job status only

1. Upload a 1 GB WAV through HTTP; record the server's peak RSS growth (goal < 100 MB).
2. GET /api/jobs/{id} at a fixed 200 requests/s from a local async load generator
   (latency measured from the scheduled send time, so a slow server cannot hide queueing).
3. Jobs per hour with the base model: real worker process, real clips, upload to done.
Prints a Markdown block for bench/RESULTS.md.
"""

import argparse
import asyncio
import os
import platform
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


PARTS = ("upload", "status", "jobs")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--embedded", action="store_true", help="SQLite + SQLAlchemy broker")
    p.add_argument("--upload-gb", type=float, default=1.0)
    p.add_argument("--rate", type=int, default=200)
    p.add_argument("--seconds", type=float, default=15.0)
    p.add_argument("--jobs", type=int, default=6)
    p.add_argument("--api-workers", type=int, default=1, help="uvicorn processes")
    p.add_argument("--only", action="append", choices=PARTS, help="run only these parts (repeatable)")
    p.add_argument("--access-log", action="store_true", help="uvicorn access log on (off: nginx logs)")
    args = p.parse_args()
    args.only = args.only or list(PARTS)

    with tempfile.TemporaryDirectory(prefix="ketluan-bench-") as tmp:
        tmp = Path(tmp)
        with Backends(tmp, args.embedded) as env:
            results = run(tmp, env, args)
    print(report(results, args))


def run(tmp: Path, env: dict, args) -> dict:
    out: dict = {}
    cli = [sys.executable, "-m", "cli"]
    env["KETLUAN_NEW_PASSWORD"] = "mat-khau-bench"
    subprocess.run(
        [*cli, "admin", "create-user", "bench", "--role", "van_thu", "--unit", "VP"],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    port = _free_port()
    log = "--access-log" if args.access_log else "--no-access-log"
    server = subprocess.Popen(
        [*cli, "serve", "--no-worker", "--port", str(port), "--workers", str(args.api_workers), log],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: _health(url), 60)
        with httpx.Client(base_url=url, timeout=600) as c:
            token = c.post("/api/auth/login", json={"username": "bench", "password": "mat-khau-bench"}).json()["token"]
            h = {"Authorization": f"Bearer {token}"}
            if "upload" in args.only:
                out["upload"] = bench_upload(c, h, server.pid, tmp, args.upload_gb)
                job_id = out["upload"]["job_id"]
            else:
                job_id = _one_job(c, h)
            if "status" in args.only:
                cpu0 = _cpu_seconds(server.pid)
                out["status"] = asyncio.run(bench_status(url, h, job_id, args))
                served = out["status"]["requests"] - out["status"]["errors"]
                out["status"]["server_cpu_ms"] = 1000 * (_cpu_seconds(server.pid) - cpu0) / served
            c.post(f"/api/jobs/{job_id}/cancel", headers=h)
        if "jobs" not in args.only:
            return out
        worker = subprocess.Popen(
            [*cli, "worker", "--queue", "gpu,cpu"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with httpx.Client(base_url=url, timeout=600) as c:
                out["jobs"] = bench_jobs(c, h, tmp, args.jobs)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return out


def bench_upload(c: httpx.Client, h: dict, pid: int, tmp: Path, gb: float) -> dict:
    path = tmp / "mot-gb.wav"
    _big_wav(path, int(gb * 1e9))
    meeting = c.post("/api/meetings", json={"title": "Bench 1 GB"}, headers=h).json()["id"]
    base = _rss(pid)
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        r = c.post(f"/api/meetings/{meeting}/audio", files={"file": ("mot-gb.wav", f)}, headers=h)
    took = time.perf_counter() - t0
    stop.set()
    sampler.join()
    r.raise_for_status()
    size = path.stat().st_size
    path.unlink()
    return {
        "bytes": size,
        "seconds": took,
        "mb_s": size / took / 1e6,
        "rss_base_mb": base / 1e6,
        "rss_peak_mb": peak[0] / 1e6,
        "rss_growth_mb": (peak[0] - base) / 1e6,
        "job_id": r.json()["job"]["id"],
        "duration_h": r.json()["audio"]["duration"] / 3600,
    }


def _one_job(c: httpx.Client, h: dict) -> int:
    """A queued job to ask about (no worker runs while the status part does)."""
    clip = _clips()[0]
    meeting = c.post("/api/meetings", json={"title": "Bench status"}, headers=h).json()["id"]
    with open(clip, "rb") as f:
        r = c.post(f"/api/meetings/{meeting}/audio", files={"file": (clip.name, f)}, headers=h)
    r.raise_for_status()
    return r.json()["job"]["id"]


async def bench_status(url: str, h: dict, job_id: int, args) -> dict:
    n = int(args.rate * args.seconds)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=url, headers=h, limits=limits, timeout=30) as c:
        await c.get(f"/api/jobs/{job_id}")  # warm up
        start = time.perf_counter() + 0.1

        async def one(i: int) -> None:
            nonlocal errors
            due = start + i / args.rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            try:
                r = await c.get(f"/api/jobs/{job_id}")
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - due)
            else:
                errors += 1

        await asyncio.gather(*(one(i) for i in range(n)))
        wall = time.perf_counter() - start
    latencies.sort()
    if not latencies:
        raise SystemExit(f"every job-status request failed ({errors})")
    return {
        "requests": n,
        "errors": errors,
        "achieved_rps": (n - errors) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
    }


def bench_jobs(c: httpx.Client, h: dict, tmp: Path, count: int) -> dict:
    clips = _clips()
    jobs, audio_s = [], 0.0
    t0 = time.perf_counter()
    for i in range(count):
        clip = clips[i % len(clips)]
        unique = tmp / f"clip-{i}.wav"
        subprocess.run(["sox", str(clip), str(unique), "pad", "0", f"0.{i + 1}"], check=True)
        meeting = c.post("/api/meetings", json={"title": f"Bench {i}"}, headers=h).json()["id"]
        with open(unique, "rb") as f:
            r = c.post(f"/api/meetings/{meeting}/audio", files={"file": (unique.name, f)}, headers=h)
        r.raise_for_status()
        jobs.append(r.json()["job"]["id"])
        audio_s += r.json()["audio"]["duration"]

    def all_done() -> bool:
        states = [c.get(f"/api/jobs/{j}", headers=h).json()["state"] for j in jobs]
        assert "failed" not in states, states
        return all(s == "done" for s in states)

    _wait(all_done, 900, step=0.25)
    wall = time.perf_counter() - t0
    return {
        "jobs": count,
        "audio_s": audio_s,
        "wall_s": wall,
        "jobs_per_hour": count / wall * 3600,
        "audio_x_realtime": audio_s / wall,
    }


def report(r: dict, args) -> str:
    mode = "embedded (SQLite + SQLAlchemy broker)" if args.embedded else "PostgreSQL 15 + Redis 7"
    cpu = platform.processor() or platform.machine()
    log = "access log on" if args.access_log else "no access log"
    rows = []
    if "upload" in r:
        u = r["upload"]
        rows.append(
            f"| upload {u['bytes'] / 1e9:.2f} GB WAV ({u['duration_h']:.1f} h of audio) "
            f"| {u['seconds']:.1f} s, {u['mb_s']:.0f} MB/s | |"
        )
        rows.append(
            f"| server RSS during upload | {u['rss_base_mb']:.0f} → {u['rss_peak_mb']:.0f} MB, "
            f"**growth {u['rss_growth_mb']:.1f} MB** | < 100 MB |"
        )
    if "status" in r:
        s = r["status"]
        rows.append(
            f"| job status at {args.rate} req/s for {args.seconds:.0f} s ({s['requests']} requests) "
            f"| **p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms** (max {s['max_ms']:.0f} ms), "
            f"{s['achieved_rps']:.0f} req/s achieved, {s['errors']} errors; "
            f"server CPU {s['server_cpu_ms']:.2f} ms per request | {args.rate} req/s |"
        )
    if "jobs" in r:
        j = r["jobs"]
        rows.append(
            f"| jobs per hour, whisper-base int8 CPU, one worker | **{j['jobs_per_hour']:.0f} jobs/h** "
            f"({j['jobs']} clips, {j['audio_s']:.0f} s of speech in {j['wall_s']:.1f} s; "
            f"{j['audio_x_realtime']:.1f}× real time incl. upload and queueing) | |"
        )
    head = (
        f"### {mode}, {args.api_workers} API process(es), {log} — {os.cpu_count()} CPU cores ({cpu}), "
        f"load average {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d')}"
    )
    return "\n".join(["", head, "| measure | result | goal |", "|---|---|---|", *rows, ""])


class Backends:
    """A throw-away PostgreSQL database and a private redis-server, or the embedded files."""

    def __init__(self, tmp: Path, embedded: bool) -> None:
        self.tmp, self.embedded = tmp, embedded
        self.redis: subprocess.Popen | None = None
        self.dbname = f"ketluan_bench_{uuid.uuid4().hex[:8]}"
        self.admin = os.environ.get(
            "KETLUAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )

    def __enter__(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KETLUAN_")}
        env.update(
            KETLUAN_DATA_DIR=str(self.tmp / "data"),
            KETLUAN_MODELS_DIR=str(ROOT / ".data" / "test" / "models"),
            KETLUAN_DEVICE="cpu",
            KETLUAN_COMPUTE_TYPE="int8",
            PYTHONPATH=str(ROOT),
        )
        if not self.embedded:
            from sqlalchemy import create_engine, text

            engine = create_engine(self.admin, isolation_level="AUTOCOMMIT")
            with engine.connect() as c:
                c.execute(text(f'CREATE DATABASE "{self.dbname}"'))
            env["KETLUAN_DATABASE_URL"] = engine.url.set(database=self.dbname).render_as_string(hide_password=False)
            port = _free_port()
            self.redis = subprocess.Popen(
                [
                    shutil.which("redis-server") or "/usr/bin/redis-server",
                    "--port",
                    str(port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )
            env["KETLUAN_BROKER_URL"] = f"redis://127.0.0.1:{port}/0"
            time.sleep(0.5)
        return env

    def __exit__(self, *exc) -> None:
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait()
        if not self.embedded:
            from sqlalchemy import create_engine, text

            engine = create_engine(self.admin, isolation_level="AUTOCOMMIT")
            with engine.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)'))


def _big_wav(path: Path, size: int) -> None:
    """A valid 16 kHz mono PCM WAV of `size` bytes: a real speech clip repeated."""
    import av  # noqa: F401  (decode the clip through the project's own reader)

    from transcribe.audio import decode

    pcm = (decode(_clips()[0]) * 32767).astype("<i2").tobytes()
    data = size - 44
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt ")
        f.write(struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16))
        f.write(b"data" + struct.pack("<I", data))
        block = pcm * max(1, (8 << 20) // len(pcm))
        left = data - data % 2
        while left > 0:
            chunk = block[: min(len(block), left)]
            f.write(chunk)
            left -= len(chunk)


def _clips() -> list[Path]:
    import importlib.util

    spec = importlib.util.find_spec("vieneu")
    folder = Path(next(iter(spec.submodule_search_locations))) / "assets" / "samples"
    return sorted(folder.glob("*.wav"))


def _rss(pid: int) -> int:
    """Resident memory of the API server process and its children (uvicorn workers)."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return total
    return total + sum(_rss(int(c)) for c in children)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the API server process tree."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return total + sum(_cpu_seconds(int(c)) for c in children)


def _health(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _wait(cond, timeout: float, step: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark step timed out")
        time.sleep(step)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
