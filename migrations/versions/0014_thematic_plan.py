"""The thematic plan (КТП) and lesson details: "no homework" chosen for a lesson, and the
school's weights of marks per kind of work.

Revision ID: 0014_thematic_plan
Revises: 0013_year_exam_marks
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_thematic_plan"
down_revision: str | Sequence[str] | None = "0013_year_exam_marks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WORK_KINDS = (
    "answer",
    "classwork",
    "homework",
    "test",
    "control",
    "lab",
    "essay",
    "dictation",
    "project",
)


def upgrade() -> None:
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("no_homework", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "work_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column(
            "work_kind",
            sa.Enum(
                *WORK_KINDS,
                name="work_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("weight >= 1 AND weight <= 10", name=op.f("ck_work_weights_weight")),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_work_weights_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_weights")),
        sa.UniqueConstraint(
            "school_id", "work_kind", name=op.f("uq_work_weights_school_id_work_kind")
        ),
    )


def downgrade() -> None:
    op.drop_table("work_weights")
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_column("no_homework")
