"""Roles and who may do what: the one place both are written.

    Role.TONG_HOP                      a role (its code is what the users table stores)
    can(user.role_code, Can.DRAFT)     may this role do that?
    ROLE_NAMES[Role.TONG_HOP]          what users read

The API's route rules (api/deps.py: one `Allow` per capability), the web pages (`can(...)` in
the templates), the admin form and the command line's `create-user` all read these. The
database's `roles` table is seeded by the migrations from frozen lists of their own (a
migration must not change when this file does): a new role is a new member here, its name,
its row in CAPABILITIES' sets, and a migration inserting its row.
"""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    VAN_THU = "van_thu"  # records meetings, uploads recordings
    TONG_HOP = "tong_hop"  # edits transcripts, drafts the notice
    THEO_DOI = "theo_doi"  # tracks the notice's tasks
    LANH_DAO = "lanh_dao"  # reads
    DON_VI = "don_vi"  # an assigned unit outside the office: only its own tracking tasks


ROLE_NAMES: dict[Role, str] = {
    Role.ADMIN: "Quản trị hệ thống",
    Role.VAN_THU: "Văn thư",
    Role.TONG_HOP: "Chuyên viên tổng hợp",
    Role.THEO_DOI: "Chuyên viên theo dõi",
    Role.LANH_DAO: "Lãnh đạo",
    Role.DON_VI: "Đơn vị được giao",
}

# The office's own staff (every role but an assigned unit).
OFFICE = frozenset(Role) - {Role.DON_VI}


class Can(StrEnum):
    """What a role may do; each names the routes and pages it opens."""

    ACCOUNT = "account"  # sign in and out, one's own account, password and tokens
    READ_MEETINGS = "read_meetings"  # meetings, jobs, drafts (read and download)
    RECORD = "record"  # create meetings, upload and replace recordings
    LISTEN = "listen"  # transcripts (read, export) and the recording's audio
    PREPARE = "prepare"  # the notice's form fields, the glossary, re-running jobs, the speaker list
    DRAFT = "draft"  # edit transcripts and drafts, restore versions, speakers and voiceprints
    READ_TRACKING = "read_tracking"  # tracked tasks (an assigned unit: only its own)
    TRACK = "track"  # import notices, manage tracked tasks, reports
    UPDATE_TASKS = "update_tasks"  # report progress on a task (an assigned unit: its own)
    ADMINISTER = "administer"  # accounts, units, models, the API's docs
    ALL_UNITS = "all_units"  # see and act for every unit, not only one's own


_ = Role
CAPABILITIES: dict[Can, frozenset[Role]] = {
    Can.ACCOUNT: frozenset(Role),
    Can.READ_MEETINGS: OFFICE,
    Can.RECORD: frozenset({_.ADMIN, _.VAN_THU}),
    Can.LISTEN: frozenset({_.ADMIN, _.VAN_THU, _.TONG_HOP, _.LANH_DAO}),
    Can.PREPARE: frozenset({_.ADMIN, _.VAN_THU, _.TONG_HOP}),
    Can.DRAFT: frozenset({_.ADMIN, _.TONG_HOP}),
    Can.READ_TRACKING: frozenset(Role),
    Can.TRACK: frozenset({_.ADMIN, _.THEO_DOI}),
    Can.UPDATE_TASKS: frozenset({_.ADMIN, _.THEO_DOI, _.DON_VI}),
    Can.ADMINISTER: frozenset({_.ADMIN}),
    Can.ALL_UNITS: frozenset({_.ADMIN}),
}
del _


def can(role: str | None, capability: Can) -> bool:
    """Whether `role` (a role code; None: nobody signed in) may do `capability`."""
    return role is not None and role in CAPABILITIES[capability]


def role_name(code: str) -> str:
    """What users read for a role code."""
    return ROLE_NAMES[Role(code)]
