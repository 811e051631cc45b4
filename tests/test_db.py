"""The database layer on both backends: migrations match the models, the job state machine
(claim, lease, cancel, sweep) behaves under competing workers."""

import uuid
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import db
from db import accounts
from ketluan.errors import InputError
from ketluan.settings import Settings
from services import jobs, meeting_jobs


def test_migrations_match_models_and_seed_roles(engine):
    db.migrate(engine)  # a second run is a no-op
    with engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), db.Base.metadata)
        roles = dict(c.exec_driver_sql("SELECT code, name FROM roles").fetchall())
    assert diff == []
    assert roles["tong_hop"] == "Chuyên viên tổng hợp" and set(roles) == set(db.ROLES)


def test_accounts_hash_passwords_and_tokens(engine):
    with db.session(engine) as s:
        user = accounts.create_user(s, "van.thu", "mật-khẩu-dài", "van_thu", "VP-UBND")
        assert user.password_hash.startswith("$argon2")
        token = accounts.issue_token(s, user, "session", hours=1)
    with db.session(engine) as s:
        assert accounts.authenticate(s, "van.thu", "sai-mật-khẩu") is None
        assert accounts.authenticate(s, "van.thu", "mật-khẩu-dài").username == "van.thu"
        assert accounts.user_for_token(s, token).username == "van.thu"
        stored = s.scalar(select(db.AuthToken.token_hash))
        assert token not in stored  # only the hash is kept
        with pytest.raises(InputError, match="đã có"):
            accounts.create_user(s, "van.thu", "12345678", "van_thu", "VP-UBND")
        with pytest.raises(InputError, match="Vai trò"):
            accounts.create_user(s, "x", "12345678", "thu_ky", "VP-UBND")
        accounts.set_password(s, "van.thu", "mật-khẩu-mới-dài")
    with db.session(engine) as s:
        assert accounts.user_for_token(s, token) is None  # old sessions revoked
        assert accounts.authenticate(s, "van.thu", "mật-khẩu-dài") is None
        assert accounts.authenticate(s, "van.thu", "mật-khẩu-mới-dài") is not None


def _job(engine) -> int:
    with db.session(engine) as s:
        unit = accounts.ensure_unit(s, "VP")
        audio = db.AudioFile(sha256=uuid.uuid4().hex * 2, size=1, duration=1.0, format="wav", storage_path="aa/aa/x")
        s.add(audio)
        s.flush()
        meeting = db.Meeting(unit_id=unit.id, title="Họp", audio_id=audio.id)
        s.add(meeting)
        s.flush()
        return meeting_jobs.create(s, meeting.id, audio.id, None).id


def test_only_one_worker_claims_a_job_and_a_lost_worker_stops(engine):
    job_id = _job(engine)
    first = jobs.claim(engine, job_id, "gpu", "worker-a", lease_s=30)
    assert first is not None and first.state == db.TRANSCRIBING and first.attempts == 1
    assert jobs.claim(engine, job_id, "gpu", "worker-b", lease_s=30) is None  # held
    assert jobs.claim(engine, job_id, "cpu", "worker-b", lease_s=30) is None  # wrong stage
    jobs.touch(engine, job_id, "worker-a", 30, progress=0.5)
    with pytest.raises(jobs.LeaseLost):
        jobs.touch(engine, job_id, "worker-b", 30, progress=0.9)
    with db.session(engine) as s:  # a user cancels while worker-a runs
        jobs.cancel(s, s.get(db.Job, job_id))
    with pytest.raises(jobs.LeaseLost):
        jobs.touch(engine, job_id, "worker-a", 30, progress=0.6)
    assert jobs.claim(engine, job_id, "gpu", "worker-b", lease_s=30) is None  # cancelled
    with db.session(engine) as s:
        job = meeting_jobs.retry(s, s.get(db.Job, job_id))
        assert job.state == db.QUEUED and job.attempts == 0
    assert jobs.claim(engine, job_id, "gpu", "worker-b", lease_s=30) is not None


def test_sweeper_resends_expired_and_unclaimed_jobs_once(engine):
    settings = Settings(requeue_after_seconds=60)
    running, waiting, fresh = _job(engine), _job(engine), _job(engine)
    assert jobs.claim(engine, running, "gpu", "dead-worker", lease_s=30)
    past = db.utcnow() - timedelta(minutes=5)
    with db.session(engine) as s:  # the worker died 5 minutes ago; the message was lost too
        s.execute(update(db.Job).where(db.Job.id == running).values(lease_until=past))
        s.execute(update(db.Job).where(db.Job.id == waiting).values(enqueued_at=past))
    sent: list[tuple[int, str]] = []
    resent = jobs.sweep(engine, lambda j, stage: sent.append((j, stage)), settings)
    assert sorted(resent) == sorted([running, waiting]) and fresh not in resent
    assert sorted(sent) == sorted([(running, "gpu"), (waiting, "gpu")])
    assert jobs.sweep(engine, lambda j, stage: sent.append((j, stage)), settings) == []
    with db.session(engine) as s:
        job = s.get(db.Job, running)
        assert job.state == db.QUEUED and job.lease_owner is None and job.attempts == 1
    again = jobs.claim(engine, running, "gpu", "new-worker", lease_s=30)
    assert again is not None and again.attempts == 2


def test_transcript_version_is_unique_per_job(engine):
    job_id = _job(engine)
    with db.session(engine) as s:
        meeting_id = s.get(db.Job, job_id).meeting_id
        s.add(db.TranscriptVersion(meeting_id=meeting_id, version=1, source="asr", job_id=job_id, data={}))
    with pytest.raises(Exception), db.session(engine) as s:  # noqa: B017
        s.add(db.TranscriptVersion(meeting_id=meeting_id, version=2, source="asr", job_id=job_id, data={}))
    with Session(engine) as s:
        assert s.scalar(select(func.count(db.TranscriptVersion.id))) == 1
