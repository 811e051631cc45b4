"""Faults on the production path (PostgreSQL + Redis + Celery worker processes).

- A worker SIGKILLed during transcription: the sweeper re-sends the job, another worker
  finishes it, and there are no duplicate rows.
- Redis restarted (no persistence) while jobs are queued, and even stopped while a job is
  submitted: every job still completes, because the database is the truth.
"""

import subprocess

import pytest
from sqlalchemy import func, select

import db
from tests.service_fixtures import (
    RedisServer,
    free_port,
    new_database,
    run_stack,
    vieneu_clip,
    wait_for,
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    redis = RedisServer(free_port(), tmp_path_factory.mktemp("redis-faults"))
    redis.start()
    try:
        with (
            new_database() as url,
            run_stack(tmp_path_factory.mktemp("faults"), url, redis.url, workers=0) as stack,
        ):
            stack.redis = redis
            yield stack
    finally:
        redis.stop()


@pytest.fixture(scope="module")
def long_clips(tmp_path_factory) -> list[str]:
    """Two different recordings of about 50 s of real Vietnamese speech: the six vieneu
    clips, twice, with pauses (of two lengths, so their SHA-256 differ)."""
    folder = tmp_path_factory.mktemp("long")
    clips = [str(vieneu_clip(n)) for n in ("Bình", "Ly", "Ngọc", "Tuyên", "Vĩnh", "Đoan")]
    paths = []
    for pause in ("1.5", "1.2"):
        out = folder / f"hop-dai-{pause}.wav"
        parts = []
        for c in clips * 2:
            parts += [c, f"|sox -n -r 24000 -c 1 -b 16 -t wav - trim 0 {pause}"]
        subprocess.run(["sox", *parts, "-r", "16000", "-c", "1", str(out)], check=True)
        paths.append(str(out))
    return paths


def _job(stack, job_id: int) -> db.Job:
    with db.session(stack.engine) as s:
        return s.get(db.Job, job_id)


def _count(stack, model, meeting_id: int) -> int:
    with db.session(stack.engine) as s:
        return s.scalar(select(func.count(model.id)).where(model.meeting_id == meeting_id))


def _submit(stack, path: str, title: str) -> tuple[int, int]:
    with stack.client() as c:
        meeting = c.post("/api/meetings", json={"title": title}, headers=stack.auth("van_thu"))
        with open(path, "rb") as f:
            r = c.post(
                f"/api/meetings/{meeting.json()['id']}/audio",
                files={"file": (f"{title}.wav", f)},
                headers=stack.auth("van_thu"),
            )
    assert r.status_code == 202, r.text
    return meeting.json()["id"], r.json()["job"]["id"]


def _done(stack, job_id: int) -> bool:
    job = _job(stack, job_id)
    assert job.state not in (db.FAILED, db.CANCELLED), (job.state, job.error_message)
    return job.state == db.DONE


def test_worker_killed_during_transcription_is_retried_without_duplicates(stack, long_clips):
    first = stack.service.start_worker()
    meeting_id, job_id = _submit(stack, long_clips[0], "Họp bị ngắt")
    wait_for(
        lambda: (j := _job(stack, job_id)).state == db.TRANSCRIBING and 0 < j.progress < 0.8,
        90,
        "transcription to be under way",
    )
    first.kill()
    stalled = _job(stack, job_id)
    assert stalled.state == db.TRANSCRIBING and stalled.attempts == 1
    assert _count(stack, db.TranscriptVersion, meeting_id) == 0

    second = stack.service.start_worker()
    wait_for(lambda: _done(stack, job_id), 180, "the job to complete on the second worker")
    job = _job(stack, job_id)
    assert job.attempts == 2 and job.progress == 1.0 and job.lease_owner is None
    assert _count(stack, db.TranscriptVersion, meeting_id) == 1
    assert _count(stack, db.Job, meeting_id) == 1
    with db.session(stack.engine) as s:
        tv = s.scalar(select(db.TranscriptVersion).where(db.TranscriptVersion.meeting_id == meeting_id))
        assert tv.job_id == job_id and len(tv.data["segments"]) >= 6
    assert "worker lost" in second.text()
    second.stop()


def test_redis_restart_with_jobs_queued_all_complete(stack, long_clips):
    worker = stack.service.start_worker()
    busy_meeting, busy = _submit(stack, long_clips[1], "Họp dài")
    wait_for(lambda: _job(stack, busy).state == db.TRANSCRIBING, 60, "the first job to start")
    queued = [_submit(stack, str(vieneu_clip(n)), f"Họp {n}") for n in ("Bình", "Ly")]
    assert all(_job(stack, j).state not in db.FINAL_STATES for _, j in queued)

    stack.redis.restart()  # no persistence: the queued messages are gone
    stack.redis.stop()  # and while Redis is down, one more upload is accepted
    late = _submit(stack, str(vieneu_clip("Đoan")), "Họp lúc Redis dừng")
    stack.redis.start()

    jobs = [(busy_meeting, busy), *queued, late]
    for _, job_id in jobs:
        wait_for(lambda j=job_id: _done(stack, j), 240, f"job {job_id} to complete")
    for meeting_id, _ in jobs:
        assert _count(stack, db.TranscriptVersion, meeting_id) == 1
    assert "sending to the gpu queue again" in worker.text()
    worker.stop()
