"""Year, exam and final marks; closing a study period.

school_years.council_on: the teachers' council that approves the year's results, after which
the year, exam and final marks are locked; final_mark_unlocks: a deputy's or admin's unlock of
locked final marks of a class and subject (a closed period's, or the year's after the council),
for a while and with a reason.

Revision ID: 0013_year_exam_marks
Revises: 0012_subgroup_members
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0013_year_exam_marks"
down_revision: str | Sequence[str] | None = "0012_subgroup_members"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _where(condition: str) -> dict[str, Any]:
    return {"postgresql_where": sa.text(condition), "sqlite_where": sa.text(condition)}


def _school_fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column, "school_id"],
        [f"{table}.id", f"{table}.school_id"],
        name=op.f(f"fk_final_mark_unlocks_{column}_school_id_{table}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("school_years", schema=None) as batch_op:
        batch_op.add_column(sa.Column("council_on", sa.Date(), nullable=True))

    op.create_table(
        "final_mark_unlocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.Column("unlocked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _school_fk("class_id", "classes"),
        _school_fk("subject_id", "subjects"),
        _school_fk("year_id", "school_years"),
        _school_fk("period_id", "study_periods"),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["accounts.id"],
            name=op.f("fk_final_mark_unlocks_created_by_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_final_mark_unlocks_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_final_mark_unlocks")),
    )
    with op.batch_alter_table("final_mark_unlocks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_final_mark_unlocks_class_subject", ["class_id", "subject_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_final_mark_unlocks_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index("ix_final_mark_unlocks_subject_id", ["subject_id"], unique=False)
        batch_op.create_index("ix_final_mark_unlocks_year_id", ["year_id"], unique=False)
        batch_op.create_index(
            "ix_final_mark_unlocks_period_id",
            ["period_id"],
            unique=False,
            **_where("period_id IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_final_mark_unlocks_created_by_id",
            ["created_by_id"],
            unique=False,
            **_where("created_by_id IS NOT NULL"),
        )


def downgrade() -> None:
    op.drop_table("final_mark_unlocks")
    with op.batch_alter_table("school_years", schema=None) as batch_op:
        batch_op.drop_column("council_on")
