"""Subgroups: membership imported and edited, its history kept.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0012_subgroup_members
Revises: 0011_outbox_dead_letters
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

revision: str = "0012_subgroup_members"
down_revision: str | Sequence[str] | None = "0011_outbox_dead_letters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
