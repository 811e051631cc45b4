"""Orphaned files: what the file store holds but no database row refers to.

They come from an upload interrupted after its file was written, a worker that crashed with
a temporary file open, a deleted meeting (its drafts go with it; its recording stays while
another meeting, job or voiceprint uses it). The sweeper (services/jobs.py run_forever) calls
`remove_orphans` now and then; `ketluan admin clean-files` runs it by hand.

Only files older than the grace period are touched: a file still being written, or just
committed for a row not yet saved, is recent (FileStore.commit refreshes the time of content
it finds already stored). Every column named `*_path` (storage_path, a tracking job's
input_path / output_path), the clip of an enrolment job, and every foreign key to
audio_files count as references, so new tables are covered without changes here.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine, and_, delete, exists, not_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import KIND_ENROL, AudioFile, Base, Job, utcnow
from db.storage import FileStore

log = logging.getLogger(__name__)


@dataclass
class Cleaned:
    audio_rows: list[int] = field(default_factory=list)  # recordings no longer used by anything
    files: list[str] = field(default_factory=list)  # stored files no row refers to (relative)
    temporary: list[str] = field(default_factory=list)  # leftovers under tmp/

    @property
    def count(self) -> int:
        return len(self.audio_rows) + len(self.files) + len(self.temporary)


def remove_orphans(engine: Engine, store: FileStore, grace_seconds: float) -> Cleaned:
    """One pass: unused recording rows, then unreferenced stored files, then stale temporaries."""
    done = Cleaned()
    cutoff = time.time() - grace_seconds
    try:
        with Session(engine) as s, s.begin():
            done.audio_rows = _unused_audio(s, grace_seconds)
    except IntegrityError:  # an upload took one of them in the meantime: next time
        log.info("orphan cleanup: a recording was reused meanwhile; rows left for the next pass")
    with Session(engine) as s:
        referenced = _referenced_paths(s)
    root = store.root.resolve()
    for path in list(store.stored()):
        relative = path.resolve().relative_to(root).as_posix()
        if relative not in referenced and store.remove_if_older(path, cutoff):
            done.files.append(relative)
    done.temporary = [p.relative_to(store.root).as_posix() for p in store.remove_abandoned()]
    done.temporary += _old_temporaries(store, cutoff)
    if done.count:
        log.info(
            "orphan cleanup: %d recording rows, %d stored files, %d temporary files removed",
            len(done.audio_rows),
            len(done.files),
            len(done.temporary),
        )
    return done


def _unused_audio(s: Session, grace_seconds: float) -> list[int]:
    """Delete AudioFile rows older than the grace period that nothing refers to. One
    conditional DELETE: a row that an upload reuses at the same moment is kept (or, if the
    upload comes second, its foreign key fails and it stores the file again)."""
    unused = [not_(exists().where(column == AudioFile.id)) for column in _audio_references()]
    old = AudioFile.created_at < utcnow() - timedelta(seconds=grace_seconds)
    return list(s.scalars(delete(AudioFile).where(and_(old, *unused)).returning(AudioFile.id)))


def _audio_references() -> list:
    return [
        fk.parent
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == AudioFile.__tablename__
    ]


def _referenced_paths(s: Session) -> set[str]:
    paths: set[str] = set()
    for column in path_columns():
        paths.update(p for p in s.scalars(select(column).distinct()) if p)
    # An enrolment's clip waits in the store, named in the job's params, until the job ends.
    for params in s.scalars(select(Job.params).where(Job.kind == KIND_ENROL)):
        if (params or {}).get("clip"):
            paths.add(params["clip"])
    return paths


def path_columns() -> list:
    """Every column that names a file in the store: by convention its name ends in `_path`."""
    return [c for table in Base.metadata.tables.values() for c in table.c if c.name.endswith("_path")]


def _old_temporaries(store: FileStore, cutoff: float) -> list[str]:
    """Files under tmp/ not written to since the cutoff, then the folders they leave empty."""
    if not store.tmp.exists():
        return []
    # Times first: removing a file makes its folder look recently changed.
    entries = []
    for path in store.tmp.rglob("*"):
        try:
            entries.append((path, path.stat().st_mtime, path.is_dir()))
        except OSError:
            continue
    removed = []
    for path, mtime, is_dir in sorted(entries, key=lambda e: len(e[0].parts), reverse=True):
        if mtime >= cutoff:
            continue
        try:
            if is_dir:
                path.rmdir()  # only when empty
            else:
                path.unlink()
                removed.append(path.relative_to(store.root).as_posix())
        except OSError:  # gone already, or a folder still in use
            continue
    return removed


def remove_now(s: Session, store: FileStore, audio_ids: list[int], paths: list[str]) -> list[str]:
    """After a delete (a meeting and its versions), inside the caller's transaction: drop the
    recording rows nothing refers to any more, then remove the stored files no row names (a
    recording another unit uploaded too, or a file shared by content, stays). Returns the
    relative paths removed. Call it once the delete is committed, then commit again (if this
    part fails, the sweeper's `remove_orphans` does it later); a concurrent upload of the same
    content refreshes the file's time and keeps it (FileStore.remove_if_older)."""
    unused = [not_(exists().where(column == AudioFile.id)) for column in _audio_references()]
    for audio_id in audio_ids:
        row = s.get(AudioFile, audio_id)
        if row is None:
            continue
        gone = s.scalars(delete(AudioFile).where(AudioFile.id == audio_id, *unused).returning(AudioFile.id)).first()
        if gone is not None:
            paths.append(row.storage_path)
    s.flush()
    referenced = _referenced_paths(s)
    cutoff = time.time()
    removed = []
    for relative in dict.fromkeys(p for p in paths if p):
        if relative in referenced:
            continue
        path = store.path(relative)
        if path.exists() and store.remove_if_older(path, cutoff):
            removed.append(relative)
    return removed
