"""/invite through the Dispatcher: a class teacher issues sign-ins for their class's families;
forged buttons for anyone else are refused."""

from __future__ import annotations

import re

from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.common.actions import InviteCb
from services.enums import Messenger
from services.models import Invite, MessengerBinding
from services.people import accounts
from services.people.identity import resolve_actor
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.factories import SchoolWorld, bind_chats, build_school, messenger_binding


async def bind(session: AsyncSession, world: SchoolWorld, name: str, user_id: int) -> None:
    await bind_chats(session, world, {name: user_id})


async def press(dp: Dispatcher, bot: RecordingBot, user: int, data: InviteCb) -> None:
    await dp.feed_update(bot, make_callback_update(user, data.pack(), message_text="…"))


def everything_shown(bot: RecordingBot, chat_id: int) -> list[str]:
    """The texts of every edit, of the messages sent to ``chat_id`` and of the button answers."""
    shown = [r.text or "" for r in bot.session.requests_of(EditMessageText)]
    shown += bot.session.sent_texts(chat_id)
    shown += [r.text or "" for r in bot.session.requests_of(AnswerCallbackQuery)]
    return shown


async def test_class_teacher_issues_for_a_parent(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    world = await build_school(session)
    await bind(session, world, "class_teacher", 8001)
    await dp.feed_update(bot, make_message_update(8001, "/invite"))
    first = bot.session.requests_of(SendMessage)[-1]
    labels = [b.text for row in first.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert any("Иванов Пётр" in x for x in labels) and not any("Чужой" in x for x in labels)

    await press(dp, bot, 8001, InviteCb(action="stu", id=world.students[0].id))
    await press(dp, bot, 8001, InviteCb(action="per", id=world.parent.id))
    await press(dp, bot, 8001, InviteCb(action="issue", id=world.parent.id))
    text = bot.session.requests_of(EditMessageText)[-1].text
    assert text is not None
    login = re.search(r"<code>([^<]+)</code>", text)
    password = re.findall(r"<code>([^<]+)</code>", text)[1]
    assert login is not None
    result = await accounts.sign_in_with_password(
        session,
        login=login.group(1),
        password=password,
        messenger=Messenger.TELEGRAM,
        external_user_id="8101",
        chat_id="8101",
    )
    assert result.actor.person_id == world.parent.id


async def test_forged_buttons_are_refused(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    world = await build_school(session)
    await bind(session, world, "class_teacher", 8002)
    # A colleague (staff) and a student of another class: not this class teacher's to invite.
    for target in (world.colleague.id, world.other_student.id, world.first_student.id):
        bot.session.clear()
        await press(dp, bot, 8002, InviteCb(action="issue", id=target))
        assert not bot.session.requests_of(EditMessageText)
    assert await session.scalar(select(func.count()).select_from(Invite)) == 0
    # A parent cannot use /invite at all.
    await bind(session, world, "parent", 8003)
    await dp.feed_update(bot, make_message_update(8003, "/invite"))
    assert bot.session.sent_texts(8003) == [t("ru", "invite.not_allowed")]


async def test_a_signed_in_parent_cannot_be_taken_over(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    world = await build_school(session)
    await bind(session, world, "class_teacher", 8201)
    await bind(session, world, "parent", 8202)  # the parent is signed in from their phone
    await press(dp, bot, 8201, InviteCb(action="per", id=world.parent.id))
    screen = bot.session.requests_of(EditMessageText)[-1]
    assert screen.text == t("ru", "invite.person_signed_in")
    buttons = [b.callback_data for row in screen.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert buttons == [InviteCb(action="revoke", id=world.parent.id).pack()]

    # A replayed or forged "issue" button: nothing reaches the class teacher's chat.
    bot.session.clear()
    await press(dp, bot, 8201, InviteCb(action="issue", id=world.parent.id))
    shown = everything_shown(bot, 8201)
    assert not any("<code>" in x for x in shown)
    assert t("ru", "invite.signed_in") in shown
    assert await session.scalar(select(func.count()).select_from(Invite)) == 0
    assert (await resolve_actor(session, Messenger.TELEGRAM, "8202")) is not None

    # Only after the sign-in is ended, and the parent told in their chat, can it be issued.
    bot.session.clear()
    await press(dp, bot, 8201, InviteCb(action="revoke", id=world.parent.id))
    assert bot.session.sent_texts(8202) == [t("ru", "login.revoked_by_school")]
    assert await resolve_actor(session, Messenger.TELEGRAM, "8202") is None
    await press(dp, bot, 8201, InviteCb(action="issue", id=world.parent.id))
    assert "<code>" in (bot.session.requests_of(EditMessageText)[-1].text or "")


async def test_the_admins_user_card_follows_the_same_rule(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    from screens.admin.actions import UserCb

    world = await build_school(session)
    await bind(session, world, "admin", 8301)
    await bind(session, world, "parent", 8302)
    await dp.feed_update(
        bot, make_callback_update(8301, UserCb(action="issue", id=world.parent.id).pack())
    )
    shown = everything_shown(bot, 8301)
    assert not any("<code>" in x for x in shown)
    assert t("ru", "invite.signed_in") in shown
    assert await session.scalar(select(func.count()).select_from(Invite)) == 0
    await dp.feed_update(
        bot, make_callback_update(8301, UserCb(action="revoke", id=world.parent.id).pack())
    )
    assert bot.session.sent_texts(8302) == [t("ru", "login.revoked_by_school")]


async def test_revoking_tells_the_person_in_each_messenger(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    from screens.admin.actions import UserCb

    world = await build_school(session)
    await bind(session, world, "admin", 8401)
    await bind(session, world, "parent", 8402)
    telegram = await session.scalar(
        select(MessengerBinding).where(MessengerBinding.external_user_id == "8402")
    )
    assert telegram is not None
    session.add(messenger_binding(telegram.school_id, telegram.account_id, 77, Messenger.MAX))
    await session.commit()
    max_bot = RecordingBot("77000:max")
    dp["messenger_bots"] = {"telegram": bot, "max": max_bot}
    await dp.feed_update(
        bot, make_callback_update(8401, UserCb(action="revoke", id=world.parent.id).pack())
    )
    assert bot.session.sent_texts(8402) == [t("ru", "login.revoked_by_school")]
    assert max_bot.session.sent_texts(77) == [t("ru", "login.revoked_by_school")]
    assert bot.session.sent_texts(77) == []  # never through the other messenger's bot
    assert await resolve_actor(session, Messenger.MAX, "77") is None
