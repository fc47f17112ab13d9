from __future__ import annotations

import pytest
from aiogram import Dispatcher

from bot.i18n import t
from services.enums import Role
from testkit.recording import RecordingBot, make_message_update
from tests.handlers.conftest import World


def _commands(text: str) -> set[str]:
    return {
        line.split(" ", 1)[0].removeprefix("/")
        for line in text.splitlines()
        if line.startswith("/")
    }


async def test_help_guest(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_message_update(4001, "/help"))
    (text,) = bot.session.sent_texts(4001)
    assert _commands(text) == {"login", "start", "help"}
    assert text.startswith(t("ru", "help.header_guest"))
    assert t("ru", "help.footer_guest") in text
    assert f"/help — {t('ru', 'cmd.help')}" in text


@pytest.mark.parametrize(
    ("roles", "present", "absent"),
    [
        ((Role.TEACHER,), {"today", "timetable", "help"}, {"diary", "admin", "invite"}),
        ((Role.CLASS_TEACHER,), {"today", "absences", "invite"}, {"diary", "admin"}),
        ((Role.PARENT,), {"diary", "marks", "homework"}, {"today", "admin", "invite"}),
        ((Role.STUDENT,), {"diary", "marks"}, {"today", "invite", "reports"}),
        ((Role.ADMIN,), {"admin", "invite", "reports"}, {"diary", "today"}),
        ((Role.DIRECTOR,), {"reports"}, {"admin", "diary", "today"}),
        ((Role.TEACHER, Role.PARENT), {"today", "diary"}, {"admin"}),
    ],
)
async def test_help_per_role(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    roles: tuple[Role, ...],
    present: set[str],
    absent: set[str],
) -> None:
    await world.signed_in(4100, *roles)
    await dp.feed_update(bot, make_message_update(4100, "/help"))
    (text,) = bot.session.sent_texts(4100)
    commands = _commands(text)
    assert present <= commands
    assert not (absent & commands)
    assert t("ru", "help.footer_guest") not in text


async def test_help_english(dp: Dispatcher, bot: RecordingBot, world: World) -> None:
    await world.signed_in(4200, Role.PARENT)
    await dp.feed_update(bot, make_message_update(4200, "/help", language_code="en"))
    (text,) = bot.session.sent_texts(4200)
    assert text.startswith(t("en", "help.header", roles="parent"))
    assert f"/diary — {t('en', 'cmd.diary')}" in text


async def test_help_explains_commands_buttons_and_whom_to_ask_per_role(
    dp: Dispatcher, bot: RecordingBot, world: World
) -> None:
    await world.signed_in(4300, Role.PARENT)
    await dp.feed_update(bot, make_message_update(4300, "/help"))
    (parent,) = bot.session.sent_texts(4300)
    for command in ("diary", "marks", "notice", "settings"):
        assert t("ru", f"help.cmd.{command}") in parent
    assert "«Болеет», «Уважительная причина», «Не знаю»" in parent
    assert t("ru", "help.buttons.ack", ack="Ознакомлен") in parent
    assert t("ru", "help.ask.family") in parent and t("ru", "help.ask.staff") not in parent

    await world.signed_in(4301, Role.TEACHER)
    await dp.feed_update(bot, make_message_update(4301, "/help", language_code="en"))
    (teacher,) = bot.session.sent_texts(4301)
    assert t("en", "help.cmd.today") in teacher
    assert "“Ill”" not in teacher  # no absence alerts come to a subject teacher
    assert t("en", "help.buttons.ack", ack=t("en", "notify.news.ack")) in teacher
    assert t("en", "help.ask.staff") in teacher and t("en", "help.ask.family") not in teacher

    await dp.feed_update(bot, make_message_update(4302, "/help"))
    (guest,) = bot.session.sent_texts(4302)
    assert t("ru", "help.ask.guest") in guest and t("ru", "help.cmd.login") in guest


async def test_help_of_every_role_at_once_fits_telegrams_limit(
    dp: Dispatcher, bot: RecordingBot, world: World
) -> None:
    await world.signed_in(4400, *Role)
    await dp.feed_update(bot, make_message_update(4400, "/help"))
    pages = bot.session.sent_texts(4400)
    assert all(len(page) <= 4096 for page in pages)
    text = "\n".join(pages)
    for command in ("today", "admin", "reports", "diary", "notice", "broadcast"):
        assert t("ru", f"help.cmd.{command}") in text
    assert t("ru", "help.ask.family") in text and t("ru", "help.ask.staff") in text
