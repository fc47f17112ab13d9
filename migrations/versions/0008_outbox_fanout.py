"""the outbox holds fan-out rows: one row per school that the worker expands into the families'

A scheduled digest (the weekly summary, tomorrow's homework) is queued as one ``fanout`` row per
school instead of one row per family (2M rows for a region's weekly summary); the delivery
worker turns it into the families' rows a chunk at a time as it sends them
(``notifications/worker.py``). Such a row has no recipient, so ``outbox.recipient_person_id``
becomes nullable (the composite foreign key to ``persons`` is not checked for a null). The
worker claims fan-out rows apart from the others, through a partial index of the fan-out rows
waiting (``ix_outbox_fanout``: a handful of rows).

Downgrade: rows without a recipient cannot stay. Finished fan-out rows are deleted (their
families' rows remain); a fan-out still pending or being expanded stops the downgrade, since
deleting it would lose the alerts it has not expanded yet.

Revision ID: 0008_outbox_fanout
Revises: 0007_foreign_key_indexes
Create Date: 2026-11-30 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_outbox_fanout"
down_revision: str | Sequence[str] | None = "0007_foreign_key_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = "kind = 'fanout' AND status IN ('pending', 'sending')"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("recipient_person_id", existing_type=sa.Integer(), nullable=True)
    op.create_index(
        "ix_outbox_fanout",
        "outbox",
        ["not_before", "id"],
        postgresql_where=sa.text(WAITING),
        sqlite_where=sa.text(WAITING),
    )


def downgrade() -> None:
    bind = op.get_bind()
    waiting = bind.scalar(
        sa.text(
            "SELECT count(*) FROM outbox WHERE recipient_person_id IS NULL "
            "AND status IN ('pending', 'sending')"
        )
    )
    if waiting:
        raise RuntimeError(
            f"{waiting} fan-out rows of the outbox are not expanded yet: let the worker "
            "deliver them before downgrading"
        )
    op.drop_index("ix_outbox_fanout", table_name="outbox")
    op.execute("DELETE FROM outbox WHERE recipient_person_id IS NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("recipient_person_id", existing_type=sa.Integer(), nullable=False)
