"""ketluan: from a recorded leadership meeting to a conclusion notice and tracked tasks.

Importing this package switches every Hugging Face and pyannote component to
offline mode before any of them can be imported: ketluan runs air-gapped.
"""

from ketluan import offline as _offline

_offline.enforce()

__version__ = "0.1.0"
