"""Alert buttons, /settings and /broadcast through the Dispatcher."""

from __future__ import annotations

import datetime as dt

from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiogram.types import Chat, ChatMemberBanned, ChatMemberMember, ChatMemberUpdated, Update, User
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.alerts import BroadcastCb, PrefCb
from services.enums import Messenger
from services.models import Attendance, MessengerBinding, News, NotificationPrefs, OutboxMessage
from testkit.botapi.html import seen
from testkit.recording import RecordingBot, make_callback_update, make_message_update
from tests.factories import SchoolWorld, absent_today, bind_chats, build_school, messenger_binding
from tests.handlers.conftest import compose_class_news


async def bind(session: AsyncSession, world: SchoolWorld, name: str, user_id: int) -> None:
    await bind_chats(session, world, {name: user_id})


async def test_parent_answers_an_absence_alert(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    world = await build_school(session)
    s0 = world.students[0].id
    await absent_today(session, world, s0)
    att = await session.scalar(select(Attendance))
    assert att is not None
    await bind(session, world, "parent2", 9002)  # not this child's parent
    await dp.feed_update(bot, make_callback_update(9002, f"abs:{att.id}:ill", message_text="…"))
    await session.refresh(att)
    assert att.family_reason is None
    await bind(session, world, "parent", 9001)
    await dp.feed_update(bot, make_callback_update(9001, f"abs:{att.id}:ill", message_text="…"))
    await session.refresh(att)
    assert att.family_reason == "ill"


async def test_settings_toggle_and_quiet_hours(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    world = await build_school(session)
    await bind(session, world, "parent", 9101)
    await dp.feed_update(bot, make_message_update(9101, "/settings"))
    assert "Уведомления" in bot.session.sent_texts(9101)[0]
    await dp.feed_update(
        bot, make_callback_update(9101, PrefCb(field="marks", value="0").pack(), message_text="…")
    )
    await dp.feed_update(
        bot,
        make_callback_update(9101, PrefCb(field="quiet", value="22-07").pack(), message_text="…"),
    )
    await dp.feed_update(
        bot,
        make_callback_update(9101, PrefCb(field="mode", value="evening").pack(), message_text="…"),
    )
    await dp.feed_update(
        bot,
        make_callback_update(9101, PrefCb(field="digest", value="20").pack(), message_text="…"),
    )
    prefs = await session.get(NotificationPrefs, world.parent.id)
    assert prefs is not None
    await session.refresh(prefs)
    assert (prefs.marks, prefs.quiet_from, prefs.quiet_to, prefs.marks_mode) == (
        False,
        dt.time(22, 0),
        dt.time(7, 0),
        "evening",
    )
    assert prefs.digest_time == dt.time(20, 0)


async def test_class_teacher_broadcast_with_preview(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    world = await build_school(session)
    await bind(session, world, "class_teacher", 9201)
    await compose_class_news(dp, bot, 9201, world.cls.id, "Родительское собрание в четверг в 18:00")
    assert "собрание" in bot.session.sent_texts(9201)[-1]
    assert await session.scalar(select(func.count()).select_from(News)) == 0  # only a preview
    await dp.feed_update(
        bot, make_callback_update(9201, BroadcastCb(action="send").pack(), message_text="…")
    )
    news = await session.scalar(select(News))
    assert news is not None and news.class_id == world.cls.id
    recipients = set(
        (
            await session.scalars(
                select(OutboxMessage.recipient_person_id).where(OutboxMessage.news_id == news.id)
            )
        ).all()
    )
    assert {world.parent.id, world.parent2.id} <= recipients
    assert world.other_student.id not in recipients
    # A parent cannot broadcast, and a forged class of another teacher is refused.
    await bind(session, world, "parent", 9202)
    await dp.feed_update(bot, make_message_update(9202, "/broadcast"))
    assert "классный руководитель" in bot.session.sent_texts(9202)[-1]


async def test_broadcast_preview_shows_the_formatting_and_fits(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    """The preview is what parents will see: bold stays bold, "5 & 7" stays "5 & 7"; a text of
    4,000 characters previews within Telegram's limit, the buttons under the last part."""
    world = await build_school(session)
    await bind(session, world, "class_teacher", 9211)
    pick = BroadcastCb(action="cls", id=world.cls.id).pack()

    async def compose(
        text: str, entities: list[dict[str, object]] | None = None, *, refused: bool = False
    ) -> list[str]:
        await dp.feed_update(bot, make_message_update(9211, "/broadcast"))
        await dp.feed_update(bot, make_callback_update(9211, pick, message_text="…"))
        bot.session.clear()
        await dp.feed_update(bot, make_message_update(9211, text, entities=entities))
        if refused:
            return bot.session.sent_texts(9211)
        nodate = BroadcastCb(action="nodate").pack()
        bot.session.clear()
        await dp.feed_update(bot, make_callback_update(9211, nodate, message_text="…"))
        return bot.session.sent_texts(9211)

    [preview] = await compose(
        "Экскурсия в музей & 5 & 7", [{"type": "bold", "offset": 0, "length": 9}]
    )
    shown = seen(preview)
    assert "Экскурсия в музей & 5 & 7" in shown.text.split("\n")
    assert "Экскурсия" in shown.formatted("bold")
    await dp.feed_update(
        bot, make_callback_update(9211, BroadcastCb(action="send").pack(), message_text="…")
    )
    news = await session.scalar(select(News))
    assert news is not None
    body = seen(news.body)
    assert (body.text, body.formatted("bold")) == ("Экскурсия в музей & 5 & 7", ["Экскурсия"])

    long = " ".join(["Слово"] * 667)[:4000]
    previews = await compose(long)
    assert previews and all(seen(p).length <= 4096 for p in previews)
    whole = "".join(seen(p).text for p in previews).replace("\n", "")
    assert whole.endswith(long[-100:] + "Без даты события.")
    sent = bot.session.requests_of(SendMessage)
    assert sent[-1].reply_markup is not None and all(r.reply_markup is None for r in sent[:-1])
    # one character more than a broadcast may hold is refused before the preview
    refused = await compose("я" * 4001, refused=True)
    assert len(refused) == 1 and "4000" in refused[0]


async def test_blocking_the_bot_marks_the_binding_unreachable(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    world = await build_school(session)
    await bind(session, world, "parent", 9301)
    user = User(id=9301, is_bot=False, first_name="P")
    me = User(id=42, is_bot=True, first_name="bot")
    update = Update(
        update_id=1,
        my_chat_member=ChatMemberUpdated(
            chat=Chat(id=9301, type="private"),
            from_user=user,
            date=dt.datetime.now(dt.UTC),
            old_chat_member=ChatMemberMember(user=me),
            new_chat_member=ChatMemberBanned(
                user=me, until_date=dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
            ),
        ),
    )
    await dp.feed_update(bot, update)
    binding = await session.scalar(select(MessengerBinding))
    assert binding is not None
    await session.refresh(binding)
    assert binding.is_reachable is False


async def test_a_person_in_two_messengers_chooses_where_alerts_go(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    world = await build_school(session)
    await bind(session, world, "parent", 9301)
    await dp.feed_update(bot, make_message_update(9301, "/settings"))
    assert "Куда присылать" not in bot.session.sent_texts(9301)[0]  # one messenger: no choice
    telegram = await session.scalar(
        select(MessengerBinding).where(MessengerBinding.external_user_id == "9301")
    )
    assert telegram is not None
    session.add(messenger_binding(telegram.school_id, telegram.account_id, 55, Messenger.MAX))
    await session.commit()
    # In MAX (the same dispatcher, fed by the MAX front end) the choice is offered and saved.
    await dp.feed_update(bot, make_message_update(55, "/settings"), messenger=Messenger.MAX)
    assert "Куда присылать: последний мессенджер" in bot.session.sent_texts(55)[-1]
    press = PrefCb(field="channel", value="max").pack()
    await dp.feed_update(
        bot, make_callback_update(55, press, message_text="…"), messenger=Messenger.MAX
    )
    prefs = await session.scalar(
        select(NotificationPrefs).where(NotificationPrefs.person_id == world.parent.id)
    )
    assert prefs is not None and prefs.channel == "max"
    # A forged value is refused and changes nothing.
    forged = PrefCb(field="channel", value="sms").pack()
    await dp.feed_update(bot, make_callback_update(9301, forged, message_text="…"))
    await session.refresh(prefs)
    assert prefs.channel == "max"


async def test_class_teacher_types_the_event_date_and_the_office_a_whole_day(
    clocked_dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    """After the text: "Дата события?" with [Без даты]; input that is no date, a past date or
    one after the school year is answered with the reason and the question again; "25.12 18:00"
    is previewed as parents will see it and kept as school time; the office's "25.12" is an
    all-day item."""
    dp = clocked_dp  # the factories' NOW: 18.11.2026 10:00 Moscow
    world = await build_school(session)
    await bind(session, world, "class_teacher", 9401)
    await compose_class_news(dp, bot, 9401, world.cls.id, "Родительское собрание", event="завтра")
    asked = bot.session.sent_texts(9401)
    assert "Дата события?" in asked[-2]
    assert asked[-1].startswith("Не понял дату.") and "Дата события?" in asked[-1]
    markup = bot.session.requests_of(SendMessage)[-1].reply_markup
    assert markup is not None and markup.model_dump()["inline_keyboard"][0][0]["text"] == (
        "Без даты"
    )
    await dp.feed_update(bot, make_message_update(9401, "01.11 10:00"))
    assert bot.session.sent_texts(9401)[-1].startswith("Дата события уже прошла.")
    await dp.feed_update(bot, make_message_update(9401, "10.06.2027"))
    assert "позже конца учебного года (31.05.2027)" in bot.session.sent_texts(9401)[-1]
    assert await session.scalar(select(func.count()).select_from(News)) == 0
    await dp.feed_update(bot, make_message_update(9401, "25.12 18:00"))
    preview = seen(bot.session.sent_texts(9401)[-1]).text
    assert "Родительское собрание" in preview and "Дата события: 📅 25 декабря, 18:00" in preview
    await dp.feed_update(
        bot, make_callback_update(9401, BroadcastCb(action="send").pack(), message_text="…")
    )
    news = await session.scalar(select(News))
    assert news is not None and news.class_id == world.cls.id
    assert news.event_at == dt.datetime(2026, 12, 25, 15, 0, tzinfo=dt.UTC)

    await bind(session, world, "admin", 9402)
    await dp.feed_update(bot, make_message_update(9402, "/broadcast"))
    school = BroadcastCb(action="school").pack()
    await dp.feed_update(bot, make_callback_update(9402, school, message_text="…"))
    await dp.feed_update(bot, make_message_update(9402, "День открытых дверей"))
    await dp.feed_update(bot, make_message_update(9402, "25.12"))
    preview = seen(bot.session.sent_texts(9402)[-1]).text
    assert "Дата события: 📅 25 декабря" in preview.split("\n")
    await dp.feed_update(
        bot, make_callback_update(9402, BroadcastCb(action="send").pack(), message_text="…")
    )
    news = await session.scalar(select(News).where(News.class_id.is_(None)))
    assert news is not None
    assert news.event_at == dt.datetime(2026, 12, 24, 21, 0, tzinfo=dt.UTC)  # local midnight
