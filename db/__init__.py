"""Storage shared by api/, worker/ and tracking/: SQLAlchemy models, sessions, migrations, files.

engine = db.connect(settings.db_url)      # migrated to the latest revision
with db.session(engine) as s: ...
"""

from db.engine import connect, make_engine, migrate, session, sessionmaker_for
from db.models import (
    ACTIVE_STATES,
    CANCELLED,
    DIARIZING,
    DONE,
    DRAFTING,
    FAILED,
    FINAL_STATES,
    JOB_STATES,
    QUEUED,
    ROLES,
    TRANSCRIBING,
    AudioFile,
    AuditEvent,
    AuthToken,
    Base,
    DraftVersion,
    Job,
    Meeting,
    Role,
    Speaker,
    TranscriptVersion,
    Unit,
    User,
    Voiceprint,
    utcnow,
)
from db.storage import FileStore

__all__ = [
    "ACTIVE_STATES",
    "CANCELLED",
    "DIARIZING",
    "DONE",
    "DRAFTING",
    "FAILED",
    "FINAL_STATES",
    "JOB_STATES",
    "QUEUED",
    "ROLES",
    "TRANSCRIBING",
    "AudioFile",
    "AuditEvent",
    "AuthToken",
    "Base",
    "DraftVersion",
    "FileStore",
    "Job",
    "Meeting",
    "Role",
    "Speaker",
    "TranscriptVersion",
    "Unit",
    "User",
    "Voiceprint",
    "connect",
    "make_engine",
    "migrate",
    "session",
    "sessionmaker_for",
    "utcnow",
]
