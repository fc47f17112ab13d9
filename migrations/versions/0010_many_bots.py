"""Many bots in one deployment: each bot its own rate budget, a school's people bound to its bot

- ``bots``: the deployment's bots (messenger, bot id, username, first and last seen), written
  by the running process after getMe; the command line reads usernames for invite links.
- ``school_bots``: a school's bot per messenger (no row: the messenger's default bot).
- ``messenger_bindings.bot_id``: the bot the chat talks to (NULL: the messenger's default bot,
  which every existing binding is); the identity index gains it, so a user's binding is looked
  up per bot.

Downgrade: bindings through a bot other than the default cannot be told apart without the
column: they are ended (``end_reason`` "downgrade") before it is dropped.

Revision ID: 0010_many_bots
Revises: 0009_max_messenger
Create Date: 2026-12-01 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_many_bots"
down_revision: str | Sequence[str] | None = "0009_max_messenger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _messenger() -> sa.Enum:
    return sa.Enum(
        "telegram", "max", name="messenger", native_enum=False, create_constraint=True, length=24
    )


def upgrade() -> None:
    op.create_table(
        "bots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("messenger", _messenger(), nullable=False),
        sa.Column("bot_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bots")),
        sa.UniqueConstraint("messenger", "bot_id", name=op.f("uq_bots_messenger_bot_id")),
    )
    op.create_table(
        "school_bots",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("messenger", _messenger(), nullable=False),
        sa.Column("bot_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_bots_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", "messenger", name=op.f("pk_school_bots")),
    )
    with op.batch_alter_table("messenger_bindings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bot_id", sa.String(length=64), nullable=True))
        batch_op.drop_index("ix_messenger_bindings_user")
        batch_op.create_index(
            "ix_messenger_bindings_user", ["messenger", "external_user_id", "bot_id"], unique=False
        )


def downgrade() -> None:
    op.execute(
        "UPDATE messenger_bindings SET ended_at = CURRENT_TIMESTAMP, end_reason = 'downgrade' "
        "WHERE bot_id IS NOT NULL AND ended_at IS NULL"
    )
    with op.batch_alter_table("messenger_bindings", schema=None) as batch_op:
        batch_op.drop_index("ix_messenger_bindings_user")
        batch_op.create_index(
            "ix_messenger_bindings_user", ["messenger", "external_user_id"], unique=False
        )
        batch_op.drop_column("bot_id")
    op.drop_table("school_bots")
    op.drop_table("bots")
