"""audit log append-only: triggers refuse UPDATE and DELETE; who acted kept as a snapshot

The actor's account is no longer a foreign key (ON DELETE SET NULL rewrote history when an
account was deleted): the row keeps the account's id as a number and a snapshot of the actor
(name, roles, login), filled here for the existing rows. The school reference loses its
ON DELETE SET NULL: a school with audit history cannot be deleted. On PostgreSQL a DELETE
passes only inside a transaction that set ``schoolbot.audit_purge = 'on'`` (see
services/audit.py); an UPDATE never does. On SQLite the triggers are re-created last, after
the batch operation that re-creates the table (which drops a table's triggers).

Revision ID: 0006_audit_append_only
Revises: 0005_max_marks_per_lesson
Create Date: 2026-11-30 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_audit_append_only"
down_revision: str | Sequence[str] | None = "0005_max_marks_per_lesson"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('schoolbot.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
PG_TRIGGER = """
CREATE TRIGGER audit_log_append_only
BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
"""
SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END
    """,
)


def _drop_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("actor_roles", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("actor_login", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("fk_audit_log_actor_account_id_accounts", type_="foreignkey")
        batch_op.drop_constraint("fk_audit_log_school_id_schools", type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_log_school_id_schools"), "schools", ["school_id"], ["id"]
        )
    # The snapshot of the existing rows, from the accounts that still exist.
    op.execute(
        """
        UPDATE audit_log SET
            actor_name = (
                SELECT p.first_name || ' ' || p.last_name
                FROM accounts a JOIN persons p ON p.id = a.person_id
                WHERE a.id = audit_log.actor_account_id
            ),
            actor_login = (SELECT a.login FROM accounts a WHERE a.id = audit_log.actor_account_id)
        WHERE actor_account_id IS NOT NULL
        """
    )
    roles = "string_agg(CAST(g.role AS TEXT), ',' ORDER BY g.role)"
    if dialect != "postgresql":
        roles = "group_concat(g.role, ',')"
    op.execute(
        f"""
        UPDATE audit_log SET actor_roles = (
            SELECT {roles}
            FROM accounts a JOIN role_grants g ON g.person_id = a.person_id
            WHERE a.id = audit_log.actor_account_id
        )
        WHERE actor_account_id IS NOT NULL
        """
    )
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        for ddl in SQLITE_TRIGGERS:
            op.execute(ddl)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_triggers(dialect)
    # Rows whose account is gone cannot point to it again.
    op.execute(
        """
        UPDATE audit_log SET actor_account_id = NULL
        WHERE actor_account_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = audit_log.actor_account_id)
        """
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint("fk_audit_log_school_id_schools", type_="foreignkey")
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_log_school_id_schools"),
            "schools",
            ["school_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_log_actor_account_id_accounts"),
            "accounts",
            ["actor_account_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_column("actor_login")
        batch_op.drop_column("actor_roles")
        batch_op.drop_column("actor_name")
