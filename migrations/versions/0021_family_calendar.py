"""News that lasts and the family's calendar link (ICS).

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0021_family_calendar
Revises: 0020_corrections
Create Date: 2026-12-01 10:15:00
"""

from collections.abc import Sequence

revision: str = "0021_family_calendar"
down_revision: str | Sequence[str] | None = "0020_corrections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
