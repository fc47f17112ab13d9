from __future__ import annotations

import datetime as dt

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage, SetMyCommands
from aiogram.types import BotCommandScopeChat, InlineKeyboardMarkup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from screens.common.actions import GuestCb
from services.enums import Role
from services.models import Account, Invite, MessengerBinding
from services.people import accounts
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.handlers.conftest import World

TOKEN = "inv_Abcdefghijklmnopqrstuvwxyz012345"


async def _bindings(factory: async_sessionmaker[AsyncSession]) -> list[MessengerBinding]:
    async with factory() as s:
        return list((await s.scalars(select(MessengerBinding))).all())


def _buttons(bot: RecordingBot) -> list[tuple[str, str]]:
    markup = bot.session.requests_of(SendMessage)[-1].reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


async def test_start_guest_ru(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_message_update(1001, "/start", language_code="ru"))
    assert bot.session.sent_texts(1001) == [t("ru", "start.guest")]
    assert "ссылке-приглашению" in bot.session.sent_texts(1001)[0]
    # The ways in are buttons: the invite link explained, login and password, where to get one.
    assert _buttons(bot) == [
        (t("ru", "guest.btn_link"), GuestCb(action="link").pack()),
        (t("ru", "guest.btn_login"), GuestCb(action="login").pack()),
        (t("ru", "guest.btn_how"), GuestCb(action="how").pack()),
    ]


async def test_start_guest_en(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_message_update(1002, "/start", language_code="en"))
    assert bot.session.sent_texts(1002) == [t("en", "start.guest")]
    assert t("en", "start.guest") != t("ru", "start.guest")
    assert _buttons(bot)[1][0] == t("en", "guest.btn_login")


async def test_start_guest_other_language_gets_russian(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_message_update(1003, "/start", language_code="de"))
    assert bot.session.sent_texts(1003) == [t("ru", "start.guest")]


@pytest.mark.parametrize(
    "question",
    ["Здравствуйте, как войти?", "как получить пароль", "Hello, how do I sign in?", "вход"],
)
async def test_guest_question_after_start_is_answered(
    dp: Dispatcher, bot: RecordingBot, question: str
) -> None:
    await dp.feed_update(bot, make_message_update(1004, "/start"))
    bot.session.clear()
    await dp.feed_update(bot, make_message_update(1004, question))
    # Not taken as a login: how to get credentials from the school, with the ways in.
    assert bot.session.sent_texts(1004) == [t("ru", "guest.how_to_get")]
    assert t("ru", "login.ask_password") not in bot.session.sent_texts(1004)
    assert "классный руководитель" in bot.session.sent_texts(1004)[0]
    assert len(_buttons(bot)) == 3


async def test_guest_buttons(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_message_update(1005, "/start"))
    for action, expected in (
        ("link", "guest.link_explained"),
        ("how", "guest.how_to_get"),
        ("login", "login.ask_login"),
    ):
        bot.session.clear()
        await dp.feed_update(
            bot, make_callback_update(1005, GuestCb(action=action).pack(), message_text="…")
        )
        assert bot.session.sent_texts(1005) == [t("ru", expected)]


async def test_guest_signs_in_by_login_button(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.PARENT, first_name="Вера", last_name="Орлова")
    async with session_factory() as s:
        account = await s.get(Account, member.account_id)
        assert account is not None
        creds = await accounts.issue_credentials(s, account, actor=None)
        await s.commit()
    await dp.feed_update(bot, make_message_update(1006, "/start"))
    await dp.feed_update(
        bot, make_callback_update(1006, GuestCb(action="login").pack(), message_text="…")
    )
    # A question in the login step is answered too, and the step goes on.
    await dp.feed_update(bot, make_message_update(1006, "Где взять логин?"))
    assert bot.session.sent_texts(1006)[-1] == t("ru", "guest.how_to_get")
    await dp.feed_update(bot, make_message_update(1006, creds.login))
    assert bot.session.sent_texts(1006)[-1] == t("ru", "login.ask_password")
    await dp.feed_update(bot, make_message_update(1006, creds.password))
    assert bot.session.sent_texts(1006)[-1] == t(
        "ru", "start.signed_in", name="Вера Орлова", roles="родитель"
    )


async def test_guest_typing_a_login_right_after_start_still_works(
    dp: Dispatcher, bot: RecordingBot
) -> None:
    await dp.feed_update(bot, make_message_update(1007, "/start"))
    await dp.feed_update(bot, make_message_update(1007, "ivanova.a"))
    assert bot.session.sent_texts(1007)[-1] == t("ru", "login.ask_password")


