"""Audio and documents on disk, named by their SHA-256 (local disk or a shared mount).

Files arrive in `tmp/` under the root and are renamed into place only when
complete, so a reader never sees a partial file and a failed upload leaves none.
A row that keeps a stored file names it in a column called `storage_path` (relative to the
root): the orphan cleanup (db/cleanup.py) removes old files that no such column names.
"""

import hashlib
import os
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHUNK = 1024 * 1024


class FileStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"

    def path(self, relative: str) -> Path:
        """Absolute path of a stored file; refuses anything outside the root."""
        p = (self.root / relative).resolve()
        if self.root.resolve() not in p.parents:
            raise ValueError(f"path outside the file store: {relative!r}")
        return p

    @contextmanager
    def incoming(self) -> Iterator[Path]:
        """A temporary file in the store; removed on exit unless `commit` moved it."""
        self.tmp.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.tmp, prefix=f"in-{_owner()}~", suffix=".part")
        os.close(fd)
        path = Path(name)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    def commit(self, incoming: Path, sha256: str, suffix: str = "") -> str:
        """Move a finished temporary file to its content address; return the relative path."""
        relative = f"{sha256[:2]}/{sha256[2:4]}/{sha256}{suffix}"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Same content already stored: keep that file, and make it recent, so that the
            # orphan cleanup (db/cleanup.py) leaves it alone until our row refers to it.
            os.utime(target)
            incoming.unlink(missing_ok=True)
        except FileNotFoundError:
            os.replace(incoming, target)
        return relative

    def keep(self, incoming: Path, folder: str) -> str:
        """Move a finished temporary file to a new name under `folder` (a file that is not
        stored by content: an enrolment clip, removed when its job ends)."""
        relative = f"{folder}/{uuid.uuid4().hex}"
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming, target)
        return relative

    def put_file(self, source: Path, suffix: str = "") -> tuple[str, str, int]:
        """Copy a local file in; return (relative path, sha256, size)."""
        with self.incoming() as tmp:
            digest = hashlib.sha256()
            size = 0
            with open(source, "rb") as src, open(tmp, "wb") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
            sha = digest.hexdigest()
            return self.commit(tmp, sha, suffix), sha, size

    def stored(self) -> Iterator[Path]:
        """Every stored file (not the temporary ones), as absolute paths."""
        for path in self.root.rglob("*"):
            if path.is_file() and self.tmp not in path.parents:
                yield path

    def remove_if_older(self, path: Path, cutoff: float) -> bool:
        """Remove a stored file last written (or re-committed) before `cutoff` (epoch seconds).
        The file is first renamed aside and its time checked again, so a concurrent `commit` of
        the same content, which refreshes the time, is never lost: it is put back instead."""
        aside = path.with_name(f"{path.name}.removing-{os.getpid()}")
        try:
            if path.stat().st_mtime >= cutoff:
                return False
            os.replace(path, aside)
        except FileNotFoundError:
            return False
        if aside.stat().st_mtime >= cutoff:  # committed again between our two looks
            if path.exists():
                aside.unlink()
            else:
                os.replace(aside, path)
            return False
        aside.unlink()
        return True

    def remove_abandoned(self) -> list[Path]:
        """Remove the temporary files that a process of this machine left when it died (killed
        mid-upload: its `incoming` never reached its cleanup). Each name carries its process id
        and host; another machine's files, or a live process's, are left alone (the orphan
        cleanup's grace period covers those)."""
        removed = []
        host = socket.gethostname()
        for path in self.tmp.glob("in-*~*.part") if self.tmp.exists() else []:
            pid, _, owner_host = path.name[3:].split("~", 1)[0].partition("@")
            if owner_host == host and pid.isdigit() and not _alive(int(pid)):
                path.unlink(missing_ok=True)
                removed.append(path)
        return removed

    def leftovers(self) -> list[Path]:
        """Temporary files still present (none should survive a request)."""
        return sorted(self.tmp.glob("*")) if self.tmp.exists() else []


def _owner() -> str:
    return f"{os.getpid()}@{socket.gethostname()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True
