"""What a broadcast's author reads: a header that tells the state (going out, or finished with
N of M delivered), never "queued" once everything went out."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.methods import EditMessageText
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.alerts import BroadcastCb
from services.enums import OutboxStatus
from services.models import News, OutboxMessage
from testkit.recording import RecordingBot, make_callback_update
from tests.factories import bind_chats, build_school
from tests.handlers.conftest import compose_class_news


async def test_the_broadcast_header_follows_the_delivery(
    dp: Dispatcher, bot: RecordingBot, session: AsyncSession
) -> None:
    world = await build_school(session)
    await bind_chats(session, world, {"class_teacher": 9301})
    await compose_class_news(dp, bot, 9301, world.cls.id, "Собрание в четверг")
    await dp.feed_update(
        bot, make_callback_update(9301, BroadcastCb(action="send").pack(), message_text="…")
    )
    news = await session.scalar(select(News))
    assert news is not None
    total = len(
        (
            await session.scalars(select(OutboxMessage.id).where(OutboxMessage.news_id == news.id))
        ).all()
    )
    first = str(bot.session.requests_of(EditMessageText)[-1].text)
    assert first.startswith(f"📤 Рассылка отправляется: доставлено 0 из {total}.")

    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.news_id == news.id)
        .values(status=OutboxStatus.SENT)
    )
    await session.commit()
    await dp.feed_update(
        bot,
        make_callback_update(
            9301, BroadcastCb(action="stats", id=news.id).pack(), message_text="…"
        ),
    )
    done = str(bot.session.requests_of(EditMessageText)[-1].text)
    assert done.startswith(f"✅ Рассылка завершена: доставлено {total} из {total}.")
    assert "очеред" not in done.splitlines()[0]
