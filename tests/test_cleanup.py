"""Orphaned files: the sweeper removes stored files no row refers to once they are older than
the grace period, and never a file a row (or a live job, through its recording) refers to."""

import os
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import db
from db import accounts, cleanup
from ketluan.settings import Settings
from services import jobs, meeting_jobs
from tests.service_fixtures import wait_for
from tests.tracking_helpers import tracking_params

GRACE = 3600.0
LONG_AGO = time.time() - 2 * GRACE


def test_orphans_go_referenced_and_recent_files_stay(engine, tmp_path):
    store = db.FileStore(tmp_path / "files")
    with db.session(engine) as s:
        unit = accounts.ensure_unit(s, "VP-UBND")
        unit_id = unit.id
    # A meeting being transcribed: its recording (old file, old row) must stay.
    live = _recording(engine, store, unit_id, b"dang-xu-ly", job_state=db.TRANSCRIBING)
    # A deleted meeting: its draft goes with the row; its recording is used by nothing else.
    gone = _recording(engine, store, unit_id, b"cuoc-hop-da-xoa", draft=b"PK-du-thao")
    # A recording two meetings share: deleting one of them keeps it for the other.
    shared = _recording(engine, store, unit_id, b"dung-chung")
    with db.session(engine) as s:
        s.add(db.Meeting(unit_id=unit_id, title="Họp khác", audio_id=shared["audio_id"]))
        for meeting_id in (gone["meeting_id"], shared["meeting_id"]):
            s.delete(s.get(db.Meeting, meeting_id))  # as DELETE /api/meetings/{id} does
    # An upload interrupted after its file was written (no row), an old and a recent one.
    interrupted = _stored(store, b"tai-len-do-dang", LONG_AGO)
    just_written = _stored(store, b"vua-ghi-xong", time.time())
    # Tracking evidence (a row refers to it), made old.
    evidence = _evidence_path(engine, store)
    # A queued enrolment's clip (named in the job's params) and a finished export's file.
    clip = _stored(store, b"giong-noi-cho-ghi-danh", LONG_AGO)
    export = _stored(store, b"PK-bao-cao-xlsx", LONG_AGO)
    with db.session(engine) as s:
        speaker = db.Speaker(unit_id=unit_id, name="Nguyễn Văn Hùng")
        s.add(speaker)
        s.flush()

        meeting_jobs.create_enrolment(s, speaker.id, _relative(store, clip), "hung.wav", None)
        s.add(db.TrackingJob(kind="export", state="done", unit_id=unit_id, output_path=_relative(store, export)))
    # A crashed worker's temporary output, and an upload still streaming into tmp/.
    crashed = _temporary(store, "in-abc.part", LONG_AGO)
    crashed_dir = store.tmp / "tmpxyz"
    crashed_dir.mkdir()
    _age(_temporary(store, "tmpxyz/thong-bao.docx", LONG_AGO), LONG_AGO)
    _age(crashed_dir, LONG_AGO)
    streaming = _temporary(store, "in-def.part", time.time())

    done = cleanup.remove_orphans(engine, store, GRACE)

    assert sorted(done.audio_rows) == [gone["audio_id"]]
    assert not gone["audio"].exists() and not gone["draft"].exists()
    assert not interrupted.exists() and not crashed.exists() and not crashed_dir.exists()
    for kept in (live["audio"], shared["audio"], just_written, evidence, streaming, clip, export):
        assert kept.exists(), kept
    with db.session(engine) as s:
        assert s.get(db.AudioFile, live["audio_id"]) and s.get(db.AudioFile, shared["audio_id"])
        assert s.get(db.AudioFile, gone["audio_id"]) is None
    assert len(done.files) == 4  # the deleted meeting's audio and draft, the upload, the scratch copy
    assert sorted(done.temporary) == ["tmp/in-abc.part", "tmp/tmpxyz/thong-bao.docx"]
    assert cleanup.remove_orphans(engine, store, GRACE).count == 0  # nothing left to do


def test_content_stored_again_is_not_removed(tmp_path):
    """An orphan whose content is uploaded again before the cleanup: the new commit finds the
    file already there and refreshes its time, so the cleanup leaves it for the new row."""
    store = db.FileStore(tmp_path / "files")
    old = _stored(store, b"cung-noi-dung", LONG_AGO)
    sha = old.name
    with store.incoming() as tmp:
        tmp.write_bytes(b"cung-noi-dung")
        assert store.commit(tmp, sha) == old.relative_to(store.root).as_posix()
    assert not store.remove_if_older(old, time.time() - GRACE)
    assert old.read_bytes() == b"cung-noi-dung"
    _age(old, LONG_AGO)
    assert store.remove_if_older(old, time.time() - GRACE) and not old.exists()
    assert not list(old.parent.glob("*.removing-*"))


