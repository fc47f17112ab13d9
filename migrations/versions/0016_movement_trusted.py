"""Student movement: the order behind an arrival and a departure (seed 002 §5.1.9).

Trusted persons need no new column: a guardianship of kind "trusted" with the parent's
permissions and ``granted_by_id`` already holds one.

Revision ID: 0016_movement_trusted
Revises: 0015_substitutions_distance
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_movement_trusted"
down_revision: str | Sequence[str] | None = "0015_substitutions_distance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arrival_order", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("departure_order", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_column("departure_order")
        batch_op.drop_column("arrival_order")
