"""Buttons pressed over HTTP are answered exactly once: the real bot process against each
messenger's local Bot API server, which refuses a second answer as the real one does
(answerCallbackQuery, POST /answers). A second answer would leave an ERROR line in the bot's
log, which fails the test (tests/e2e/conftest.py). MAX sends no answer without a text, so there
an answer is at most one."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.i18n import t
from services.messages import broadcasts
from services.models import Account, NewsReceipt
from services.people.identity import actor_for_account
from tests.e2e.conftest import (
    Answer,
    Front,
    demo_credentials,
    error_lines,
    invite_token,
    start_bot,
    wait_front,
)

pytestmark = pytest.mark.e2e

WAIT = 60.0  # the delivery worker and a loaded machine


async def answers_of(front: Front, query_id: str) -> list[Answer]:
    for _ in range(150):
        answers = front.answers(query_id)
        if answers:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # room for a second (refused) answer, were there one
    return front.answers(query_id)


@pytest.mark.demo_school
async def test_news_acknowledged_and_guest_buttons_are_answered_once(
    front: Front, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = front.env(db_url)
    creds = await demo_credentials(env)
    parent_cred = next(c for c in creds if c["role"] == "parent")
    admin_cred = next(c for c in creds if c["role"] == "admin")
    bot = await start_bot(env, tmp_path)
    try:
        await wait_front(front, bot)
        parent = front.user(8201)
        await parent.start(invite_token(parent_cred))
        await parent.wait(lambda m: "Вход выполнен" in m.content, timeout=WAIT)

        # School news from the admin: the delivery worker brings it with "Ознакомлен".
        factory = async_sessionmaker(engine, expire_on_commit=False)
        async with factory() as s:
            account = await s.scalar(select(Account).where(Account.login == admin_cred["login"]))
            assert account is not None
            admin = await actor_for_account(s, account.id)
            assert admin is not None
            news = await broadcasts.create_broadcast(
                s, admin, class_id=None, text="Завтра сокращённые уроки"
            )
        try:
            alert = await parent.wait(lambda m: "сокращённые" in m.content, timeout=WAIT)
        except TimeoutError as exc:
            raise AssertionError(bot.log()[-4000:]) from exc
        ack = next(b for b in alert.buttons if b["callback_data"] == f"news:ack:{news.id}")
        answers = await answers_of(front, await parent.press(alert, ack["callback_data"]))
        assert [a.text for a in answers] == [t("ru", "alerts.news_acknowledged")]

        # A stranger presses buttons of a signed-in screen: one alert each, nothing else.
        guest = front.user(8202, first_name="Гость")
        guest.open_chat()
        await guest.command("/start")
        welcome = await guest.wait(timeout=WAIT)
        for data in (f"news:ack:{news.id}", "lang:en", "nw:1", "fd:1:99999999999:0"):
            query_id = await guest.press(welcome, data, strict=False)
            answers = await answers_of(front, query_id)
            assert len(answers) == 1 and answers[0].alert and answers[0].text, (data, answers)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    assert error_lines(bot.log()) == []
    async with async_sessionmaker(engine)() as s:
        receipt = await s.scalar(select(NewsReceipt).where(NewsReceipt.news_id == news.id))
        assert receipt is not None


def test_error_lines_of_a_log() -> None:
    log = "\n".join(
        [
            '{"level": "INFO", "message": "update"}',
            '{"level": "ERROR", "message": "handler failed"}',
            '{"level": "WARNING", "message": "refused button"}',
            "Traceback (most recent call last):",
            "2026-11-30 12:00:00,000 ERROR   aiogram.event: Cause exception",
            "2026-11-30 12:00:00,000 INFO    bot.updates: update",
        ]
    )
    assert error_lines(log) == [
        '{"level": "ERROR", "message": "handler failed"}',
        "Traceback (most recent call last):",
        "2026-11-30 12:00:00,000 ERROR   aiogram.event: Cause exception",
    ]
