"""Control works and class events in the family's diary.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0022_works_events
Revises: 0021_family_calendar
Create Date: 2026-12-01 10:15:00
"""

from collections.abc import Sequence

revision: str = "0022_works_events"
down_revision: str | Sequence[str] | None = "0021_family_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
