"""Sign-in by login and one-time password, sign-out, language and role, through the Dispatcher."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.methods import DeleteMessage, DeleteMyCommands, SendMessage, SetMyCommands
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from screens.common.actions import LangCb, RoleCb
from services.enums import Messenger, Role
from services.models import Account, AuditEntry, MessengerBinding
from services.people import accounts
from services.people.identity import resolve_actor
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.handlers.conftest import Member, World


async def credentials(
    session_factory: async_sessionmaker[AsyncSession], member: Member
) -> accounts.IssuedCredentials:
    async with session_factory() as s:
        account = await s.get(Account, member.account_id)
        assert account is not None
        creds = await accounts.issue_credentials(s, account, actor=None)
        await s.commit()
        return creds


async def say(dp: Dispatcher, bot: RecordingBot, user: int, text: str) -> None:
    await dp.feed_update(bot, make_message_update(user, text))


async def test_login_and_password_signs_in_and_deletes_the_password(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.PARENT, first_name="Ольга", last_name="Смирнова")
    creds = await credentials(session_factory, member)
    await say(dp, bot, 5001, "/login")
    await say(dp, bot, 5001, creds.login)
    bot.session.clear()
    await say(dp, bot, 5001, creds.password)
    deletes = bot.session.requests_of(DeleteMessage)
    assert len(deletes) == 1 and deletes[0].chat_id == 5001
    texts = bot.session.sent_texts(5001)
    assert texts[0] == t("ru", "login.password_deleted")
    assert texts[1] == t("ru", "start.signed_in", name="Ольга Смирнова", roles="родитель")
    # The password never appears in anything the bot sent.
    assert all(creds.password not in x for x in texts)
    async with session_factory() as s:
        actor = await resolve_actor(s, Messenger.TELEGRAM, "5001")
        assert actor is not None and actor.person_id == member.person_id
    # The order: the password is gone before the answer to it is computed.
    kinds = [type(r) for r in bot.session.requests]
    assert kinds.index(DeleteMessage) < kinds.index(SendMessage)


async def test_start_without_token_asks_for_login(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.STUDENT, first_name="Пётр", last_name="Иванов")
    creds = await credentials(session_factory, member)
    await say(dp, bot, 5002, "/start")
    await say(dp, bot, 5002, creds.login)
    await say(dp, bot, 5002, creds.password)
    assert bot.session.sent_texts(5002)[-1].startswith(
        t("ru", "start.signed_in", name="Пётр Иванов", roles="ученик")[:20]
    )


async def test_wrong_passwords_lock_and_reveal_nothing(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.PARENT)
    creds = await credentials(session_factory, member)
    answers = []
    for password in ["bad1", "bad2", "bad3", "bad4", "bad5", creds.password]:
        await say(dp, bot, 5003, "/login")
        await say(dp, bot, 5003, creds.login)
        bot.session.clear()
        await say(dp, bot, 5003, password)
        answers.append(bot.session.sent_texts(5003)[-1])
    assert answers[:5] == [t("ru", "signin.password_invalid")] * 5
    assert answers[5] == t("ru", "signin.locked", minutes=1)
    # An unknown login gets exactly the same answer as a known one.
    await say(dp, bot, 5004, "/login")
    await say(dp, bot, 5004, "nobody.here")
    bot.session.clear()
    await say(dp, bot, 5004, "whatever")
    assert bot.session.sent_texts(5004)[-1] == t("ru", "signin.password_invalid")
    async with session_factory() as s:
        actions = list((await s.scalars(select(AuditEntry.action))).all())
    assert actions.count("signin.password_failed") == 6 and "signin.throttled" in actions


async def test_new_phone_ends_the_old_binding_and_tells_the_old_chat(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.PARENT)
    await world.bind(member, 6001)
    creds = await credentials(session_factory, member)
    await say(dp, bot, 6002, "/login")
    await say(dp, bot, 6002, creds.login)
    await say(dp, bot, 6002, creds.password)
    assert t("ru", "login.moved_elsewhere") in bot.session.sent_texts(6001)
    async with session_factory() as s:
        assert await resolve_actor(s, Messenger.TELEGRAM, "6001") is None
        assert await resolve_actor(s, Messenger.TELEGRAM, "6002") is not None


async def test_logout(dp: Dispatcher, bot: RecordingBot, world: World) -> None:
    await world.signed_in(7001, Role.PARENT)
    await say(dp, bot, 7001, "/logout")
    assert bot.session.sent_texts(7001) == [t("ru", "logout.done")]
    assert bot.session.requests_of(DeleteMyCommands)
    bot.session.clear()
    await say(dp, bot, 7001, "/logout")
    assert bot.session.sent_texts(7001) == [t("ru", "logout.not_signed_in")]


async def test_language_switch(dp: Dispatcher, bot: RecordingBot, world: World) -> None:
    await world.signed_in(7101, Role.PARENT, first_name="Ann", last_name="Gray")
    await say(dp, bot, 7101, "/language")
    await dp.feed_update(
        bot, make_callback_update(7101, LangCb(code="en").pack(), message_text="?")
    )
    await say(dp, bot, 7101, "/start")
    assert bot.session.sent_texts(7101)[-1] == t(
        "en", "start.welcome_back", name="Ann Gray", roles="parent"
    )


async def test_role_switch_changes_the_menu(
    dp: Dispatcher, bot: RecordingBot, world: World
) -> None:
    await world.signed_in(7201, Role.TEACHER, Role.PARENT)
    await say(dp, bot, 7201, "/role")
    bot.session.clear()
    await dp.feed_update(
        bot, make_callback_update(7201, RoleCb(role=Role.PARENT).pack(), message_text="?")
    )
    menus = bot.session.requests_of(SetMyCommands)
    names = [c.command for c in menus[-1].commands]
    assert "diary" in names and "today" not in names
    # A role the person does not have is refused, however the button was made.
    bot.session.clear()
    await dp.feed_update(
        bot, make_callback_update(7201, RoleCb(role=Role.ADMIN).pack(), message_text="?")
    )
    assert not bot.session.requests_of(SetMyCommands)


async def test_a_strangers_failures_do_not_lock_the_owner_out(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    member = await world.member(Role.PARENT, first_name="Ольга", last_name="Смирнова")
    creds = await credentials(session_factory, member)
    for password in ["bad1", "bad2", "bad3", "bad4", "bad5", "bad6"]:
        await say(dp, bot, 5101, "/login")
        await say(dp, bot, 5101, creds.login)
        await say(dp, bot, 5101, password)
    assert bot.session.sent_texts(5101)[-1] == t("ru", "signin.locked", minutes=1)
    # The owner, from their own chat, signs in with the right password at once.
    await say(dp, bot, 5102, "/login")
    await say(dp, bot, 5102, creds.login)
    await say(dp, bot, 5102, creds.password)
    assert bot.session.sent_texts(5102)[-1] == t(
        "ru", "start.signed_in", name="Ольга Смирнова", roles="родитель"
    )


async def test_one_chat_holds_one_account(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    # The same person on the register twice: as a student and as a teacher, two accounts.
    student = await world.signed_in(5201, Role.STUDENT, first_name="Иван", last_name="Ким")
    teacher = await world.member(Role.TEACHER, first_name="Иван", last_name="Ким-Учитель")
    await world.invite(teacher, "inv_teacher_Abcdefghijklmnopqrstuvwxyz")
    # /login is refused to a signed-in chat; the invite link is how the second account came in.
    await say(dp, bot, 5201, "/start inv_teacher_Abcdefghijklmnopqrstuvwxyz")
    texts = bot.session.sent_texts(5201)
    assert t("ru", "login.replaced", names="Иван Ким", name="Иван Ким-Учитель") in texts
    async with session_factory() as s:
        live = (
            await s.scalars(
                select(MessengerBinding.account_id).where(
                    MessengerBinding.external_user_id == "5201",
                    MessengerBinding.ended_at.is_(None),
                )
            )
        ).all()
        assert list(live) == [teacher.account_id]
        actor = await resolve_actor(s, Messenger.TELEGRAM, "5201")
        assert actor is not None and actor.account_id == teacher.account_id
        ended = await s.scalar(
            select(MessengerBinding).where(MessengerBinding.account_id == student.account_id)
        )
        assert ended is not None and ended.end_reason == "replaced"
        assert "binding.replaced" in (await s.scalars(select(AuditEntry.action))).all()
