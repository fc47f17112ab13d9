"""Year, exam and final marks; closing a study period.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0013_year_exam_marks
Revises: 0012_subgroup_members
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

revision: str = "0013_year_exam_marks"
down_revision: str | Sequence[str] | None = "0012_subgroup_members"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
