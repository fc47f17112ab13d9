"""Subgroups: membership imported and edited, its history kept.

A student's membership of a subgroup becomes a stay with dates (``joined_on``, ``left_on``,
as an enrolment), with a row id of its own, so that a move between groups closes one stay
and opens another instead of deleting the row; past lessons keep who was in the group then.
The table is rebuilt (its primary key changes) with the rows copied: every existing
membership becomes an open stay since the group began. Going down keeps the open stays.

Revision ID: 0012_subgroup_members
Revises: 0011_outbox_dead_letters
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_subgroup_members"
down_revision: str | Sequence[str] | None = "0011_outbox_dead_letters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEEP = ("school_id", "subgroup_id", "student_id")


def _references() -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_subgroup_members_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id", "school_id"],
            ["persons.id", "persons.school_id"],
            name=op.f("fk_subgroup_members_student_id_school_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subgroup_id", "school_id"],
            ["subgroups.id", "subgroups.school_id"],
            name=op.f("fk_subgroup_members_subgroup_id_school_id_subgroups"),
            ondelete="CASCADE",
        ),
    ]


def _take_rows(where: str = "") -> list[dict[str, int]]:
    rows = op.get_bind().execute(
        sa.text(f"SELECT school_id, subgroup_id, student_id FROM subgroup_members {where}")
    )
    return [dict(zip(_KEEP, r, strict=True)) for r in rows]


def _drop_indexes() -> None:
    with op.batch_alter_table("subgroup_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subgroup_members_student_id"))
        batch_op.drop_index(batch_op.f("ix_subgroup_members_school_id"))


def upgrade() -> None:
    rows = _take_rows()
    _drop_indexes()
    op.drop_table("subgroup_members")
    table = op.create_table(
        "subgroup_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("subgroup_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "left_on IS NULL OR joined_on IS NULL OR left_on > joined_on",
            name=op.f("ck_subgroup_members_dates"),
        ),
        *_references(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subgroup_members")),
    )
    with op.batch_alter_table("subgroup_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subgroup_members_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_subgroup_members_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(
            "ix_subgroup_members_subgroup_id", ["subgroup_id", "student_id"], unique=False
        )
        batch_op.create_index(
            "uq_subgroup_members_open",
            ["subgroup_id", "student_id"],
            unique=True,
            sqlite_where=sa.text("left_on IS NULL"),
            postgresql_where=sa.text("left_on IS NULL"),
        )
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    # The open stays, one row per student and group (the old key); closed stays are history
    # the old shape cannot hold.
    rows = _take_rows("WHERE left_on IS NULL")
    with op.batch_alter_table("subgroup_members", schema=None) as batch_op:
        batch_op.drop_index("uq_subgroup_members_open")
        batch_op.drop_index("ix_subgroup_members_subgroup_id")
    _drop_indexes()
    op.drop_table("subgroup_members")
    table = op.create_table(
        "subgroup_members",
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("subgroup_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        *_references(),
        sa.PrimaryKeyConstraint("subgroup_id", "student_id", name=op.f("pk_subgroup_members")),
    )
    with op.batch_alter_table("subgroup_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subgroup_members_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_subgroup_members_student_id"), ["student_id"], unique=False
        )
    if rows:
        op.bulk_insert(table, rows)
