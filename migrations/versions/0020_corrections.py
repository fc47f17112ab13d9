"""Corrections reach the family: who cancelled a dated lesson, when and why.

``lessons.cancelled_at`` / ``cancelled_by_id`` / ``cancel_reason``: set when the office
cancels a lesson (services/timetable/cancellations.py), cleared when it is reinstated.

Revision ID: 0020_corrections
Revises: 0019_family_messages
Create Date: 2026-12-01 10:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_corrections"
down_revision: str | Sequence[str] | None = "0019_family_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancelled_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_lessons_cancelled_by_id_accounts"),
            "accounts",
            ["cancelled_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            "ix_lessons_cancelled_by_id",
            ["cancelled_by_id"],
            unique=False,
            postgresql_where=sa.text("cancelled_by_id IS NOT NULL"),
            sqlite_where=sa.text("cancelled_by_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_index("ix_lessons_cancelled_by_id")
        batch_op.drop_constraint(
            batch_op.f("fk_lessons_cancelled_by_id_accounts"), type_="foreignkey"
        )
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_by_id")
        batch_op.drop_column("cancelled_at")
