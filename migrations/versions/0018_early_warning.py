"""Early warning: the school's thresholds of absences and falling marks, and what was sent.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0018_early_warning
Revises: 0017_year_audit
Create Date: 2026-12-01 06:25:00
"""

from collections.abc import Sequence

revision: str = "0018_early_warning"
down_revision: str | Sequence[str] | None = "0017_year_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