async def test_start_with_valid_invite_signs_in(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.TEACHER, Role.PARENT, first_name="Мария", last_name="Петрова")
    await world.invite(member, TOKEN)

    await dp.feed_update(bot, make_message_update(2001, f"/start {TOKEN}", language_code="ru"))

    texts = bot.session.sent_texts(2001)
    assert texts == [
        t("ru", "start.signed_in", name="Мария Петрова", roles="учитель, родитель"),
    ]
    bindings = await _bindings(session_factory)
    assert [(b.account_id, b.external_user_id, b.chat_id) for b in bindings] == [
        (member.account_id, "2001", "2001")
    ]
    async with session_factory() as s:
        invite = await s.scalar(select(Invite))
        assert invite is not None and invite.used_at is not None

    menus = bot.session.requests_of(SetMyCommands)
    assert len(menus) == 1
    assert isinstance(menus[0].scope, BotCommandScopeChat)
    assert str(menus[0].scope.chat_id) == "2001"
    names = [c.command for c in menus[0].commands]
    # A teacher who is also a parent starts as a teacher; /role switches to the family side.
    assert "today" in names and "role" in names
    assert "diary" not in names and "admin" not in names
    # The menu is in place before the greeting that mentions it arrives.
    kinds = [type(r) for r in bot.session.requests if isinstance(r, SendMessage | SetMyCommands)]
    assert kinds == [SetMyCommands, SendMessage]


async def test_start_with_invite_then_start_greets_by_name(
    dp: Dispatcher, bot: RecordingBot, world: World
) -> None:
    member = await world.member(Role.STUDENT, first_name="Петя", last_name="Сидоров")
    await world.invite(member, TOKEN)
    await dp.feed_update(bot, make_message_update(2002, f"/start {TOKEN}"))
    bot.session.clear()

    await dp.feed_update(bot, make_message_update(2002, "/start"))
    assert bot.session.sent_texts(2002) == [
        t("ru", "start.welcome_back", name="Петя Сидоров", roles="ученик")
    ]


async def test_start_with_invite_english_user(
    dp: Dispatcher, bot: RecordingBot, world: World
) -> None:
    member = await world.member(Role.CLASS_TEACHER, first_name="Olga", last_name="Smirnova")
    await world.invite(member, TOKEN)
    await dp.feed_update(bot, make_message_update(2003, f"/start {TOKEN}", language_code="en"))
    assert bot.session.sent_texts(2003) == [
        t("en", "start.signed_in", name="Olga Smirnova", roles="class teacher")
    ]
    (menu,) = bot.session.requests_of(SetMyCommands)
    assert {c.description for c in menu.commands} >= {t("en", "cmd.help")}


async def test_start_escapes_names(dp: Dispatcher, bot: RecordingBot, world: World) -> None:
    member = await world.member(Role.PARENT, first_name="<b>Ива</b>", last_name="O'Neil & Co")
    await world.invite(member, TOKEN)
    await dp.feed_update(bot, make_message_update(2004, f"/start {TOKEN}"))
    (text,) = bot.session.sent_texts(2004)
    assert "&lt;b&gt;Ива&lt;/b&gt; O'Neil &amp; Co" in text
    assert "<b>Ива</b>" not in text


async def test_start_with_bad_token_shows_translated_error(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.PARENT)
    await world.invite(member, TOKEN)

    await dp.feed_update(
        bot, make_message_update(3001, "/start wrong_token_123", language_code="ru")
    )
    await dp.feed_update(
        bot, make_message_update(3002, "/start wrong_token_123", language_code="en")
    )

    assert bot.session.sent_texts(3001) == [t("ru", "signin.invite_invalid")]
    assert bot.session.sent_texts(3002) == [t("en", "signin.invite_invalid")]
    assert bot.session.requests_of(SetMyCommands) == []
    assert await _bindings(session_factory) == []


async def test_start_with_used_token_fails_for_second_user(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.PARENT)
    await world.invite(member, TOKEN)
    await dp.feed_update(bot, make_message_update(3101, f"/start {TOKEN}"))
    await dp.feed_update(bot, make_message_update(3102, f"/start {TOKEN}"))

    assert bot.session.sent_texts(3102) == [t("ru", "signin.invite_invalid")]
    assert [b.external_user_id for b in await _bindings(session_factory)] == ["3101"]


async def test_start_with_expired_token_fails(
    dp: Dispatcher, bot: RecordingBot, world: World
) -> None:
    member = await world.member(Role.PARENT)
    await world.invite(member, TOKEN, expires_in=-dt.timedelta(minutes=1))
    await dp.feed_update(bot, make_message_update(3201, f"/start {TOKEN}"))
    assert bot.session.sent_texts(3201) == [t("ru", "signin.invite_invalid")]


async def test_blocked_account_is_a_guest(dp: Dispatcher, bot: RecordingBot, world: World) -> None:
    await world.signed_in(3301, Role.TEACHER, blocked=True)
    await dp.feed_update(bot, make_message_update(3301, "/start"))
    assert bot.session.sent_texts(3301) == [t("ru", "start.guest")]


async def test_account_language_wins_over_telegram(
    dp: Dispatcher, bot: RecordingBot, world: World
) -> None:
    await world.signed_in(3401, Role.TEACHER, first_name="Ian", last_name="Gray", language="en")
    await dp.feed_update(bot, make_message_update(3401, "/start", language_code="ru"))
    assert bot.session.sent_texts(3401) == [
        t("en", "start.welcome_back", name="Ian Gray", roles="teacher")
    ]


async def test_start_answers_only_once(dp: Dispatcher, bot: RecordingBot) -> None:
    await dp.feed_update(bot, make_message_update(3501, "/start"))
    # The greeting with the ways in, nothing more (no fallback too).
    assert len(bot.session.requests_of(SendMessage)) == 1
