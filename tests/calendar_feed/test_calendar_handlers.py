"""/calendar through the Dispatcher: no public address, a link per child with the warning, a
new link, turning it off, a forged child, who is told it is not for them."""

from __future__ import annotations

import re

from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import select

from bot.config import Settings
from bot.i18n import t
from screens.family.calendar import CalendarCb
from services.calendar_feed import links
from services.models import FamilyCalendarLink
from testkit.recording import RecordingBot
from tests.family.conftest import PARENT, PARENT2, TEACHER, TRUSTED, Family, family_world  # noqa: F401
from tests.family.test_handlers import buttons, edits, last_markup, press, say
from tests.handlers.conftest import dp  # noqa: F401

BASE = "https://school.example"
URL = re.compile(r"<code>https://school\.example/calendar/([A-Za-z0-9_-]{43})\.ics</code>")


def with_address(dp: Dispatcher, settings: Settings) -> None:  # noqa: F811
    dp["settings"] = settings.model_copy(update={"public_base_url": BASE})


async def test_without_a_public_address(
    dp: Dispatcher,  # noqa: F811
    bot: RecordingBot,
    family_world: Family,  # noqa: F811
) -> None:
    await say(dp, bot, PARENT, "/calendar")
    assert bot.session.sent_texts(PARENT) == [
        "У сервера школы нет публичного адреса, поэтому ссылку на календарь выдать нельзя. "
        "Сообщите об этом администратору школы."
    ]


async def test_a_parent_gets_renews_and_turns_off_a_link(
    dp: Dispatcher,  # noqa: F811
    bot: RecordingBot,
    family_world: Family,  # noqa: F811
    settings: Settings,
) -> None:
    with_address(dp, settings)
    w = family_world.world
    anna, kirill = w.students[1].id, w.other_student.id
    await say(dp, bot, PARENT2, "/calendar")
    (text,) = bot.session.sent_texts(PARENT2)
    assert text.startswith("📅 <b>Календарь в телефоне</b>\nСсылка-подписка")
    assert "• Анна Петрова — ссылки нет\n• Кирилл Чужой — ссылки нет" in text
    assert buttons(last_markup(bot)) == [
        CalendarCb(s=anna, a="new").pack(),
        CalendarCb(s=kirill, a="new").pack(),
    ]

    bot.session.clear()
    await press(dp, bot, PARENT2, CalendarCb(s=anna, a="new").pack())
    (shown,) = edits(bot)
    assert shown.startswith("📅 <b>Календарь: Анна Петрова</b>\n<code>https://school.example/")
    assert "Не пересылайте ссылку: по ней видно расписание и задания ребёнка." in shown
    match = URL.search(shown)
    assert match is not None
    first = match.group(1)
    assert buttons(last_markup(bot)) == [
        CalendarCb(s=anna, a="new").pack(),
        CalendarCb(s=anna, a="off").pack(),
    ]
    async with family_world.session_factory() as s:
        assert (await links.holder_of(s, first)) is not None

    bot.session.clear()
    await press(dp, bot, PARENT2, CalendarCb(s=anna, a="new").pack())
    match = URL.search(edits(bot)[0])
    assert match is not None and match.group(1) != first
    second = match.group(1)

    bot.session.clear()
    await say(dp, bot, PARENT2, "/calendar")
    (listed,) = bot.session.sent_texts(PARENT2)
    assert "• Анна Петрова — ссылка выдана 18 ноября" in listed
    assert CalendarCb(s=anna, a="off").pack() in buttons(last_markup(bot))

    bot.session.clear()
    await press(dp, bot, PARENT2, CalendarCb(s=anna, a="off").pack())
    assert edits(bot) == [
        "Ссылка на календарь (Анна Петрова) отключена: по ней больше ничего не открыть."
    ]
    async with family_world.session_factory() as s:
        assert await links.holder_of(s, first) is None
        assert await links.holder_of(s, second) is None
        rows = (await s.scalars(select(FamilyCalendarLink.revoked_at))).all()
    assert len(rows) == 2 and all(r is not None for r in rows)


async def test_forged_child_and_who_gets_no_link(
    dp: Dispatcher,  # noqa: F811
    bot: RecordingBot,
    family_world: Family,  # noqa: F811
    settings: Settings,
) -> None:
    with_address(dp, settings)
    w = family_world.world
    for data in (
        CalendarCb(s=w.students[1].id, a="new").pack(),  # another family's child
        CalendarCb(s=w.students[1].id, a="off").pack(),
    ):
        bot.session.clear()
        await press(dp, bot, PARENT, data)
        assert edits(bot) == []
        answers = [r.text for r in bot.session.requests_of(AnswerCallbackQuery)]
        assert answers == [t("ru", "error.forbidden")]
    async with family_world.session_factory() as s:
        assert (await s.scalars(select(FamilyCalendarLink))).all() == []
    bot.session.clear()
    await say(dp, bot, TRUSTED, "/calendar")
    assert bot.session.sent_texts(TRUSTED) == ["Календарь доступен родителям и ученикам."]
    bot.session.clear()
    await say(dp, bot, TEACHER, "/calendar")
    assert bot.session.sent_texts(TEACHER) == [t("ru", "family.not_family")]
