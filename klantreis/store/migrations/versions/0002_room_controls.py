"""room controls: the facilitator's countdown, hidden results and locked input

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 02:17:49.631616
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timer_ends_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("results_hidden", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("input_locked", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.drop_column("input_locked")
        batch_op.drop_column("results_hidden")
        batch_op.drop_column("timer_ends_at")
