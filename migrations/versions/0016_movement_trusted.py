"""Student movement; trusted persons.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0016_movement_trusted
Revises: 0015_substitutions_distance
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

revision: str = "0016_movement_trusted"
down_revision: str | Sequence[str] | None = "0015_substitutions_distance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
