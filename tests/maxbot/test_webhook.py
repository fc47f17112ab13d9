"""The MAX webhook: the secret is checked, the update is handled before the 200, a failure is
not acknowledged (MAX delivers it again), malformed JSON is refused, and MaxWebhook listens,
subscribes with the URL and the secret, and stops cleanly."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from maxbot.polling import MaxFeed
from maxbot.webhook import SECRET_HEADER, MaxWebhook, webhook_app
from services.enums import Messenger
from tests.maxbot.support import Handled, make_feed, raw_message

SECRET = "s3cret_of-the-webhook"
PATH = "/max/webhook"


@pytest.fixture
async def handled() -> Handled:
    return Handled()


@pytest.fixture
async def feed(handled: Handled) -> AsyncIterator[MaxFeed]:
    made, bot = make_feed(handled)
    yield made
    await bot.session.close()


@pytest.fixture
async def client(feed: MaxFeed) -> AsyncIterator[TestClient[Any, Any]]:
    async with TestClient(TestServer(webhook_app(feed, secret=SECRET, path=PATH))) as made:
        yield made


def _post(
    client: TestClient[Any, Any], body: Any, secret: str | None = SECRET
) -> Any:  # the request's context manager
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(PATH, data=data, headers=headers)


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x", SECRET[:-1]])
async def test_a_wrong_or_missing_secret_is_401_and_not_handled(
    client: TestClient[Any, Any], handled: Handled, secret: str | None
) -> None:
    async with _post(client, raw_message("hello"), secret=secret) as resp:
        assert resp.status == 401
    assert handled.started == []


async def test_the_right_secret_is_handled_before_the_200(
    client: TestClient[Any, Any], handled: Handled
) -> None:
    async with _post(client, raw_message("hello")) as resp:
        # Handled by the time MAX gets its answer.
        assert handled.texts == ["hello"]
        assert resp.status == 200
    assert handled.messengers == [Messenger.MAX]


async def test_the_answer_waits_for_the_handler(
    client: TestClient[Any, Any], handled: Handled
) -> None:
    gate = handled.gates["slow"] = asyncio.Event()
    request = asyncio.create_task(_post(client, raw_message("slow")).__aenter__())
    await handled.wait_started("slow")
    for _ in range(20):
        await asyncio.sleep(0)
    assert not request.done()
    gate.set()
    resp = await request
    assert resp.status == 200
    resp.release()


async def test_a_handler_failure_is_not_acknowledged(
    client: TestClient[Any, Any], handled: Handled, caplog: pytest.LogCaptureFixture
) -> None:
    async with _post(client, raw_message("fail")) as resp:
        assert resp.status == 500
    assert handled.started == ["fail"]
    assert any("MAX will deliver it again" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1, 2]", b'"text"'])
async def test_malformed_json_is_400(
    client: TestClient[Any, Any], handled: Handled, body: bytes
) -> None:
    async with _post(client, body) as resp:
        assert resp.status == 400
    assert handled.started == []


async def test_an_update_the_bot_does_not_read_is_acknowledged(
    client: TestClient[Any, Any], handled: Handled
) -> None:
    async with _post(client, {"update_type": "chat_title_changed"}) as resp:
        assert resp.status == 200
    assert handled.started == []


async def test_only_post_on_the_path(client: TestClient[Any, Any]) -> None:
    async with client.get(PATH, headers={SECRET_HEADER: SECRET}) as resp:
        assert resp.status == 405
    async with client.post("/other", headers={SECRET_HEADER: SECRET}) as resp:
        assert resp.status == 404


class FakeSubscriber:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    async def subscribe(
        self, url: str, *, secret: str | None = None, update_types: Any = None
    ) -> dict[str, Any]:
        self.calls.append((url, secret))
        return {"success": True}


async def test_the_webhook_listens_subscribes_serves_and_stops(
    feed: MaxFeed, handled: Handled
) -> None:
    subscriber = FakeSubscriber()
    hook = MaxWebhook(
        subscriber,
        feed,
        url="https://bot.example/max/webhook",
        secret=SECRET,
        host="127.0.0.1",
        port=0,
        path=PATH,
    )
    stop = asyncio.Event()
    await hook.start()
    running = asyncio.create_task(hook.run(stop))
    assert subscriber.calls == [("https://bot.example/max/webhook", SECRET)]
    port = hook.bound_port
    assert port is not None
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}{PATH}",
            json=raw_message("over the wire"),
            headers={SECRET_HEADER: SECRET},
        ) as resp,
    ):
        assert resp.status == 200
    assert handled.texts == ["over the wire"]
    stop.set()
    await running
    assert hook.bound_port is None
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorError):
            await session.post(f"http://127.0.0.1:{port}{PATH}", json={})


def test_a_webhook_needs_a_secret(feed: MaxFeed) -> None:
    with pytest.raises(ValueError):
        webhook_app(feed, secret="", path=PATH)
