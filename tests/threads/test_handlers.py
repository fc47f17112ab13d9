"""/messages through the real Dispatcher with a recording bot: a parent's stray text offered to
the child's teachers, writing with a file, the teacher's list, reply and close, the held
message's answer, and forged or foreign ids refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendDocument, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from screens.common.threads import ThreadCb, ThreadNewCb
from services.models import FamilyMessage, FamilyThread, OutboxMessage
from testkit.recording import (
    RecordingBot,
    make_callback_update,
    make_document_update,
    make_message_update,
)
from tests.factories import NOW, at
from tests.family.conftest import CLASS_TEACHER, PARENT, PARENT2, TEACHER, Family


def shown(bot: RecordingBot, user: int) -> list[str]:
    """What the user saw: new messages and edited ones, in order."""
    return [
        str(r.text)
        for r in bot.session.requests
        if isinstance(r, SendMessage | EditMessageText) and str(r.chat_id) == str(user)
    ]


def buttons(bot: RecordingBot, user: int) -> list[tuple[str, str]]:
    sent = [
        r
        for r in bot.session.requests
        if isinstance(r, SendMessage | EditMessageText) and str(r.chat_id) == str(user)
    ]
    markup = sent[-1].reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


def button(bot: RecordingBot, user: int, contains: str) -> str:
    for text, data in buttons(bot, user):
        if contains in text:
            return data
    raise AssertionError(f"no {contains!r} in {buttons(bot, user)}")


def refusals(bot: RecordingBot) -> list[str]:
    return [str(r.text) for r in bot.session.requests_of(AnswerCallbackQuery) if r.show_alert]


async def say(dp: Dispatcher, bot: RecordingBot, user: int, text: str) -> None:
    await dp.feed_update(bot, make_message_update(user, text))


async def press(dp: Dispatcher, bot: RecordingBot, user: int, data: str) -> None:
    await dp.feed_update(bot, make_callback_update(user, data))


async def alerts_to(
    factory: async_sessionmaker[AsyncSession], person_id: int
) -> list[dict[str, Any]]:
    async with factory() as s:
        rows = await s.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.kind == "thread.message",
                OutboxMessage.recipient_person_id == person_id,
            )
            .order_by(OutboxMessage.id)
        )
        return [{**r.payload, "not_before": r.not_before} for r in rows]


async def test_a_parents_stray_text_is_offered_to_the_childs_teachers(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    dp["clock"] = lambda: NOW
    w = family_world.world
    await say(dp, bot, PARENT, "Петя завтра уйдёт с 5-го урока к врачу")
    (offer,) = shown(bot, PARENT)
    assert "Не понял" not in offer
    assert "Кому написать о ребёнке <b>Пётр Иванов</b> (7А)?" in offer
    assert "«Петя завтра уйдёт с 5-го урока к врачу»" in offer
    labels = [text for text, _ in buttons(bot, PARENT)]
    assert labels[0] == "Классная Мария — классный руководитель"
    assert "Учителев Иван — Математика" in labels and "Коллегина Ольга — Русский язык" in labels
    bot.session.clear()
    bot.session.clear()
    await press(dp, bot, PARENT, ThreadNewCb(s=w.students[0].id, t=w.class_teacher.id, d=1).pack())
    assert shown(bot, PARENT)[-1] == "✅ Сообщение отправлено."
    [alert] = await alerts_to(family_world.session_factory, w.class_teacher.id)
    assert alert["text"] == "Петя завтра уйдёт с 5-го урока к врачу"
    assert alert["author"] == "Иванова Елена" and "phone" not in alert


async def test_others_still_get_the_hint(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    for user in (TEACHER, 999_001):  # a teacher; a stranger who never signed in
        bot.session.clear()
        await say(dp, bot, user, "привет")
        assert shown(bot, user) == ["Не понял сообщение. Список команд — /help."]


async def test_parent_writes_with_a_file_and_the_teacher_replies(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    dp["clock"] = lambda: NOW
    w, factory = family_world.world, family_world.session_factory
    await say(dp, bot, PARENT, "/messages")
    assert "Переписок пока нет" in shown(bot, PARENT)[-1]
    await press(dp, bot, PARENT, button(bot, PARENT, "Написать учителю: Пётр Иванов"))
    await press(dp, bot, PARENT, button(bot, PARENT, "Учителев Иван"))
    assert "Кому: Учителев Иван." in shown(bot, PARENT)[-1]
    assert "не ваш телефон" in shown(bot, PARENT)[-1]
    await dp.feed_update(
        bot,
        make_document_update(PARENT, "doc-1", "справка.pdf", caption="Справка о болезни"),
    )
    assert shown(bot, PARENT)[-1] == "✅ Сообщение отправлено."
    [alert] = await alerts_to(factory, w.teacher.id)
    assert alert["attachment_ref"] == "doc-1" and alert["attachment_name"] == "справка.pdf"
    assert alert["attachment_messenger"] == "telegram"

    bot.session.clear()
    await say(dp, bot, TEACHER, "/messages")
    assert "Пётр Иванов (7А) · 🔴 1" in [t for t, _ in buttons(bot, TEACHER)]
    await press(dp, bot, TEACHER, button(bot, TEACHER, "Пётр Иванов"))
    view = shown(bot, TEACHER)[-1]
    assert "<b>Иванова Елена</b> · 18.11 10:00" in view
    assert "Справка о болезни\n📎 Файл справка.pdf" in view
    await press(dp, bot, TEACHER, button(bot, TEACHER, "Открыть справка.pdf"))
    (doc,) = bot.session.requests_of(SendDocument)
    assert doc.document == "doc-1"
    await press(dp, bot, TEACHER, button(bot, TEACHER, "Ответить"))
    assert "Кому: семья ученика Пётр Иванов." in shown(bot, TEACHER)[-1]
    await say(dp, bot, TEACHER, "Спасибо, принято")
    assert shown(bot, TEACHER)[-1] == "✅ Сообщение отправлено."
    [reply] = await alerts_to(factory, w.parent.id)
    assert reply["text"] == "Спасибо, принято" and reply["author"] == "Учителев Иван"

    # The parent opens the thread: the reply is there; the teacher's mark becomes ✓✓.
    bot.session.clear()
    await press(dp, bot, PARENT, ThreadCb(op="open", id=reply["thread_id"]).pack())
    assert "Спасибо, принято" in shown(bot, PARENT)[-1]
    bot.session.clear()
    await press(dp, bot, TEACHER, ThreadCb(op="open", id=reply["thread_id"]).pack())
    assert "<b>Учителев Иван</b> · 18.11 10:00 ✓✓\nСпасибо, принято" in shown(bot, TEACHER)[-1]


async def test_after_hours_the_parent_is_told_when_the_teacher_gets_it(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    evening = at(NOW.date(), 21, 30)
    dp["clock"] = lambda: evening
    w = family_world.world
    await press(dp, bot, PARENT, ThreadNewCb(s=w.students[0].id, t=w.colleague.id).pack())
    await say(dp, bot, PARENT, "Вопрос про диктант")
    assert shown(bot, PARENT)[-1] == (
        "✅ Сообщение принято. Сейчас нерабочее время: учитель получит сообщение завтра в 8:00."
    )
    [alert] = await alerts_to(family_world.session_factory, w.colleague.id)
    assert alert["not_before"] == at(NOW.date() + dt.timedelta(days=1), 8)


async def test_teacher_closes_and_the_family_cannot_write(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    dp["clock"] = lambda: NOW
    w = family_world.world
    await press(dp, bot, PARENT, ThreadNewCb(s=w.students[0].id, t=w.class_teacher.id).pack())
    await say(dp, bot, PARENT, "Вопрос")
    async with family_world.session_factory() as s:
        thread_id = await s.scalar(select(FamilyThread.id))
    assert thread_id is not None
    await press(dp, bot, CLASS_TEACHER, ThreadCb(op="open", id=thread_id).pack())
    await press(dp, bot, CLASS_TEACHER, button(bot, CLASS_TEACHER, "Закрыть переписку"))
    assert "🔒 Учитель закрыл переписку" in shown(bot, CLASS_TEACHER)[-1]
    assert "🔓 Открыть переписку" in [t for t, _ in buttons(bot, CLASS_TEACHER)]
    bot.session.clear()
    await press(dp, bot, PARENT, ThreadCb(op="reply", id=thread_id).pack())
    assert refusals(bot) == [
        "Учитель закрыл эту переписку: написать в ней нельзя, пока он её не откроет."
    ]


async def test_forged_and_foreign_ids_are_refused(
    dp: Dispatcher, bot: RecordingBot, family_world: Family
) -> None:
    dp["clock"] = lambda: NOW
    w = family_world.world
    await press(dp, bot, PARENT, ThreadNewCb(s=w.students[0].id, t=w.teacher.id).pack())
    await say(dp, bot, PARENT, "Личное")
    async with family_world.session_factory() as s:
        thread_id = await s.scalar(select(FamilyThread.id))
    assert thread_id is not None
    forbidden = "Недостаточно прав для этого действия."
    for user, data in [
        (PARENT2, ThreadCb(op="open", id=thread_id).pack()),  # another family
        (CLASS_TEACHER, ThreadCb(op="open", id=thread_id).pack()),  # another teacher
        (PARENT2, ThreadNewCb(s=w.students[0].id).pack()),  # another family's child
        (PARENT, ThreadNewCb(s=w.students[0].id, t=w.first_teacher.id).pack()),  # not his
        (PARENT, ThreadCb(op="open", id=2**31).pack()),  # beyond any id
        (PARENT, "msg:open:abc:0"),  # mutated
    ]:
        bot.session.clear()
        await press(dp, bot, user, data)
        assert refusals(bot) == [forbidden], data
        assert "Личное" not in " ".join(shown(bot, user))
    async with family_world.session_factory() as s:
        texts = list(await s.scalars(select(FamilyMessage.text)))
    assert texts == ["Личное"]
