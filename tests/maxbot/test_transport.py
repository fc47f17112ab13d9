"""The MAX alert transport and its client against the local MAX Bot API server: what the parent
sees, and each failure as the worker's neutral error."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from maxbot.client import MaxClient
from maxbot.transport import NOT_READY_PAUSES, MaxTransport
from notifications.transport import Blocked, PermanentError, RetryAfter, TransientError
from screens.common.alerts import AbsenceReasonAction as AbsenceCb
from screens.screen import Attachment, Button, Screen
from testkit.maxapi import MaxAPIServer
from testkit.maxapi.limits import Limits

TOKEN = "max-test-token"


@pytest.fixture
async def server() -> AsyncIterator[MaxAPIServer]:
    async with MaxAPIServer(token=TOKEN, limits=Limits(rate_limits=False)) as s:
        yield s


@pytest.fixture
async def client(server: MaxAPIServer) -> AsyncIterator[MaxClient]:
    c = MaxClient(TOKEN, server.base_url, timeout=2.0)
    yield c
    await c.close()


def alert(text: str = "<b>Пётр</b> отсутствует на уроке: математика") -> Screen:
    return Screen(
        (text,),
        ((Button("Болеет", AbsenceCb(id=7, reason="ill")),),),
        replace=False,
    )


async def test_an_alert_arrives_as_the_parent_sees_it(
    server: MaxAPIServer, client: MaxClient
) -> None:
    parent = server.user(501, first_name="Елена", language_code="ru")
    parent.open_chat()
    sent: list[float] = []

    async def sleep(seconds: float) -> None:
        sent.append(seconds)

    mid = await MaxTransport(client, sleep=sleep).send("501", alert())
    (message,) = server.sent_to(501)
    assert message.message_id == mid and mid.startswith("mid.")
    assert message.content == "Пётр отсутствует на уроке: математика"  # the tags parsed
    assert [(b["text"], b["payload"]) for b in message.buttons] == [
        ("Болеет", AbsenceCb(id=7, reason="ill").pack())
    ]
    assert message.notify is not False and sent == []
    silent = await MaxTransport(client).send("501", alert("тихо"), silent=True)
    assert server.message(silent).notify is False  # type: ignore[union-attr]


async def test_user_text_left_unescaped_is_refused_not_sent_broken(
    server: MaxAPIServer, client: MaxClient
) -> None:
    server.user(502).open_chat()
    with pytest.raises(PermanentError):
        await MaxTransport(client).send("502", Screen(("Петров <Иван> & сын",)))
    assert server.sent_to(502) == []


async def test_a_stopped_bot_is_blocked_and_a_busy_api_asks_to_wait(
    server: MaxAPIServer, client: MaxClient
) -> None:
    user = server.user(503)
    user.open_chat()
    transport = MaxTransport(client)
    server.faults.inject("sendMessage", kind="429")
    with pytest.raises(RetryAfter):
        await transport.send("503", alert())
    server.faults.inject("sendMessage", kind="5xx")
    with pytest.raises(TransientError):
        await transport.send("503", alert())
    user.block_bot()
    with pytest.raises(Blocked):
        await transport.send("503", alert())
    user.unblock_bot()
    assert await transport.send("503", alert())
    assert len(server.sent_to(503)) == 1


async def test_a_file_is_uploaded_and_sent_again_while_max_processes_it(
    server: MaxAPIServer, client: MaxClient
) -> None:
    server.user(504).open_chat()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    screen = Screen(
        ("Расписание на неделю",),
        attachments=(Attachment("document", data=b"%PDF-1.4 ...", filename="week.pdf"),),
    )
    server.attachment_not_ready = 2
    await MaxTransport(client, sleep=sleep).send("504", screen)
    (message,) = server.sent_to(504)
    assert message.document is not None and message.document["file_name"] == "week.pdf"
    assert server.file_data(message.document["token"]) == b"%PDF-1.4 ..."
    assert waits == list(NOT_READY_PAUSES[:2])
    # Still not ready after every pause: left to the worker's retry, not a dead letter.
    server.attachment_not_ready = len(NOT_READY_PAUSES) + 1
    with pytest.raises(TransientError):
        await MaxTransport(client, sleep=sleep).send("504", screen)


async def test_a_telegram_user_id_is_not_a_max_chat(
    server: MaxAPIServer, client: MaxClient
) -> None:
    with pytest.raises(PermanentError):
        await MaxTransport(client).send("@someone", alert())
    with pytest.raises(PermanentError):  # never wrote to the bot: no dialog
        await MaxTransport(client).send("999", alert())
