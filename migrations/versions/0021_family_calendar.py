"""News that lasts and the family's calendar link (ICS).

``news``: two indexes for the reader's list of past news (services/messages/news_reads.py):
a class's events and a school's news, newest first, paged by (created_at, id).
``family_calendar_links``: a parent's or a student's private calendar link for one child
(services/calendar_feed); only the SHA-256 of the token is kept, a revoked link keeps its row
(``revoked_at``) for the audit's sake.

Revision ID: 0021_family_calendar
Revises: 0020_corrections
Create Date: 2026-12-01 10:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_family_calendar"
down_revision: str | Sequence[str] | None = "0020_corrections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family_calendar_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id", "school_id"],
            ["persons.id", "persons.school_id"],
            name=op.f("fk_family_calendar_links_person_id_school_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_family_calendar_links_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id", "school_id"],
            ["persons.id", "persons.school_id"],
            name=op.f("fk_family_calendar_links_student_id_school_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_calendar_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_family_calendar_links_token_hash")),
    )
    op.create_index(
        "ix_family_calendar_links_holder",
        "family_calendar_links",
        ["person_id", "student_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_family_calendar_links_school_id"),
        "family_calendar_links",
        ["school_id"],
        unique=False,
    )
    op.create_index(
        "ix_family_calendar_links_student_id", "family_calendar_links", ["student_id"], unique=False
    )
    op.create_index("ix_news_class_created", "news", ["class_id", "created_at", "id"], unique=False)
    op.create_index(
        "ix_news_school_created",
        "news",
        ["school_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("class_id IS NULL"),
        sqlite_where=sa.text("class_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_news_school_created", table_name="news")
    op.drop_index("ix_news_class_created", table_name="news")
    op.drop_index("ix_family_calendar_links_student_id", table_name="family_calendar_links")
    op.drop_index(op.f("ix_family_calendar_links_school_id"), table_name="family_calendar_links")
    op.drop_index("ix_family_calendar_links_holder", table_name="family_calendar_links")
    op.drop_table("family_calendar_links")
