"""Broadcasts: who may send to whom, the "Ознакомлен" button, delivered / read / failed."""

from __future__ import annotations

import pytest
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.worker import Worker
from services.enums import OutboxStatus
from services.errors import AccessDenied, ValidationFailed
from services.messages import broadcasts
from services.models import OutboxMessage
from testkit.botapi import BotAPIServer
from testkit.botapi.html import seen

from .conftest import FakeClock, World, bind


async def test_class_event_to_parents_with_ack(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    news = await broadcasts.create_broadcast(
        session,
        w.actors["class_teacher"],
        class_id=w.cls.id,
        text="Экскурсия в пятницу <в 9:00> & сбор у школы",
        now=clock(),
    )
    stats = await broadcasts.broadcast_stats(session, w.actors["class_teacher"], news.id)
    assert (stats.recipients, stats.pending, stats.delivered) == (2, 2, 0)
    await worker.run_once()
    for chat in (world.chats["parent"], world.chats["parent2"]):
        [msg] = server.sent_to(chat)
        assert "Класс 7А" in msg.content and "<в 9:00> & сбор" in msg.content
        assert msg.buttons[0]["callback_data"] == f"news:ack:{news.id}"
        assert msg.buttons[0]["text"] == "Ознакомлен"
    assert server.sent_to(world.chats["trusted"]) == []
    assert server.sent_to(world.chats["teacher"]) == []

    assert await broadcasts.acknowledge_news(session, w.actors["parent"], news.id)
    assert not await broadcasts.acknowledge_news(session, w.actors["parent"], news.id)
    with pytest.raises(AccessDenied):
        await broadcasts.acknowledge_news(session, w.actors["teacher"], news.id)
    stats = await broadcasts.broadcast_stats(session, w.actors["class_teacher"], news.id)
    assert (stats.delivered, stats.read, stats.failed, stats.pending) == (2, 1, 0, 0)
    # the leadership sees the counts too; a parent does not
    assert (await broadcasts.broadcast_stats(session, w.actors["director"], news.id)).read == 1
    with pytest.raises(AccessDenied):
        await broadcasts.broadcast_stats(session, w.actors["parent"], news.id)


def typed(text: str, entities: list[dict[str, object]] | None = None) -> str:
    """What the bot reads from a message typed in a Telegram client (aiogram's html_text)."""
    message = Message.model_validate(
        {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "text": text,
            "entities": entities or [],
        }
    )
    return message.html_text


async def test_formatted_broadcast_reaches_parents_as_the_sender_typed_it(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    """The sender's bold stays bold, "5 & 7" arrives as "5 & 7" and a name with markup
    characters shows as it is: nothing escaped twice, nothing injected."""
    w = world.w
    w.class_teacher.last_name = "<Кл.> & Ко"
    await session.commit()
    bold = typed("Экскурсия в музей", [{"type": "bold", "offset": 0, "length": 9}])
    for text in (bold, typed("5 & 7"), typed("<b>не жирный</b> &amp;")):
        await broadcasts.create_broadcast(
            session, w.actors["class_teacher"], class_id=w.cls.id, text=text, now=clock()
        )
    await worker.run_once()
    for chat in (world.chats["parent"], world.chats["parent2"]):
        sent = server.sent_to(chat)
        assert len(sent) == 3
        # each message as its recipient sees it, by its body line
        by_body = {s.text.split("\n")[1]: s for s in (seen(m.raw_text or "") for m in sent)}
        assert set(by_body) == {"Экскурсия в музей", "5 & 7", "<b>не жирный</b> &amp;"}
        assert by_body["Экскурсия в музей"].formatted("bold") == ["Класс 7А", "Экскурсия"]
        assert by_body["<b>не жирный</b> &amp;"].formatted("bold") == ["Класс 7А"]
        assert all(s.text.endswith("<Кл.> & Ко") for s in by_body.values())
        # what the server parsed is what the bot meant
        assert sorted(m.content for m in sent) == sorted(s.text for s in by_body.values())


async def test_who_may_broadcast(session: AsyncSession, world: World) -> None:
    w = world.w
    for who, class_id in (
        ("teacher", w.cls.id),  # not their class
        ("class_teacher", w.other_cls.id),
        ("class_teacher", None),  # school news is for the leadership
        ("parent", w.cls.id),
        ("parent", None),
        ("student", None),
    ):
        with pytest.raises(AccessDenied):
            await broadcasts.create_broadcast(session, w.actors[who], class_id=class_id, text="x")
    with pytest.raises(ValidationFailed):
        await broadcasts.create_broadcast(session, w.actors["admin"], class_id=None, text="  ")
    with pytest.raises(ValidationFailed):
        await broadcasts.create_broadcast(
            session, w.actors["admin"], class_id=None, text="x" * 4001
        )
    with pytest.raises(ValidationFailed):
        await broadcasts.create_broadcast(
            session,
            w.actors["admin"],
            class_id=None,
            text="x",
            attachment=broadcasts.BroadcastAttachment("video", "f"),
        )


async def test_school_news_to_families_and_staff_counts_failures(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    await bind(session, server, w.director)
    server.user(world.chats["parent2"]).block_bot(notify=False)
    news = await broadcasts.create_broadcast(
        session,
        w.actors["deputy"],
        class_id=None,
        text="Родительское собрание 25 ноября",
        title="Собрание",
        attachment=broadcasts.BroadcastAttachment("document", "https://example.org/plan.pdf"),
        now=clock(),
    )
    await worker.run_once()
    stats = await broadcasts.broadcast_stats(session, w.actors["deputy"], news.id)
    # parents of every current student (parent, parent2), the six students, all staff but
    # the author
    assert stats.recipients == 2 + 6 + 7 - 1
    assert stats.failed == 1  # parent2 blocked the bot
    assert stats.delivered == 5  # parent, admin, director, teacher, class teacher
    # colleague, first teacher and the students have no binding
    assert stats.not_connected == 2 + 6
    [msg] = server.sent_to(world.chats["admin"])
    assert msg.document is not None and "Собрание" in msg.content


async def test_a_parent_with_two_messengers_counts_once_by_the_best_outcome(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock
) -> None:
    w = world.w
    news = await broadcasts.create_broadcast(
        session, w.actors["class_teacher"], class_id=w.cls.id, text="Собрание", now=clock()
    )
    await worker.run_once()
    # The parent also chose MAX: the copy of the broadcast for MAX failed (the bot stopped).
    session.add(
        OutboxMessage(
            school_id=w.school.id,
            recipient_person_id=w.parent.id,
            kind="news.broadcast",
            dedup_key=f"news-copy:{news.id}@max",
            payload={},
            status=OutboxStatus.DEAD,
            news_id=news.id,
            messenger="max",
        )
    )
    await session.commit()
    stats = await broadcasts.broadcast_stats(session, w.actors["class_teacher"], news.id)
    assert (stats.recipients, stats.delivered, stats.failed) == (2, 2, 0)
