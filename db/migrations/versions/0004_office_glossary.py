"""office glossary on units; login_throttle (failed sign-ins shared by every API process)

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-21 11:30:00
"""

import sqlalchemy as sa
from alembic import op

import db.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("glossary", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("glossary_updated_at", db.models.UTCDateTime(), nullable=True))

    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", db.models.UTCDateTime(), nullable=False),
        sa.Column("locked_until", db.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("glossary_updated_at")
        batch_op.drop_column("glossary")
