"""The school year in the bot; the audit in plain words.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0017_year_audit
Revises: 0016_movement_trusted
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

revision: str = "0017_year_audit"
down_revision: str | Sequence[str] | None = "0016_movement_trusted"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
