"""Substitutions for any date and their log; distance lessons; more roles.

- ``role_grants.role`` and ``messenger_bindings.active_role``: the roles the regulations name
  beyond the first ones — ``extra_teacher`` (педагог дополнительного образования),
  ``educator`` (воспитатель), ``observer`` (reads the school's journal, changes nothing).
- Substitutions of any date and distance lessons need no new column: a substitution already
  names its dated lesson (its log is read from them) and a lesson already has ``is_distance``.

Downgrade: the grants of the new roles are deleted (the old constraint allows none of them)
and a chat acting in one of them goes back to its person's first role.

Revision ID: 0015_substitutions_distance
Revises: 0014_thematic_plan
Create Date: 2026-12-01 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_substitutions_distance"
down_revision: str | Sequence[str] | None = "0014_thematic_plan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = (
    "admin",
    "director",
    "deputy",
    "teacher",
    "class_teacher",
    "parent",
    "trusted",
    "student",
)
NEW_ROLES = ("extra_teacher", "educator", "observer")


def _role(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=_role("role", *OLD_ROLES),
            type_=_role("role", *OLD_ROLES, *NEW_ROLES),
            existing_nullable=False,
        )
    with op.batch_alter_table("messenger_bindings", schema=None) as batch_op:
        batch_op.alter_column(
            "active_role",
            existing_type=_role("active_role", *OLD_ROLES),
            type_=_role("active_role", *OLD_ROLES, *NEW_ROLES),
            existing_nullable=True,
        )


def downgrade() -> None:
    new = ", ".join(f"'{r}'" for r in NEW_ROLES)
    op.execute(f"UPDATE messenger_bindings SET active_role = NULL WHERE active_role IN ({new})")
    op.execute(f"DELETE FROM role_grants WHERE role IN ({new})")
    with op.batch_alter_table("messenger_bindings", schema=None) as batch_op:
        batch_op.alter_column(
            "active_role",
            existing_type=_role("active_role", *OLD_ROLES, *NEW_ROLES),
            type_=_role("active_role", *OLD_ROLES),
            existing_nullable=True,
        )
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.alter_column(
            "role",
            existing_type=_role("role", *OLD_ROLES, *NEW_ROLES),
            type_=_role("role", *OLD_ROLES),
            existing_nullable=False,
        )
