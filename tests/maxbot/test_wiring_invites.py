"""Invite links per messenger on the command line: with MAX configured, ``create-admin``,
``invite`` and ``demo`` print https://max.ru/<bot>?start=<token> beside the t.me link, with the
same one-time token; without MAX, nothing changes."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.invites import max_invite_link, remember_max_username, start_token
from i18n import t
from services.db import make_engine, make_session_factory
from services.models import School

MAX_TOKEN = "max-cli-token-0123456789abcdef"


@pytest.fixture
def db_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in ("BOT_TOKEN", "REDIS_URL", "TELEGRAM_API_URL", "LOG_FORMAT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("MAX_BOT_TOKEN", "MAX_BOT_USERNAME", "MAX_API_URL", "MAX_WEBHOOK_URL"):
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
    assert main(["migrate"]) == 0
    asyncio.run(_add_school(path))
    yield path
    root.handlers[:] = handlers
    root.setLevel(level)


async def _add_school(path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with make_session_factory(engine)() as s:
            s.add(School(code="s1", name="School 1"))
            await s.commit()
    finally:
        await engine.dispose()


async def _bot_started(path: Path, username: str) -> None:
    """What the running MAX bot does after GET /me."""
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await remember_max_username(make_session_factory(engine), username)
    finally:
        await engine.dispose()


def _create_admin(login: str) -> int:
    return main(
        ["create-admin", "--last-name", "Petrova", "--first-name", "Olga", "--login", login]
    )


def _links(out: str) -> dict[str, str]:
    return {
        line.split(":", 1)[0]: line.split(None, 1)[1]
        for line in out.splitlines()
        if line.startswith(("invite:", "MAX:"))
    }


def test_a_max_link_carries_the_same_token() -> None:
    link = "https://t.me/school_test_bot?start=AbC-123_x"
    assert start_token(link) == "AbC-123_x"
    assert start_token("AbC-123_x") == "AbC-123_x"
    assert max_invite_link("school_max_bot", start_token(link)) == (
        "https://max.ru/school_max_bot?start=AbC-123_x"
    )


def test_a_max_deep_link_payload_is_at_most_128_characters() -> None:
    assert max_invite_link("b", "x" * 128).endswith("x" * 128)
    with pytest.raises(ValueError):
        max_invite_link("b", "x" * 129)


def test_create_admin_without_max_prints_no_max_link(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert _create_admin("olga1") == 0
    out = capsys.readouterr().out
    assert "max.ru" not in out
    assert list(_links(out)) == ["invite"]


def test_create_admin_with_max_prints_both_links(
    db_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAX_BOT_USERNAME", "school_max_bot")
    capsys.readouterr()
    assert _create_admin("olga2") == 0
    links = _links(capsys.readouterr().out)
    token = start_token(links["invite"])
    assert links["invite"] == f"https://t.me/school_test_bot?start={token}"
    assert links["MAX"] == f"https://max.ru/school_max_bot?start={token}"


def test_max_links_use_the_running_bots_username_else_say_it_is_a_placeholder(
    db_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAX_BOT_TOKEN", MAX_TOKEN)
    capsys.readouterr()
    assert main(["invite", "--login", "nobody"]) == 1  # an unknown login: no link at all
    capsys.readouterr()
    assert _create_admin("olga3") == 0
    out = capsys.readouterr().out
    assert _links(out)["MAX"].startswith("https://max.ru/schoolbot?start=")
    assert t("en", "demo.max_placeholder", name="schoolbot") in out

    asyncio.run(_bot_started(db_file, "real_max_bot"))
    assert main(["invite", "--login", "olga3"]) == 0
    out = capsys.readouterr().out
    links = _links(out)
    assert links["MAX"] == f"https://max.ru/real_max_bot?start={start_token(links['invite'])}"
    assert t("en", "demo.max_placeholder", name="schoolbot") not in out
    assert MAX_TOKEN not in out


def test_demo_json_gives_each_user_a_max_link(
    db_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAX_BOT_USERNAME", "school_max_bot")
    capsys.readouterr()
    assert main(["demo", "--json"]) == 0
    users = json.loads(capsys.readouterr().out)
    assert users
    for user in users:
        token = start_token(user["invite"])
        assert token
        assert user["invite_max"] == f"https://max.ru/school_max_bot?start={token}"
