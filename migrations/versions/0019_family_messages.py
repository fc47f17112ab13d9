"""Teacher and family messages: threads, messages, read marks, complaints.

``family_threads``: a child's family (or the student alone) and one of the child's teachers in
a school year; ``family_messages``: what each side wrote (kept as long as the journal);
``family_thread_reads``: the last message each participant has seen (the "read" mark);
``thread_complaints``: complaints the office recorded, the only way the administration may
read a thread. ``schools.messages_from`` / ``messages_to``: the teachers' working hours (08:00
to 18:00 by default); ``schools.student_messages``: whether students may write themselves.

Revision ID: 0019_family_messages
Revises: 0018_early_warning
Create Date: 2026-12-01 10:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_family_messages"
down_revision: str | Sequence[str] | None = "0018_early_warning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _school_fk(table: str, column: str, other: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column, "school_id"],
        [f"{other}.id", f"{other}.school_id"],
        name=op.f(f"fk_{table}_{column}_school_id_{other}"),
        ondelete="CASCADE",
    )


def _school(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["school_id"],
        ["schools.id"],
        name=op.f(f"fk_{table}_school_id_schools"),
        ondelete="CASCADE",
    )


def _account(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["accounts.id"], name=op.f(f"fk_{table}_{column}_accounts"), ondelete="SET NULL"
    )


def _partial(column: str) -> dict[str, object]:
    where = sa.text(f"{column} IS NOT NULL")
    return {"postgresql_where": where, "sqlite_where": where}


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "messages_from", sa.Time(), server_default=sa.text("'08:00:00'"), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "messages_to", sa.Time(), server_default=sa.text("'18:00:00'"), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("student_messages", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "family_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        _when("created_at"),
        _when("last_message_at", nullable=True),
        _when("closed_at", nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("side IN ('family', 'student')", name=op.f("ck_family_threads_side")),
        _school_fk("family_threads", "class_id", "classes"),
        _account("family_threads", "closed_by_id"),
        _school("family_threads"),
        _school_fk("family_threads", "student_id", "persons"),
        _school_fk("family_threads", "teacher_id", "persons"),
        _school_fk("family_threads", "year_id", "school_years"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_threads")),
        sa.UniqueConstraint("id", "school_id", name=op.f("uq_family_threads_id_school_id")),
        sa.UniqueConstraint(
            "student_id",
            "teacher_id",
            "year_id",
            "side",
            name=op.f("uq_family_threads_student_id_teacher_id_year_id_side"),
        ),
    )
    op.create_index("ix_family_threads_class_id", "family_threads", ["class_id"])
    op.create_index(
        "ix_family_threads_closed_by_id",
        "family_threads",
        ["closed_by_id"],
        **_partial("closed_by_id"),  # type: ignore[arg-type]
    )
    op.create_index(op.f("ix_family_threads_school_id"), "family_threads", ["school_id"])
    op.create_index(
        "ix_family_threads_teacher", "family_threads", ["teacher_id", "last_message_at"]
    )
    op.create_index("ix_family_threads_year_id", "family_threads", ["year_id"])

    op.create_table(
        "family_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("from_teacher", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachment_kind", sa.String(length=16), nullable=True),
        sa.Column("attachment_ref", sa.String(length=2100), nullable=True),
        sa.Column("attachment_name", sa.String(length=255), nullable=True),
        sa.Column("messenger", sa.String(length=16), nullable=True),
        _when("created_at"),
        _when("deliver_at"),
        _school_fk("family_messages", "author_id", "persons"),
        _school("family_messages"),
        _school_fk("family_messages", "thread_id", "family_threads"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_messages")),
    )
    op.create_index("ix_family_messages_author_at", "family_messages", ["author_id", "created_at"])
    op.create_index(op.f("ix_family_messages_school_id"), "family_messages", ["school_id"])
    op.create_index("ix_family_messages_thread", "family_messages", ["thread_id", "id"])

    op.create_table(
        "family_thread_reads",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("last_read_id", sa.Integer(), nullable=False),
        _when("read_at"),
        _school_fk("family_thread_reads", "person_id", "persons"),
        _school("family_thread_reads"),
        _school_fk("family_thread_reads", "thread_id", "family_threads"),
        sa.PrimaryKeyConstraint("thread_id", "person_id", name=op.f("pk_family_thread_reads")),
    )
    op.create_index("ix_family_thread_reads_person_id", "family_thread_reads", ["person_id"])
    op.create_index(op.f("ix_family_thread_reads_school_id"), "family_thread_reads", ["school_id"])

    op.create_table(
        "thread_complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("complainant", sa.String(length=200), nullable=False),
        sa.Column("complained_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _account("thread_complaints", "recorded_by_id"),
        _school("thread_complaints"),
        _school_fk("thread_complaints", "thread_id", "family_threads"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_complaints")),
    )
    op.create_index(
        "ix_thread_complaints_recorded_by_id",
        "thread_complaints",
        ["recorded_by_id"],
        **_partial("recorded_by_id"),  # type: ignore[arg-type]
    )
    op.create_index(op.f("ix_thread_complaints_school_id"), "thread_complaints", ["school_id"])
    op.create_index("ix_thread_complaints_thread_id", "thread_complaints", ["thread_id"])


def downgrade() -> None:
    op.drop_table("thread_complaints")
    op.drop_table("family_thread_reads")
    op.drop_table("family_messages")
    op.drop_table("family_threads")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("student_messages")
        batch_op.drop_column("messages_to")
        batch_op.drop_column("messages_from")
