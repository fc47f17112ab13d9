"""The local MAX Bot API server: long polling, webhooks, callbacks, uploads, users."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from testkit.maxapi import MaxAPIServer

from .test_maxapi_messages import TOKEN, BotClient, FakeClock, callback, keyboard, relaxed


@pytest.fixture
async def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(clock: FakeClock) -> AsyncIterator[MaxAPIServer]:
    async with MaxAPIServer(
        token=TOKEN,
        limits=relaxed(),
        clock=clock,
        monotonic=clock,
        webhook_retry_initial=0.01,
        webhook_retry_max=0.05,
    ) as srv:
        yield srv


@pytest.fixture
async def api(server: MaxAPIServer) -> AsyncIterator[BotClient]:
    async with aiohttp.ClientSession() as session:
        yield BotClient(server, session, TOKEN)


async def poll(api: BotClient, **params: Any) -> tuple[list[dict[str, Any]], int]:
    params.setdefault("timeout", 0)
    body = await api.ok("GET", "/updates", params)
    return body["updates"], body["marker"]


# ---------------------------------------------------------------------- long polling


async def test_markers_commit(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001, first_name="Анна", language_code="ru")
    for i in range(5):
        await user.send(f"m{i}")
    first, marker = await poll(api, limit=2)
    assert [u["message"]["body"]["text"] for u in first] == ["m0", "m1"]
    assert first[0]["update_type"] == "message_created"
    assert first[0]["user_locale"] == "ru"
    assert first[0]["message"]["sender"]["first_name"] == "Анна"
    assert first[0]["message"]["recipient"]["chat_id"] == user.chat_id
    again, _ = await poll(api, limit=2)
    assert again == first, "without a marker nothing is committed"
    rest, marker2 = await poll(api, marker=marker)
    assert [u["message"]["body"]["text"] for u in rest] == ["m2", "m3", "m4"]
    assert len(server.pending_updates()) == 3
    empty, marker3 = await poll(api, marker=marker2)
    assert empty == [] and marker3 == marker2
    assert server.pending_updates() == []
    assert (await poll(api))[0] == [], "committed updates never come back"


async def test_types_filter_and_bad_params(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001)
    await user.start("invite-42")
    await user.send("hello")
    updates, _ = await poll(api, types="bot_started")
    assert [u["update_type"] for u in updates] == ["bot_started"]
    assert updates[0]["payload"] == "invite-42" and updates[0]["chat_id"] == user.chat_id
    assert (await api.call("GET", "/updates", {"timeout": 91}))[0] == 400
    assert (await api.call("GET", "/updates", {"limit": 1001}))[0] == 400
    assert (await api.call("GET", "/updates", {"limit": 0}))[0] == 400


async def test_long_poll_wakes_on_user_action(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001)
    request = asyncio.create_task(api.call("GET", "/updates", {"timeout": 90}))
    while server.waiting_polls == 0:  # the poll is parked on the server
        assert not request.done()
        await asyncio.sleep(0.01)
    await user.send("wake up")
    # woken by the message: a poll left to its 90 s would trip this guard
    status, body = await asyncio.wait_for(request, 60)
    assert status == 200
    assert [u["message"]["body"]["text"] for u in body["updates"]] == ["wake up"]


async def test_deep_link_payload_over_128_is_dropped(server: MaxAPIServer) -> None:
    user = server.user(1001)
    update = await user.start("x" * 129)
    assert "payload" not in update
    update = await user.start("y" * 128)
    assert update["payload"] == "y" * 128


# ---------------------------------------------------------------------- webhooks


class Receiver:
    """A webhook endpoint failing the first ``failures`` deliveries, and every delivery of
    a message whose text is in ``refuse``, with 500."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.refuse: set[str] = set()
        self.calls: list[tuple[dict[str, Any], str | None, int]] = []
        self.refused: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.delivered: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        secret = request.headers.get("X-Max-Bot-Api-Secret")
        text = update.get("message", {}).get("body", {}).get("text")
        if self.failures > 0 or text in self.refuse:
            self.failures -= 1
            self.calls.append((update, secret, 500))
            await self.refused.put(update)
            return web.Response(status=500)
        self.calls.append((update, secret, 200))
        await self.delivered.put(update)
        return web.json_response({"ok": True})


@pytest.fixture
async def receiver_url() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield receiver, f"http://127.0.0.1:{port}/hook"
    await runner.cleanup()


