"""``python -m bot`` commands, run in-process on a private SQLite file."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat
from sqlalchemy import select

from bot.__main__ import format_table, main
from bot.app import create_dispatcher
from bot.config import Settings
from bot.i18n import t
from services.db import make_engine, make_session_factory
from services.models import Account, RoleGrant, School
from services.tools.migrate import head_revision
from testkit.recording import TEST_TOKEN, RecordingBot, make_message_update


@pytest.fixture
def db_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in ("BOT_TOKEN", "REDIS_URL", "TELEGRAM_API_URL", "LOG_FORMAT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("BOT_USERNAME", "school_test_bot")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield path
    root.handlers[:] = handlers
    root.setLevel(level)


def _run(coro_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(coro_factory())


async def _add_school(path: Path, code: str) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with make_session_factory(engine)() as s:
            s.add(School(code=code, name=f"School {code}"))
            await s.commit()
    finally:
        await engine.dispose()


def _migrated_with_school(
    db_file: Path, code: str, capsys: pytest.CaptureFixture[str] | None = None
) -> None:
    """``migrate`` run, a school added; what it printed is read off ``capsys`` (when given)."""
    assert main(["migrate"]) == 0
    _run(lambda: _add_school(db_file, code))
    if capsys is not None:
        capsys.readouterr()


def test_migrate_prints_head(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    out = capsys.readouterr().out
    assert out == f"{head_revision()}\n"
    assert db_file.exists()
    assert main(["migrate"]) == 0  # idempotent
    assert capsys.readouterr().out == f"{head_revision()}\n"


def test_demo_json_is_the_only_stdout(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    captured = capsys.readouterr()
    users = json.loads(captured.out)
    assert captured.out == json.dumps(users, ensure_ascii=False) + "\n"
    assert users and {"role", "name", "login", "password", "invite"} <= set(users[0])
    assert all(u["invite"].startswith("https://t.me/school_test_bot?start=") for u in users)
    assert captured.err  # logs went to stderr


def test_demo_table(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    users = json.loads(capsys.readouterr().out)
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    # Loudly: demo credentials are for trying the bot only (before the table and after it).
    assert out.startswith(t("en", "demo.warning"))
    assert lines[-1] == t("en", "demo.warning").splitlines()[0]
    head = lines.index(next(x for x in lines if x.split()[:2] == ["role", "name"]))
    assert lines[head].split() == ["role", "name", "login", "password", "invite"]
    assert set(lines[head + 1]) <= {"-", " "}
    assert len(lines[head + 2 : -2]) == len(users)
    for user in users:
        assert user["login"] in out
    # The regulations' other staff are listed like everyone else: a row each.
    for role in ("extra_teacher", "educator", "observer"):
        (user,) = [u for u in users if u["role"] == role]
        (row,) = [x for x in lines[head + 2 : -2] if x.split()[0] == role]
        assert user["name"] in row and user["login"] in row and user["password"] in row


def test_invite_links_use_the_running_bots_username(
    db_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from services.tools import app_settings

    monkeypatch.delenv("BOT_USERNAME")
    # Nothing known yet: the placeholder, and the output says so plainly.
    assert main(["demo", "--json"]) == 0
    captured = capsys.readouterr()
    users = json.loads(captured.out)
    assert all(
        u["invite"].startswith("https://t.me/schoolbot?start=") for u in json.loads(captured.out)
    )
    assert t("en", "demo.placeholder", name="schoolbot") in captured.err
    assert t("en", "demo.warning") in captured.err

    async def bot_started() -> None:  # what the running bot does after getMe
        engine = make_engine(f"sqlite+aiosqlite:///{db_file}")
        try:
            await app_settings.remember_bot_username(
                make_session_factory(engine), "real_school_bot"
            )
        finally:
            await engine.dispose()

    async def school_is_marked_and_its_row_is_no_key() -> None:
        from services.tools.demo import _school_secret, demo_credentials

        engine = make_engine(f"sqlite+aiosqlite:///{db_file}")
        try:
            async with make_session_factory(engine)() as s:
                school = await s.scalar(select(School).where(School.code == "demo"))
                assert school is not None and school.is_demo
                # The credentials no longer follow from the school row (id, code, created_at).
                guessed = {demo_credentials(_school_secret(school), u["login"])[0] for u in users}
                assert not guessed & {u["password"] for u in users}
        finally:
            await engine.dispose()

    _run(school_is_marked_and_its_row_is_no_key)
    _run(bot_started)
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "https://t.me/real_school_bot?start=" in out and "t.me/schoolbot" not in out
    assert t("en", "demo.placeholder", name="schoolbot") not in out


def test_demo_refuses_a_real_school_with_the_demo_code(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _migrated_with_school(db_file, "demo", capsys)
    assert main(["demo", "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert t("en", "demo.not_demo_school", school="demo") in captured.err


def test_format_table_aligns() -> None:
    table = format_table([["a", "bb"], ["ccc", "d"]])
    assert table.splitlines() == ["a    bb", "---  --", "ccc  d"]


def test_create_admin_prints_credentials_that_work(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _migrated_with_school(db_file, "s42", capsys)

    code = main(
        ["create-admin", "--last-name", "Иванова", "--first-name", "Анна", "--login", "ivanova"]
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["login:", "ivanova"]
    assert lines[1].startswith("password:") and len(lines[1].split()[1]) >= 8
    link = lines[2].split()[1]
    assert link.startswith("https://t.me/school_test_bot?start=")
    token = link.split("start=", 1)[1]

    async def check() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{db_file}")
        try:
            factory = make_session_factory(engine)
            async with factory() as s:
                account = await s.scalar(select(Account).where(Account.login == "ivanova"))
                assert account is not None
                roles = (await s.scalars(select(RoleGrant.role))).all()
                assert [r.value for r in roles] == ["admin"]
            settings = Settings(_env_file=None, BOT_TOKEN=TEST_TOKEN)
            dp = create_dispatcher(settings, factory)
            bot = RecordingBot()
            await dp.feed_update(bot, make_message_update(9001, f"/start {token}"))
            assert bot.session.sent_texts(9001) == [
                t("ru", "start.signed_in", name="Анна Иванова", roles="администратор")
            ]
            (menu,) = bot.session.requests_of(SetMyCommands)
            assert isinstance(menu.scope, BotCommandScopeChat)
            assert "admin" in [c.command for c in menu.commands]
            await bot.session.close()
        finally:
            await engine.dispose()

    _run(check)


def test_create_admin_without_school_is_a_clear_error(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["create-admin", "--last-name", "X", "--first-name", "Y", "--school", "nope"])
    assert code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert t("en", "cli.school_not_found", school="nope") in captured.err
    assert "Traceback" not in captured.err


def test_create_admin_login_taken(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _migrated_with_school(db_file, "s1")
    args = ["create-admin", "--last-name", "A", "--first-name", "B", "--login", "same"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 1
    assert t("en", "cli.login_taken", login="same") in capsys.readouterr().err


def test_unknown_command_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
