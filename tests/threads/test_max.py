"""Family messages in MAX: the same handlers through the MAX bridge on the local MAX server. A
parent's photo sent in MAX is kept with MAX's own file id; the teacher in MAX opens it from the
thread (the bridge sends MAX's file); a teacher in Telegram is told the file is in MAX, never
handed an id that means nothing there."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.methods import SendMessage, SendPhoto
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.common.transport import TelegramTransport
from i18n import translator
from screens.common.threads import ThreadCb, ThreadNewCb, thread_screen
from screens.screen import Attachment, Screen
from services.enums import Messenger
from services.family_messages import reads
from services.models import FamilyMessage, OutboxMessage
from services.models import FamilyThread as FamilyThreadModel
from testkit.recording import RecordingBot
from tests.factories import NOW, build_school, messenger_binding
from tests.maxbot.test_bridge_dispatcher import MaxChat, max_chat  # noqa: F401  (fixture)

PARENT, TEACHER = 6101, 6102


async def test_a_photo_from_max_reaches_the_teacher_in_max(
    dp: Dispatcher,
    max_chat: MaxChat,  # noqa: F811
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    dp["clock"] = lambda: NOW
    async with session_factory() as s:
        w = await build_school(s)
        for user, who in ((PARENT, "parent"), (TEACHER, "teacher")):
            s.add(messenger_binding(w.school.id, w.actors[who].account_id, user, Messenger.MAX))
        await s.commit()
    parent = max_chat.server.user(PARENT, "Елена", language_code="ru")
    teacher = max_chat.server.user(TEACHER, "Иван", language_code="ru")

    await parent.command("messages")
    await max_chat.deliver()
    listing = parent.messages()[-1]
    await parent.press(listing, ThreadNewCb(s=w.students[0].id).pack())
    await max_chat.deliver()
    await parent.press(
        parent.messages()[-1], ThreadNewCb(s=w.students[0].id, t=w.teacher.id).pack()
    )
    await max_chat.deliver()
    assert "Кому: Учителев Иван." in (parent.messages()[-1].raw_text or "")
    await parent.upload_photo(b"\xff\xd8photo", caption="Дневник за неделю")
    await max_chat.deliver()
    assert parent.messages()[-1].raw_text == "✅ Сообщение отправлено."

    async with session_factory() as s:
        message = await s.scalar(select(FamilyMessage))
        alert = await s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "thread.message"))
    assert message is not None and alert is not None
    assert message.messenger == "max" and (message.attachment_ref or "").startswith("max:")
    assert message.text == "Дневник за неделю" and message.attachment_kind == "photo"
    assert alert.payload["attachment_messenger"] == "max"

    # The teacher in MAX opens the thread and the photo: MAX's own file goes to MAX.
    await teacher.command("messages")
    await max_chat.deliver()
    await teacher.press(teacher.messages()[-1], ThreadCb(op="open", id=message.thread_id).pack())
    await max_chat.deliver()
    view = teacher.messages()[-1]
    assert "Дневник за неделю" in (view.raw_text or "")
    await teacher.press(view, ThreadCb(op="file", id=message.id).pack())
    await max_chat.deliver()
    photo = teacher.messages()[-1]
    assert [a["type"] for a in photo.attachments] == ["image"]

    # Seen from Telegram, the same thread says where the file is and offers no button.
    async with session_factory() as s:
        page = await reads.thread_page(
            s,
            w.actors["teacher"],
            await s.get_one(FamilyThreadModel, message.thread_id),
            "teacher",
            now=NOW,
        )
    screen = thread_screen(translator("ru"), page, messenger="telegram")
    assert "отправлено в MAX, здесь его не открыть" in screen.texts[0]
    assert not any("Открыть" in b.text and "📎" in b.text for row in screen.rows for b in row)


async def test_telegram_alert_with_a_max_file_goes_as_its_text() -> None:
    """An alert carrying MAX's file id sent to Telegram: the text alone (it says where the
    file is), not a request Telegram would refuse and the alert lost."""
    bot = RecordingBot()
    transport = TelegramTransport(bot)
    screen = Screen(
        ("✉️ Сообщение\n📎 Фото (отправлено в MAX)",),
        attachments=(Attachment("photo", ref="max:tok"),),
        replace=False,
    )
    await transport.send("5001", screen)
    await transport.send("5001", Screen(("x",), attachments=(Attachment("photo", ref="AgAC"),)))
    [text] = bot.session.requests_of(SendMessage)
    assert text.text.startswith("✉️ Сообщение")
    [photo] = bot.session.requests_of(SendPhoto)
    assert photo.photo == "AgAC"
    await bot.session.close()
