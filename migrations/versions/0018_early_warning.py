"""Early warning: the school's thresholds of absences and what was told of each student.

``schools.warn_absence_first`` / ``warn_absence_second``: the share of a study period's
lessons so far, in per cent, whose absences the family and the class teacher are told of
(5 and 10 by default). ``early_warnings``: per student, study period and subject (0: the
absences) the step or projected mark last told, so that each is told once per period.

Revision ID: 0018_early_warning
Revises: 0017_year_audit
Create Date: 2026-12-01 06:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_early_warning"
down_revision: str | Sequence[str] | None = "0017_year_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "warn_absence_first", sa.SmallInteger(), server_default=sa.text("5"), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "warn_absence_second",
                sa.SmallInteger(),
                server_default=sa.text("10"),
                nullable=False,
            )
        )
    op.create_table(
        "early_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("warned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_early_warnings_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id", "school_id"],
            ["persons.id", "persons.school_id"],
            name=op.f("fk_early_warnings_student_id_school_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_id", "school_id"],
            ["study_periods.id", "study_periods.school_id"],
            name=op.f("fk_early_warnings_period_id_school_id_study_periods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_early_warnings")),
        sa.UniqueConstraint(
            "student_id",
            "period_id",
            "subject_id",
            name=op.f("uq_early_warnings_student_id_period_id_subject_id"),
        ),
    )
    op.create_index("ix_early_warnings_period", "early_warnings", ["period_id"], unique=False)
    op.create_index(
        op.f("ix_early_warnings_school_id"), "early_warnings", ["school_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_early_warnings_school_id"), table_name="early_warnings")
    op.drop_index("ix_early_warnings_period", table_name="early_warnings")
    op.drop_table("early_warnings")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("warn_absence_second")
        batch_op.drop_column("warn_absence_first")
