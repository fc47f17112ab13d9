"""schools: a limit of marks per student and lesson

Revision ID: 0005_max_marks_per_lesson
Revises: 0004_app_settings
Create Date: 2026-11-30 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_max_marks_per_lesson"
down_revision: str | Sequence[str] | None = "0004_app_settings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "max_marks_per_lesson",
                sa.SmallInteger(),
                server_default=sa.text("3"),
                nullable=False,
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_schools_max_marks_per_lesson"),
            "max_marks_per_lesson >= 1 AND max_marks_per_lesson <= 20",
        )


def downgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_schools_max_marks_per_lesson"), type_="check")
        batch_op.drop_column("max_marks_per_lesson")
