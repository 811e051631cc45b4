"""Audio and documents on disk, named by their SHA-256 (local disk or a shared mount).

Files arrive in `tmp/` under the root and are renamed into place only when
complete, so a reader never sees a partial file and a failed upload leaves none.
"""

import hashlib
import os
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
        fd, name = tempfile.mkstemp(dir=self.tmp, prefix="in-", suffix=".part")
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
        if target.exists():
            incoming.unlink(missing_ok=True)  # same content already stored
        else:
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

    def leftovers(self) -> list[Path]:
        """Temporary files still present (none should survive a request)."""
        return sorted(self.tmp.glob("*")) if self.tmp.exists() else []
