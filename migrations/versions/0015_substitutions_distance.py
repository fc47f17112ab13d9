"""Substitutions for any date and their log; distance lessons; more roles.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0015_substitutions_distance
Revises: 0014_thematic_plan
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

revision: str = "0015_substitutions_distance"
down_revision: str | Sequence[str] | None = "0014_thematic_plan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
