"""``python -m bot school-bot``: a school bound to one of the deployment's Telegram bots (or the
default one), audited; the school's bot username for the command line's invite links. Run
in-process on a private SQLite file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.__main__ import main
from bot.cli_admin import default_bot_id
from bot.config import Settings
from bot.i18n import t
from bot.invites import school_username
from services.db import make_engine, make_session_factory
from services.enums import Messenger
from services.models import AuditEntry, School, SchoolBot
from services.people import bots

TG = Messenger.TELEGRAM


@pytest.fixture
def db_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in ("BOT_TOKENS", "REDIS_URL", "TELEGRAM_API_URL", "LOG_FORMAT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("BOT_TOKEN", "111:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield path
    root.handlers[:] = handlers
    root.setLevel(level)


def on_db(path: Path, work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        try:
            return await work(make_session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


async def _setup(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory() as s:
        s.add(School(code="sch7", name="Школа № 7"))
        await s.commit()
    # What the running process records after getMe.
    await bots.remember_bot(factory, TG, "111", "region_bot")
    await bots.remember_bot(factory, TG, "222", "school_b_bot")


async def _state(factory: async_sessionmaker[AsyncSession]) -> tuple[list[str], list[str]]:
    async with factory() as s:
        rows = (await s.scalars(select(SchoolBot.bot_id))).all()
        audit = (
            await s.scalars(select(AuditEntry.source).where(AuditEntry.action == "school.bot"))
        ).all()
    return list(rows), list(audit)


def test_school_bot_binds_and_unbinds(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    on_db(db_file, _setup)
    capsys.readouterr()
    assert main(["school-bot", "--school", "sch7", "--telegram", "@school_b_bot"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == t(
        "en", "cli.school_bot_set", school="sch7", messenger="Telegram", bot="@school_b_bot"
    )
    assert on_db(db_file, _state) == (["222"], ["cli"])

    async def links(factory: async_sessionmaker[AsyncSession]) -> tuple[str, str | None]:
        async with factory() as s:
            school_id = await s.scalar(select(School.id))
        return await school_username(factory, "region_bot", school_id=school_id)

    assert on_db(db_file, links) == ("school_b_bot", None)
    assert main(["school-bot", "--school", "sch7", "--default"]) == 0
    out = capsys.readouterr().out
    assert "region_bot" in out
    assert on_db(db_file, _state) == ([], ["cli", "cli"])
    assert on_db(db_file, links) == ("region_bot", None)


def test_school_bot_refuses_an_unknown_bot_and_school(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    on_db(db_file, _setup)
    capsys.readouterr()
    assert main(["school-bot", "--school", "sch7", "--telegram", "@nobody_bot"]) == 1
    assert t("en", "cli.bot_not_found", bot="@nobody_bot") in capsys.readouterr().err
    assert main(["school-bot", "--school", "nope", "--telegram", "222"]) == 1
    assert t("en", "cli.school_not_found", school="nope") in capsys.readouterr().err
    # A bot by id that has not run yet: bound, with a word that its username is unknown.
    assert main(["school-bot", "--school", "sch7", "--telegram", "333"]) == 0
    assert t("en", "cli.school_bot_unnamed") in capsys.readouterr().err
    assert on_db(db_file, _state) == (["333"], ["cli"])
    with pytest.raises(SystemExit):
        main(["school-bot", "--school", "sch7"])  # neither --telegram nor --default


def test_default_bot_id_is_bot_tokens_prefix() -> None:
    settings = Settings(_env_file=None, BOT_TOKEN="111:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert default_bot_id(settings) == "111"
    assert default_bot_id(object()) is None


def test_create_admin_and_invite_print_the_schools_bot(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    on_db(db_file, _setup)
    assert main(["school-bot", "--school", "sch7", "--telegram", "@school_b_bot"]) == 0
    capsys.readouterr()
    assert main(["create-admin", "--last-name", "Орлова", "--first-name", "Анна"]) == 0
    printed = capsys.readouterr().out
    assert "https://t.me/school_b_bot?start=" in printed
    assert "t.me/region_bot" not in printed
    login = next(line.split()[-1] for line in printed.splitlines() if line.startswith("login:"))
    assert main(["invite", "--login", login]) == 0
    again = capsys.readouterr().out
    assert "https://t.me/school_b_bot?start=" in again
