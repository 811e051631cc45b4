"""The manifest of known models (models/manifest.toml) as dataclasses."""

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

MANIFEST_PATH = Path(__file__).with_name("manifest.toml")
KINDS = ("asr", "segmentation", "embedding", "diarization", "llm")


@dataclass(frozen=True)
class FileSpec:
    path: str
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str
    format: str = ""
    licence: str = ""
    description: str = ""
    obtain: str = ""
    default: bool = False
    files: tuple[FileSpec, ...] = ()
    # target file -> pieces ("package/relative/path") joined in order
    from_packages: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def pinned(self) -> bool:
        """True when the manifest fixes every file's checksum."""
        return bool(self.files) and all(f.sha256 for f in self.files)


@lru_cache
def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, ModelSpec]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    specs: dict[str, ModelSpec] = {}
    for entry in data.get("model", []):
        specs[entry["name"]] = _spec(entry)
    return specs


def _spec(entry: dict[str, Any]) -> ModelSpec:
    raw_files = entry.get("files", [])
    if isinstance(raw_files, dict):
        files = tuple(FileSpec(path=p, size=v.get("size"), sha256=v.get("sha256")) for p, v in raw_files.items())
    else:
        files = tuple(FileSpec(path=p) for p in raw_files)
    if entry["kind"] not in KINDS:
        raise ValueError(f"unknown model kind {entry['kind']!r} for {entry['name']}")
    return ModelSpec(
        name=entry["name"],
        kind=entry["kind"],
        format=entry.get("format", ""),
        licence=entry.get("licence", ""),
        description=entry.get("description", ""),
        obtain=entry.get("obtain", ""),
        default=entry.get("default", False),
        files=files,
        from_packages={k: tuple(v) for k, v in entry.get("from_packages", {}).items()},
    )
