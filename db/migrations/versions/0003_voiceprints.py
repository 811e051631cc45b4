"""voiceprints in the service database: source and enroller of a print, enrolment jobs,
diarization centroids kept with the transcript version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 10:57:05.378302

On SQLite the jobs table is copied (its ids are referenced by transcript and draft
versions): db.migrate switches foreign keys off around migrations, so the copy does not
set those references to NULL.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="meeting", nullable=False))
        batch_op.add_column(sa.Column("speaker_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("params", JSON, nullable=True))
        batch_op.alter_column("meeting_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("audio_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_jobs_speaker_id"), ["speaker_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_jobs_speaker_id_speakers"), "speakers", ["speaker_id"], ["id"], ondelete="CASCADE"
        )

    with op.batch_alter_table("transcript_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speaker_embeddings", JSON, nullable=True))

    with op.batch_alter_table("voiceprints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=500), server_default="", nullable=False))
        batch_op.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_voiceprints_created_by_users"), "users", ["created_by"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("voiceprints", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_voiceprints_created_by_users"), type_="foreignkey")
        batch_op.drop_column("created_by")
        batch_op.drop_column("source")

    with op.batch_alter_table("transcript_versions", schema=None) as batch_op:
        batch_op.drop_column("speaker_embeddings")

    op.execute("DELETE FROM jobs WHERE kind <> 'meeting'")  # enrolments have no meeting
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_jobs_speaker_id_speakers"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_jobs_speaker_id"))
        batch_op.alter_column("audio_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("meeting_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("params")
        batch_op.drop_column("speaker_id")
        batch_op.drop_column("kind")
