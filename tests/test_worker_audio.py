"""A recording that fails in the worker is named by the file the user uploaded, never by the
stored file (its SHA-256), and the reason is a clear Vietnamese message."""

from pathlib import Path

import db
from db import accounts
from ketluan.settings import Settings
from tests.media import tone, write_audio


def test_a_worker_audio_error_names_the_uploaded_file(tmp_path: Path) -> None:
    from services import meeting_jobs

    # Cut short after it was stored (a failing disk, a half-synced share): the upload check
    # refuses such a file, so it is put in the store directly.
    whole = write_audio(tmp_path / "full.wav", tone(10.0)).read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole[: len(whole) // 2])
    settings = Settings(
        data_dir=tmp_path / "data", models_dir=Settings().model_store_dir, device="cpu", compute_type="int8"
    )
    engine = db.connect(settings.db_url)
    store = db.FileStore(settings.files_dir)
    with db.session(engine) as s:
        unit = accounts.ensure_unit(s, "VP-UBND")
        relative, sha, size = store.put_file(cut)
        audio = db.AudioFile(
            sha256=sha, size=size, duration=10.0, format="wav", storage_path=relative, original_name="Họp giao ban.wav"
        )
        s.add(audio)
        s.flush()
        meeting = db.Meeting(unit_id=unit.id, title="Họp thử", audio_id=audio.id)
        s.add(meeting)
        s.flush()
        job_id = meeting_jobs.create(s, meeting.id, audio.id, None).id
    assert meeting_jobs.run(engine, settings, job_id, "gpu").startswith("failed")
    with db.session(engine) as s:
        job = s.get(db.Job, job_id)
        code, message, hint = job.error_code, job.error_message, job.error_hint
    engine.dispose()
    assert code == "audio", (code, message)
    assert "'Họp giao ban.wav' bị cắt cụt" in message, message
    assert sha not in f"{message} {hint}"


def test_a_job_whose_recording_row_is_gone_fails_as_not_found(tmp_path: Path) -> None:
    """A row the job needs vanished (its meeting deleted meanwhile): a clear not_found failure,
    not an internal error from reading an attribute of None."""
    from services import meeting_jobs

    settings = Settings(
        data_dir=tmp_path / "data", models_dir=Settings().model_store_dir, device="cpu", compute_type="int8"
    )
    engine = db.connect(settings.db_url)
    with db.session(engine) as s:
        unit = accounts.ensure_unit(s, "VP-UBND")
        meeting = db.Meeting(unit_id=unit.id, title="Họp thử")
        s.add(meeting)
        s.flush()
        job = meeting_jobs.create(s, meeting.id, None, None)
        job_id = job.id
    assert meeting_jobs.run(engine, settings, job_id, "gpu").startswith("failed")
    with db.session(engine) as s:
        code = s.get(db.Job, job_id).error_code
    engine.dispose()
    assert code == "not_found"