async def test_webhook_push_with_secret_and_retry(
    server: MaxAPIServer, api: BotClient, receiver_url: tuple[Receiver, str]
) -> None:
    receiver, url = receiver_url
    receiver.failures = 2
    sub = {"url": url, "secret": "s3cret_value", "update_types": ["message_created"]}
    assert await api.ok("POST", "/subscriptions", json=sub) == {"success": True}
    listed = await api.ok("GET", "/subscriptions")
    assert listed["subscriptions"][0]["url"] == url
    assert listed["subscriptions"][0]["update_types"] == ["message_created"]
    user = server.user(1001)
    await user.start()  # not subscribed to: skipped
    await user.send("через вебхук")
    update = await asyncio.wait_for(receiver.delivered.get(), 30)
    assert update["message"]["body"]["text"] == "через вебхук"
    assert [status for _, _, status in receiver.calls] == [500, 500, 200]
    assert {secret for _, secret, _ in receiver.calls} == {"s3cret_value"}
    assert server.stats.webhook_failures == 2 and server.stats.webhook_deliveries == 1
    # long polling is refused while the subscription exists
    status, body = await api.call("GET", "/updates", {"timeout": 0})
    assert status == 405 and body["code"] == "method.not.allowed"
    assert await api.ok("DELETE", "/subscriptions", {"url": url}) == {"success": True}
    assert (await api.ok("GET", "/subscriptions"))["subscriptions"] == []
    assert (await poll(api))[0] == [], "delivered updates are committed"


async def test_webhook_gives_up_after_max_age(
    server: MaxAPIServer, api: BotClient, receiver_url: tuple[Receiver, str], clock: FakeClock
) -> None:
    receiver, url = receiver_url
    receiver.refuse = {"lost"}
    server.webhook_max_age = 100.0
    await api.ok("POST", "/subscriptions", json={"url": url})
    user = server.user(1001)
    await user.send("lost")
    for _ in range(2):
        await asyncio.wait_for(receiver.refused.get(), 30)
    clock.now += 101  # the update is now older than the max age: the next failure is final
    await user.send("next")
    update = await asyncio.wait_for(receiver.delivered.get(), 30)
    assert update["message"]["body"]["text"] == "next"
    texts = [u["message"]["body"]["text"] for u, _, _ in receiver.calls]
    assert texts[-1] == "next" and set(texts[:-1]) == {"lost"} and len(texts) >= 3
    assert server.stats.webhook_given_up == 1


async def test_subscription_validation(api: BotClient) -> None:
    async def refused(body: dict[str, Any]) -> bool:
        status, answer = await api.call("POST", "/subscriptions", json=body)
        return status == 400 and answer["code"] == "proto.payload"

    assert await refused({"url": "ftp://x"})
    assert await refused({"url": "https://x.org/h", "secret": "abcd"})  # < 5
    assert await refused({"url": "https://x.org/h", "secret": "a" * 257})
    assert await refused({"url": "https://x.org/h", "secret": "bad secret!"})
    assert (await api.call("DELETE", "/subscriptions"))[0] == 400


# ---------------------------------------------------------------------- callbacks


async def test_press_and_answer_once(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001)
    await user.send("hi")
    kb = keyboard([callback("Да", "yes"), callback("Нет", "no")])
    await api.send(1001, {"text": "Вопрос?", "attachments": [kb]})
    sent = await user.wait_reply()
    callback_id = await user.press(sent, text="Нет")
    updates, _ = await poll(api, types="message_callback")
    assert len(updates) == 1
    pressed = updates[0]
    assert pressed["callback"]["payload"] == "no"
    assert pressed["callback"]["callback_id"] == callback_id
    assert pressed["callback"]["user"]["user_id"] == 1001
    assert pressed["message"]["body"]["mid"] == sent.mid
    answer = {"message": {"text": "Ответ: нет"}, "notification": "Принято"}
    assert await api.ok("POST", "/answers", {"callback_id": callback_id}, answer) == {
        "success": True
    }
    assert sent.content == "Ответ: нет" and sent.edits
    assert sent.buttons, "attachments: null keeps the keyboard"
    recorded = server.callback_answers(callback_id)
    assert recorded[0]["notification"] == "Принято" and recorded[0]["payload"] == "no"
    status, body = await api.call("POST", "/answers", {"callback_id": callback_id}, answer)
    assert status == 400 and body["code"] == "callback.answered"
    status, _ = await api.call("POST", "/answers", {"callback_id": "cb.unknown"}, answer)
    assert status == 404
    second = await user.press(sent, "yes")
    status, _ = await api.call("POST", "/answers", {"callback_id": second}, {})
    assert status == 400, "an answer needs a message or a notification"
    with pytest.raises(ValueError, match="no button"):
        await user.press(sent, "maybe")


async def test_wait_for_sees_changes_after_the_latest_action(
    server: MaxAPIServer, api: BotClient
) -> None:
    user = server.user(1001)
    await user.send("one")
    await api.send(1001, {"text": "reply one"})
    await user.send("two")
    with pytest.raises(TimeoutError):
        await user.wait_reply(timeout=0)
    await api.send(1001, {"text": "reply two"})
    assert (await user.wait_reply(timeout=0)).content == "reply two"
    assert (await server.wait_for(1001, lambda m: "one" in m.content, 0, since=0)).content == (
        "reply one"
    )
    assert [m.content for m in user.messages()] == ["reply one", "reply two"]


