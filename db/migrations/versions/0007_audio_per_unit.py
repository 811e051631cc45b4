"""audio_files: one row per unit (the stored file is still shared by SHA-256)

A unit uploading bytes another unit already uploaded got that unit's row: its file name and
upload time (issue 11, finding 4). Rows now belong to a unit, unique per (unit, sha256); a
recording that several units' meetings share is split into one row per unit, the later units'
copies without the first uploader's name.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 15:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audio_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_audio_files_unit_id_units"), "units", ["unit_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.drop_constraint(op.f("uq_audio_files_sha256"), type_="unique")
    _split_shared_rows(op.get_bind())
    with op.batch_alter_table("audio_files", schema=None) as batch_op:
        batch_op.create_unique_constraint(op.f("uq_audio_files_unit_id"), ["unit_id", "sha256"])
        batch_op.create_index(op.f("ix_audio_files_sha256"), ["sha256"], unique=False)


def _split_shared_rows(conn) -> None:
    audio = sa.table(
        "audio_files",
        *(
            sa.column(c)
            for c in (
                "id",
                "unit_id",
                "sha256",
                "size",
                "duration",
                "format",
                "codec",
                "sample_rate",
                "channels",
                "storage_path",
                "original_name",
                "uploaded_by",
                "created_at",
            )
        ),
    )
    meetings = sa.table(
        "meetings", sa.column("id"), sa.column("unit_id"), sa.column("audio_id"), sa.column("created_at")
    )
    jobs = sa.table("jobs", sa.column("meeting_id"), sa.column("audio_id"))
    rows = conn.execute(
        sa.select(meetings.c.audio_id, meetings.c.unit_id, meetings.c.id)
        .where(meetings.c.audio_id.is_not(None))
        .order_by(meetings.c.audio_id, meetings.c.id)
    ).all()
    first_unit: dict[int, int] = {}
    copies: dict[tuple[int, int], int] = {}
    for audio_id, unit_id, meeting_id in rows:
        owner = first_unit.setdefault(audio_id, unit_id)
        if unit_id == owner:
            conn.execute(audio.update().where(audio.c.id == audio_id).values(unit_id=unit_id))
            continue
        if (audio_id, unit_id) not in copies:
            src = conn.execute(sa.select(audio).where(audio.c.id == audio_id)).mappings().one()
            values = {k: v for k, v in src.items() if k != "id"}
            values.update(unit_id=unit_id, original_name="", uploaded_by=None)
            copies[audio_id, unit_id] = conn.execute(audio.insert().values(**values).returning(audio.c.id)).scalar_one()
        new_id = copies[audio_id, unit_id]
        conn.execute(meetings.update().where(meetings.c.id == meeting_id).values(audio_id=new_id))
        conn.execute(
            jobs.update().where(jobs.c.meeting_id == meeting_id, jobs.c.audio_id == audio_id).values(audio_id=new_id)
        )


def downgrade() -> None:
    with op.batch_alter_table("audio_files", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_audio_files_sha256"))
        batch_op.drop_constraint(op.f("uq_audio_files_unit_id"), type_="unique")
        batch_op.drop_constraint(op.f("fk_audio_files_unit_id_units"), type_="foreignkey")
        batch_op.drop_column("unit_id")
