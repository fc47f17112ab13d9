"""Control works and class events in the family's diary: the dated news of a school by date.

``ix_news_school_event`` (school_id, event_at) over the rows with a date: the diary's events of
a week, the evening-before reminder, the weekly summary's week ahead and the calendar feed read
a school's (or a batch of schools') dated news by a range of ``event_at``.

Revision ID: 0022_works_events
Revises: 0021_family_calendar
Create Date: 2026-12-01 10:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_works_events"
down_revision: str | Sequence[str] | None = "0021_family_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_news_school_event",
        "news",
        ["school_id", "event_at"],
        unique=False,
        postgresql_where=sa.text("event_at IS NOT NULL"),
        sqlite_where=sa.text("event_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_news_school_event", table_name="news")
