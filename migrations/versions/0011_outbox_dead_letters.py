"""The outbox's dead letters in an index of their own (``ix_outbox_dead``): the metrics count
them and the admin lists a school's without reading the whole outbox (a million rows at a
region's size; docs/metrics.md).

Revision ID: 0011_outbox_dead_letters
Revises: 0010_many_bots
Create Date: 2026-12-01 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_outbox_dead_letters"
down_revision: str | Sequence[str] | None = "0010_many_bots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_outbox_dead",
        "outbox",
        ["school_id", "created_at"],
        postgresql_where=sa.text("status = 'dead'"),
        sqlite_where=sa.text("status = 'dead'"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_dead", table_name="outbox")
