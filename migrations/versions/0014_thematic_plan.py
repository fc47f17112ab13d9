"""The thematic plan (КТП) and lesson details.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0014_thematic_plan
Revises: 0013_year_exam_marks
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

revision: str = "0014_thematic_plan"
down_revision: str | Sequence[str] | None = "0013_year_exam_marks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