# ---------------------------------------------------------------------- files


async def test_upload_round_trip(server: MaxAPIServer, api: BotClient) -> None:
    await server.user(1001).send("hi")
    endpoint = await api.ok("POST", "/uploads", {"type": "file"})
    form = aiohttp.FormData()
    form.add_field("data", b"%PDF-1.4 report", filename="report.pdf")
    async with api.session.post(endpoint["url"], data=form) as resp:
        assert resp.status == 200
        uploaded = await resp.json()
    token = uploaded["token"]
    attachment = {"type": "file", "payload": {"token": token}}
    status, body = await api.send(1001, {"text": "Отчёт", "attachments": [attachment]})
    assert status == 200, body
    file_attachment = body["message"]["body"]["attachments"][0]
    assert file_attachment["filename"] == "report.pdf" and file_attachment["size"] == 15
    sent = server.sent_to(1001)[-1]
    assert sent.document is not None and sent.document["file_name"] == "report.pdf"
    assert server.file_data(sent.document["token"]) == b"%PDF-1.4 report"
    async with api.session.get(file_attachment["payload"]["url"]) as resp:
        assert await resp.read() == b"%PDF-1.4 report"
    bad = {"type": "file", "payload": {"token": "nope"}}
    assert (await api.send(1001, {"text": "x", "attachments": [bad]}))[0] == 400
    # an image upload answers the photos token shape
    endpoint = await api.ok("POST", "/uploads", {"type": "image"})
    form = aiohttp.FormData()
    form.add_field("data", b"\x89PNG...", filename="chart.png")
    async with api.session.post(endpoint["url"], data=form) as resp:
        photos = (await resp.json())["photos"]
    image = {"type": "image", "payload": {"photos": photos}}
    status, _ = await api.send(1001, {"text": "", "attachments": [image]})
    assert status == 200
    both = [attachment, image]
    status, body = await api.send(1001, {"text": "x", "attachments": both})
    assert status == 400 and "only one file" in body["message"]
    assert (await api.call("POST", "/uploads", {"type": "photo"}))[0] == 400


async def test_user_uploads_a_document(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001)
    message = await user.upload_document(b"a;b\n1;2\n", "marks.csv", caption="Оценки")
    attachment = message["body"]["attachments"][0]
    assert message["body"]["text"] == "Оценки"
    assert attachment["type"] == "file" and attachment["filename"] == "marks.csv"
    async with api.session.get(attachment["payload"]["url"]) as resp:
        assert await resp.read() == b"a;b\n1;2\n"
    updates, _ = await poll(api)
    assert (
        updates[0]["message"]["body"]["attachments"][0]["payload"]["token"]
        == (attachment["payload"]["token"])
    )


# ---------------------------------------------------------------------- stopped bot


async def test_stopped_bot_answers_403_until_started(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001)
    await user.start()
    user.block_bot()
    status, body = await api.send(1001, {"text": "ping"})
    assert status == 403
    assert body == {"code": "chat.denied", "message": "error.dialog.suspended"}
    chat = await api.ok("GET", f"/chats/{user.chat_id}")
    assert chat["status"] == "suspended"
    updates, _ = await poll(api)
    assert [u["update_type"] for u in updates] == ["bot_started", "bot_stopped"]
    assert updates[1]["user"]["user_id"] == 1001 and updates[1]["chat_id"] == user.chat_id
    user.unblock_bot()
    assert (await api.send(1001, {"text": "ping"}))[0] == 200
    updates, _ = await poll(api)
    assert updates[-1]["update_type"] == "bot_started" and "payload" not in updates[-1]


async def test_attachment_not_ready_until_processed(server: MaxAPIServer, api: BotClient) -> None:
    await server.user(1001).send("hi")
    server.attachment_not_ready = 2
    endpoint = await api.ok("POST", "/uploads", {"type": "file"})
    form = aiohttp.FormData()
    form.add_field("data", b"big", filename="big.xlsx")
    async with api.session.post(endpoint["url"], data=form) as resp:
        token = (await resp.json())["token"]
    body = {"text": "Отчёт", "attachments": [{"type": "file", "payload": {"token": token}}]}
    for _ in range(2):
        status, answer = await api.send(1001, body)
        assert (status, answer["code"]) == (400, "attachment.not.ready")
    assert (await api.send(1001, body))[0] == 200
    assert [m.document["file_name"] for m in server.sent_to(1001) if m.document] == ["big.xlsx"]
