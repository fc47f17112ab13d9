"""an index for every foreign key; the outbox claim and retention indexes

Every reference column gets an index leading with it, so that deleting (or re-keying) the
referred row finds the referencing rows by index instead of scanning the table (deleting 100
outbox rows out of 1M took 15.8 s: ``outbox.merged_into_id`` had none). Nullable references
index only their non-null rows. The outbox's ``(status, not_before)`` index gives way to a
partial index on ``(not_before, id)`` of the pending and sending rows (the worker's claim, in
its order: 374 ms with 1M pending before); ``(school_id, created_at)`` serves retention and
the admin's newest dead letters.

Revision ID: 0007_foreign_key_indexes
Revises: 0006_audit_append_only
Create Date: 2026-11-30 16:10:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007_foreign_key_indexes"
down_revision: str | Sequence[str] | None = "0006_audit_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, nullable): nullable references get a partial index of their non-null rows.
FK_INDEXES: tuple[tuple[str, str, bool], ...] = (
    ("guardianships", "granted_by_id", True),
    ("absence_notices", "created_by_id", True),
    ("control_works", "subject_id", False),
    ("control_works", "created_by_id", True),
    ("control_works", "agreed_by_id", True),
    ("final_marks", "subject_id", False),
    ("final_marks", "year_id", False),
    ("final_marks", "period_id", True),
    ("final_marks", "created_by_id", True),
    ("final_marks", "updated_by_id", True),
    ("invites", "created_by_account_id", True),
    ("journal_checks", "subject_id", True),
    ("journal_checks", "checked_by_id", False),
    ("messenger_bindings", "active_student_id", True),
    ("news", "author_id", False),
    ("plan_items", "subject_id", False),
    ("subgroups", "subject_id", True),
    ("lessons", "subject_id", False),
    ("lessons", "plan_item_id", True),
    ("lessons", "attendance_taken_by_id", True),
    ("lessons", "updated_by_id", True),
    ("news_receipts", "person_id", False),
    ("teaching_assignments", "subject_id", False),
    ("teaching_assignments", "subgroup_id", True),
    ("timetable_entries", "year_id", False),
    ("timetable_entries", "subject_id", False),
    ("timetable_entries", "subgroup_id", True),
    ("attendance", "notice_id", True),
    ("attendance", "created_by_id", True),
    ("attendance", "updated_by_id", True),
    ("homework", "student_id", True),
    ("homework", "created_by_id", True),
    ("marks", "created_by_id", True),
    ("marks", "updated_by_id", True),
    ("substitutions", "created_by_id", True),
    ("outbox", "merged_into_id", True),
)


CLAIMABLE = "status IN ('pending', 'sending')"


def _where(condition: str) -> dict[str, Any]:
    return {"postgresql_where": sa.text(condition), "sqlite_where": sa.text(condition)}


def upgrade() -> None:
    for table, column, nullable in FK_INDEXES:
        extra: dict[str, Any] = _where(f"{column} IS NOT NULL") if nullable else {}
        op.create_index(f"ix_{table}_{column}", table, [column], **extra)
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_claim", "outbox", ["not_before", "id"], **_where(CLAIMABLE))
    op.create_index("ix_outbox_school_id_created_at", "outbox", ["school_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_school_id_created_at", table_name="outbox")
    op.drop_index("ix_outbox_claim", table_name="outbox")
    op.create_index("ix_outbox_due", "outbox", ["status", "not_before"])
    for table, column, _nullable in reversed(FK_INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
