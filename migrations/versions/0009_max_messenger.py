"""MAX beside Telegram: a person may be bound in both messengers

- ``messenger_bindings``: the messenger ``max`` is allowed; one live binding per account *and
  messenger* (was: per account), so signing in in MAX does not end the Telegram binding;
  ``last_seen_at`` (the messenger used last gets the alerts by default).
- ``notification_prefs.channel``: where the alerts of a person bound in two messengers go
  ("last", "telegram", "max", "all").
- ``outbox.messenger``: the messenger a row was pinned to by the delivery worker.
- ``schools.minimal_alerts``: alerts without the child's full name and without marks.

Downgrade: live MAX bindings cannot stay (the old constraint allows Telegram only) and two live
bindings of one account cannot either: MAX bindings are ended (``end_reason`` "downgrade"),
then the MAX rows are deleted.

Revision ID: 0009_max_messenger
Revises: 0008_outbox_fanout
Create Date: 2026-12-01 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_max_messenger"
down_revision: str | Sequence[str] | None = "0008_outbox_fanout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "ended_at IS NULL"


def _messenger(*values: str) -> sa.Enum:
    return sa.Enum(*values, name="messenger", native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("minimal_alerts", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("messenger_bindings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_messenger_bindings_live_account",
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )
        batch_op.alter_column(
            "messenger",
            existing_type=_messenger("telegram"),
            type_=_messenger("telegram", "max"),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "uq_messenger_bindings_live_account_messenger",
            ["account_id", "messenger"],
            unique=True,
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )
    with op.batch_alter_table("notification_prefs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=16), server_default="last", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_notification_prefs_channel"), "channel IN ('last', 'telegram', 'max', 'all')"
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("messenger", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("messenger")
    with op.batch_alter_table("notification_prefs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_prefs_channel"), type_="check")
        batch_op.drop_column("channel")
    op.execute(
        "UPDATE messenger_bindings SET ended_at = CURRENT_TIMESTAMP, end_reason = 'downgrade' "
        "WHERE messenger = 'max' AND ended_at IS NULL"
    )
    op.execute("DELETE FROM messenger_bindings WHERE messenger = 'max'")
    with op.batch_alter_table("messenger_bindings", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_messenger_bindings_live_account_messenger",
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )
        batch_op.drop_column("last_seen_at")
        batch_op.alter_column(
            "messenger",
            existing_type=_messenger("telegram", "max"),
            type_=_messenger("telegram"),
            existing_nullable=False,
        )
        batch_op.create_index(
            "uq_messenger_bindings_live_account",
            ["account_id"],
            unique=True,
            sqlite_where=sa.text(LIVE),
            postgresql_where=sa.text(LIVE),
        )
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("minimal_alerts")
