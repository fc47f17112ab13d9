"""Corrections reach the family.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0020_corrections
Revises: 0019_family_messages
Create Date: 2026-12-01 10:15:00
"""

from collections.abc import Sequence

revision: str = "0020_corrections"
down_revision: str | Sequence[str] | None = "0019_family_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
