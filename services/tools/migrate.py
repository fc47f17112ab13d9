"""Run Alembic migrations from code (the CLI's ``migrate``, tests, the demo).

On PostgreSQL an upgrade holds a transaction-scoped advisory lock: two ``migrate`` steps started at
once (two replicas, a deploy retried) run one after the other, and the second finds nothing to do.
No command but ``migrate`` changes a PostgreSQL schema: the others call :func:`prepare_schema`,
which on PostgreSQL only checks that the schema is at the code's revision (and refuses to start
when it is not), and on the embedded SQLite default upgrades it, as the first command always did."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parents[2]
# pg_advisory_xact_lock's key of the migration step (any constant other locks do not use).
MIGRATION_LOCK_KEY = 0x5C4001_0001


class SchemaNotCurrent(Exception):
    """The database's schema is not at the code's revision; only ``migrate`` changes it."""

    def __init__(self, current: str | None, head: str) -> None:
        super().__init__(f"schema at {current or 'nothing'}, the code needs {head}")
        self.current = current
        self.head = head


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["configure_logging"] = False
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Held until this transaction ends: a second migrator waits, then sees the head.
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        await conn.run_sync(run)


async def prepare_schema(engine: AsyncEngine) -> None:
    """Before a command uses the database: SQLite (the embedded default) is upgraded; a PostgreSQL
    schema is only checked — :class:`SchemaNotCurrent` unless it is at the head revision."""
    if engine.dialect.name == "sqlite":
        await upgrade(engine)
        return
    head = head_revision()
    current = await current_revision(engine)
    if current != head:
        raise SchemaNotCurrent(current, head)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    def run(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def current_revision(engine: AsyncEngine) -> str | None:
    def run(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(run)
