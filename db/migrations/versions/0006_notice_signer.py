"""meetings: who concludes and signs the notice, and its recipients (the drafter sets them)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 15:15:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        for name, length in (
            ("concluded_by", 255),
            ("signer_authority", 128),
            ("signer_title", 128),
            ("signer_name", 128),
        ):
            batch_op.add_column(sa.Column(name, sa.String(length=length), server_default="", nullable=False))
        batch_op.add_column(sa.Column("recipients", JSON, server_default=sa.text("'[]'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        for name in ("recipients", "signer_name", "signer_title", "signer_authority", "concluded_by"):
            batch_op.drop_column(name)
