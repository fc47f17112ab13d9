"""0010_many_bots on SQLite and PostgreSQL: existing bindings are the default bot's (NULL);
downgrading ends the bindings through other bots and keeps the default bot's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from services.db import make_engine, make_session_factory
from services.enums import Messenger
from services.models import Account, MessengerBinding, Person, School, SchoolBot
from services.tools.migrate import downgrade, upgrade
from tests.conftest import BACKENDS, pg_create_database, pg_drop_database
from tests.factories import NOW


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bots.sqlite3'}"
        return
    request.getfixturevalue("postgres_url")
    url = pg_create_database("schoolbot_bots")
    try:
        yield url
    finally:
        pg_drop_database(url)


async def test_bindings_through_other_bots_end_on_downgrade(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url, pool=False)
    try:
        await upgrade(engine)
        async with make_session_factory(engine)() as s:
            school = School(code="s1", name="S1")
            s.add(school)
            await s.flush()
            people = [Person(school_id=school.id, last_name="A", first_name=n) for n in "xy"]
            s.add_all(people)
            await s.flush()
            for n, (person, bot) in enumerate(zip(people, (None, "222"), strict=True)):
                account = Account(school_id=school.id, person_id=person.id, login=f"u{n}")
                s.add(account)
                await s.flush()
                s.add(
                    MessengerBinding(
                        school_id=school.id,
                        account_id=account.id,
                        messenger=Messenger.TELEGRAM,
                        external_user_id=str(500 + n),
                        chat_id=str(500 + n),
                        bot_id=bot,
                        created_at=NOW,
                    )
                )
            s.add(SchoolBot(school_id=school.id, messenger=Messenger.TELEGRAM, bot_id="222"))
            await s.commit()
        await downgrade(engine, "0009_max_messenger")
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT external_user_id, ended_at IS NULL, end_reason "
                        "FROM messenger_bindings ORDER BY external_user_id"
                    )
                )
            ).all()
        assert [(u, bool(live), reason) for u, live, reason in rows] == [
            ("500", True, None),
            ("501", False, "downgrade"),
        ]
        await upgrade(engine)
        async with engine.connect() as conn:
            bots = (await conn.execute(text("SELECT bot_id FROM messenger_bindings"))).all()
            assert [b for (b,) in bots] == [None, None]
            assert (await conn.execute(text("SELECT count(*) FROM school_bots"))).scalar() == 0
    finally:
        await engine.dispose()
