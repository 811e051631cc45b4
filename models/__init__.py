"""The local model store: known models, checksums, install from media, resolve by name.

Nothing here downloads. Models arrive from installed Python packages (the
embedded default) or from a folder an office copies in from removable media.
"""

import ketluan  # noqa: F401  (offline mode first)
from models.manifest import FileSpec, ModelSpec, load_manifest
from models.store import InstalledModel, ModelStatus, ModelStore, default_store

__all__ = [
    "FileSpec",
    "InstalledModel",
    "ModelSpec",
    "ModelStatus",
    "ModelStore",
    "default_store",
    "load_manifest",
]
