"""/news through the Dispatcher: the list, one item with its file, "Ознакомлен", forged ids."""

from __future__ import annotations

import datetime as dt

from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, SendPhoto
from sqlalchemy import select

from bot.i18n import t
from screens.family.news import NewsAckCb, NewsListCb, NewsOpenCb
from services.enums import NewsKind
from services.models import News, NewsReceipt
from testkit.recording import RecordingBot
from tests.factories import TODAY, at
from tests.family.conftest import PARENT, PARENT2, TEACHER, Family, family_world  # noqa: F401
from tests.family.test_handlers import buttons, edits, last_markup, press, say
from tests.handlers.conftest import dp  # noqa: F401


async def seed(family: Family) -> dict[str, int]:
    w = family.world
    async with family.session_factory() as s:
        rows = {
            "concert": News(
                school_id=w.school.id,
                kind=NewsKind.SCHOOL_NEWS,
                author_id=w.director.id,
                title="Концерт",
                body="<b>Концерт</b> в пятницу & афиша",
                attachment_kind="photo",
                attachment_ref="AgAC-poster",
                event_at=at(TODAY + dt.timedelta(days=2), 17),
                created_at=at(TODAY - dt.timedelta(days=2)),
            ),
            "trip": News(
                school_id=w.school.id,
                kind=NewsKind.CLASS_EVENT,
                class_id=w.cls.id,
                author_id=w.class_teacher.id,
                body="Экскурсия в музей",
                created_at=at(TODAY - dt.timedelta(days=1)),
            ),
            "other": News(
                school_id=w.school.id,
                kind=NewsKind.CLASS_EVENT,
                class_id=w.other_cls.id,
                author_id=w.director.id,
                body="Собрание 8Б",
                created_at=at(TODAY - dt.timedelta(days=1), 12),
            ),
        }
        s.add_all(rows.values())
        await s.commit()
        return {k: v.id for k, v in rows.items()}


async def test_a_parent_lists_opens_and_acknowledges(
    dp: Dispatcher,  # noqa: F811
    bot: RecordingBot,
    family_world: Family,  # noqa: F811
) -> None:
    ids = await seed(family_world)
    await say(dp, bot, PARENT, "/news")
    (text,) = bot.session.sent_texts(PARENT)
    assert text.startswith("📰 <b>Новости и события</b>")
    assert "🆕 1. 17 ноября · Класс 7А (Пётр): Экскурсия в музей" in text
    assert "🆕 2. 16 ноября · Школа: <b>Концерт</b> — Концерт в пятницу &amp; афиша 📎" in text
    assert "Собрание 8Б" not in text
    data = buttons(last_markup(bot))
    assert data == [NewsOpenCb(i=ids["trip"]).pack(), NewsOpenCb(i=ids["concert"]).pack()]

    bot.session.clear()
    await press(dp, bot, PARENT, NewsOpenCb(i=ids["concert"]).pack())
    (shown,) = edits(bot)
    assert shown.startswith("📢 <b>Новость школы</b> · 16 ноября\n<b>Концерт</b>\n")
    assert "<b>Концерт</b> в пятницу &amp; афиша" in shown
    assert "— Дмитрий Директоров" in shown and "🗓 Когда: 20 ноября, 17:00" in shown
    (photo,) = bot.session.requests_of(SendPhoto)
    assert photo.photo == "AgAC-poster"
    assert buttons(last_markup(bot)) == [
        NewsAckCb(i=ids["concert"]).pack(),
        NewsListCb(a=0).pack(),
    ]

    bot.session.clear()
    await press(dp, bot, PARENT, NewsAckCb(i=ids["concert"]).pack())
    (answered,) = bot.session.requests_of(AnswerCallbackQuery)
    assert answered.text == "Отмечено: ознакомлен."
    (again,) = edits(bot)
    assert again.endswith("✅ Вы отметили «Ознакомлен».")
    assert bot.session.requests_of(SendPhoto) == []  # the file is not sent twice
    assert buttons(last_markup(bot)) == [NewsListCb(a=0).pack()]
    async with family_world.session_factory() as s:
        receipts = (await s.scalars(select(NewsReceipt.news_id))).all()
    assert receipts == [ids["concert"]]

    bot.session.clear()
    await press(dp, bot, PARENT, NewsListCb(a=0).pack())
    (listed,) = edits(bot)
    assert "🆕 2." not in listed and "2. 16 ноября · Школа" in listed


async def test_forged_ids_are_refused_and_staff_read_the_school_news(
    dp: Dispatcher,  # noqa: F811
    bot: RecordingBot,
    family_world: Family,  # noqa: F811
) -> None:
    ids = await seed(family_world)
    for data in (NewsOpenCb(i=ids["other"]).pack(), NewsAckCb(i=ids["other"]).pack()):
        bot.session.clear()
        await press(dp, bot, PARENT, data)
        assert edits(bot) == []
        answers = [r.text for r in bot.session.requests_of(AnswerCallbackQuery)]
        assert answers == [t("ru", "error.forbidden")]
    bot.session.clear()
    await say(dp, bot, TEACHER, "/news")
    (text,) = bot.session.sent_texts(TEACHER)
    assert "Концерт" in text and "Экскурсия" not in text and "Собрание" not in text
    # a parent of children in two classes sees both classes' events, each with its child
    bot.session.clear()
    await say(dp, bot, PARENT2, "/news")
    (text2,) = bot.session.sent_texts(PARENT2)
    assert "Класс 8Б (Кирилл): Собрание 8Б" in text2
    assert "Класс 7А (Анна): Экскурсия в музей" in text2
