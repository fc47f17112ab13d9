"""PostgreSQL administration shared by the benchmarks: the server to use and one statement run
outside a transaction (CREATE / DROP DATABASE)."""

from __future__ import annotations

import os

from sqlalchemy import text

from services.db import make_engine

PG_ADMIN = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


async def pg_admin(sql: str, url: str = PG_ADMIN) -> None:
    engine = make_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()
