"""Teacher and family messages: threads, messages, complaints.

(A revision kept in the chain; it changes nothing until its change is written here.)

Revision ID: 0019_family_messages
Revises: 0018_early_warning
Create Date: 2026-12-01 10:15:00
"""

from collections.abc import Sequence

revision: str = "0019_family_messages"
down_revision: str | Sequence[str] | None = "0018_early_warning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