def test_the_sweeper_cleans_up_periodically(tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        sweep_interval_seconds=0.05,
        orphan_cleanup_interval_seconds=0.05,
        orphan_grace_seconds=GRACE,
    )
    engine = db.connect(settings.db_url)
    store = db.FileStore(settings.files_dir)
    orphan = _stored(store, b"mo-coi", LONG_AGO)
    stop = threading.Event()
    thread = threading.Thread(target=jobs.run_forever, args=(engine, lambda *a: None, settings, stop))
    thread.start()
    try:
        wait_for(lambda: not orphan.exists(), 30, "the sweeper to remove the orphaned file")
    finally:
        stop.set()
        thread.join(timeout=10)
        engine.dispose()


def _recording(
    engine, store, unit_id: int, content: bytes, job_state: str | None = None, draft: bytes | None = None
) -> dict:
    """A meeting with a stored recording (and a job, a draft), all written long ago."""
    audio = _stored(store, content + uuid.uuid4().bytes, LONG_AGO)
    out = {"audio": audio}
    with db.session(engine) as s:
        row = db.AudioFile(
            sha256=audio.name,
            size=len(content),
            duration=1.0,
            format="wav",
            storage_path=audio.relative_to(store.root).as_posix(),
            created_at=datetime.fromtimestamp(LONG_AGO, UTC),
        )
        s.add(row)
        s.flush()
        meeting = db.Meeting(unit_id=unit_id, title="Họp", audio_id=row.id)
        s.add(meeting)
        s.flush()
        if job_state:
            s.add(db.Job(meeting_id=meeting.id, audio_id=row.id, state=job_state, log=[]))
        if draft:
            out["draft"] = _stored(store, draft, LONG_AGO, ".docx")
            s.add(
                db.DraftVersion(
                    meeting_id=meeting.id,
                    version=1,
                    source="generated",
                    sha256=out["draft"].stem,
                    size=len(draft),
                    storage_path=out["draft"].relative_to(store.root).as_posix(),
                )
            )
        out.update(audio_id=row.id, meeting_id=meeting.id)
    return out


def _stored(store, content: bytes, mtime: float, suffix: str = "") -> Path:
    import hashlib

    source = store.root.parent / f"src-{uuid.uuid4().hex}"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(content)
    relative, _sha, _size = store.put_file(source, suffix)
    source.unlink()
    path = store.path(relative)
    assert path.name.startswith(hashlib.sha256(content).hexdigest())
    return _age(path, mtime)


def _evidence_path(engine, store) -> Path:
    params = tracking_params(engine, store)
    _age(store.root / "authz-evidence.txt", LONG_AGO)  # the helper's scratch copy: an orphan
    with db.session(engine) as s:
        relative = s.get(db.TaskEvidence, params["evidence_id"]).storage_path
    return _age(store.path(relative), LONG_AGO)


def _temporary(store, name: str, mtime: float) -> Path:
    path = store.tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"dang-do")
    return _age(path, mtime)


def _age(path: Path, mtime: float) -> Path:
    os.utime(path, (mtime, mtime))
    return path


def test_every_column_naming_a_stored_file_is_one_the_cleanup_knows():
    """The cleanup keeps a file when some row's `*_path` column names it. A table that kept
    store paths under another name would lose its files: this fails first."""
    from db.cleanup import path_columns

    known = {f"{c.table.name}.{c.name}" for c in path_columns()}
    assert {"audio_files.storage_path", "tracking_jobs.input_path", "tracking_jobs.output_path"} <= known
    odd = [
        f"{table.name}.{column.name}"
        for table in db.Base.metadata.tables.values()
        for column in table.c
        if ("path" in column.name or column.name.endswith("_file")) and f"{table.name}.{column.name}" not in known
    ]
    assert odd == [], f"name these columns *_path, or teach db/cleanup.py about them: {odd}"


def _relative(store: db.FileStore, path: Path) -> str:
    return path.resolve().relative_to(store.root.resolve()).as_posix()
