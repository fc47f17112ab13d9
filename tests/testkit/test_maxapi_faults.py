"""The local MAX Bot API server: the rate limit, injected faults, the control API, the CLI."""

from __future__ import annotations

import asyncio
import base64
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest

from testkit.maxapi import Limits, MaxAPIServer
from testkit.maxapi.__main__ import parse_args

from .test_maxapi_messages import TOKEN, BotClient, FakeClock, relaxed


@pytest.fixture
async def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(clock: FakeClock) -> AsyncIterator[MaxAPIServer]:
    async with MaxAPIServer(token=TOKEN, limits=relaxed(), clock=clock, monotonic=clock) as srv:
        yield srv


@pytest.fixture
async def api(server: MaxAPIServer) -> AsyncIterator[BotClient]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        yield BotClient(server, session, TOKEN)


async def test_429_at_the_rate(server: MaxAPIServer, api: BotClient, clock: FakeClock) -> None:
    server.limits.rate_limits = True
    server.rate_limiter.reset()
    for _ in range(30):  # the burst: 30 requests in the same instant
        assert (await api.call("GET", "/me"))[0] == 200
    status, body = await api.call("GET", "/me")
    assert status == 429
    assert body["code"] == "too.many.requests" and body["message"]
    assert server.stats.rate_limited == 1
    clock.now += 0.101  # 3 requests' worth of tokens at 30 per second
    for _ in range(3):
        assert (await api.call("GET", "/me"))[0] == 200
    assert (await api.call("GET", "/me"))[0] == 429
    server.limits.retry_after_header = True
    async with api.session.get(api.base + "/me", headers={"Authorization": TOKEN}) as resp:
        assert resp.status == 429 and resp.headers["Retry-After"] == "1"
    server.limits.rate_limits = False
    assert (await api.call("GET", "/me"))[0] == 200


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("5xx", 503, "internal.error"),
        ("429", 429, "too.many.requests"),
        ("403", 403, "chat.denied"),
    ],
)
async def test_answer_faults(
    server: MaxAPIServer, api: BotClient, kind: str, status: int, code: str
) -> None:
    await server.user(1001).send("hi")
    await server.user(1002).send("hi")
    server.faults.inject("sendMessage", chat_id=1001, kind=kind, times=2)
    for _ in range(2):
        got, body = await api.send(1001, {"text": "x"})
        assert (got, body["code"]) == (status, code)
    assert (await api.send(1002, {"text": "other user"}))[0] == 200
    assert (await api.send(1001, {"text": "third time"}))[0] == 200
    assert [m.content for m in server.sent_to(1001)] == ["third time"]
    assert server.stats.faults_injected == 2 and len(server.faults) == 0


async def test_fault_matches_path_and_dialog_chat(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001)
    await user.send("hi")
    server.faults.inject("POST /messages", chat_id=user.chat_id, kind="5xx", status=502)
    status, _ = await api.send(1001, {"text": "by user id, in the dialog"})
    assert status == 502
    server.faults.inject("/me", kind="5xx", times=None)
    assert (await api.call("GET", "/me"))[0] == 503
    assert (await api.call("GET", "/me"))[0] == 503
    server.faults.clear()
    assert (await api.call("GET", "/me"))[0] == 200


async def test_dropped_connection(server: MaxAPIServer, api: BotClient) -> None:
    await server.user(1001).send("hi")
    server.faults.inject("sendMessage", kind="disconnect")
    with pytest.raises(aiohttp.ClientError):
        await api.send(1001, {"text": "x"})
    assert server.sent_to(1001) == []
    assert (await api.send(1001, {"text": "x"}))[0] == 200


async def test_timeout_holds_past_the_client_timeout(server: MaxAPIServer) -> None:
    await server.user(1001).send("hi")
    server.faults.inject("sendMessage", kind="timeout", delay=30.0)
    assert server.base_url is not None
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.2)) as session:
        with pytest.raises(TimeoutError):
            async with session.post(
                server.base_url + "/messages",
                params={"user_id": "1001"},
                json={"text": "x"},
                headers={"Authorization": TOKEN},
            ):
                pass
    assert server.sent_to(1001) == []


async def test_slow_fault_then_processed(server: MaxAPIServer, api: BotClient) -> None:
    await server.user(1001).send("hi")
    server.faults.inject("sendMessage", kind="slow", delay=0.01)
    assert (await api.send(1001, {"text": "late"}))[0] == 200
    assert [m.content for m in server.sent_to(1001)] == ["late"]


async def test_unknown_fault_kind() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        MaxAPIServer().faults.inject(kind="meteor")


async def test_control_api(server: MaxAPIServer, api: BotClient) -> None:
    base = api.base + "/_control"
    session = api.session
    async with session.post(base + "/users/1001/start", json={"first_name": "Анна"}) as resp:
        assert resp.status == 200
    async with session.post(base + "/users/1001/send", json={"text": "hi"}) as resp:
        assert (await resp.json())["result"]["body"]["text"] == "hi"
    kb = {
        "type": "inline_keyboard",
        "payload": {"buttons": [[{"type": "callback", "text": "OK", "payload": "ok"}]]},
    }
    _, body = await api.send(1001, {"text": "Готово", "attachments": [kb]})
    mid = body["message"]["body"]["mid"]
    async with session.post(base + "/users/1001/wait", json={"contains": "Готово"}) as resp:
        assert (await resp.json())["result"]["mid"] == mid
    async with session.post(base + "/users/1001/press", json={"mid": mid, "text": "OK"}) as resp:
        callback_id = (await resp.json())["result"]["callback_id"]
    await api.ok("POST", "/answers", {"callback_id": callback_id}, {"notification": "ok"})
    async with session.get(base + "/callback_answers", params={"user_id": "1001"}) as resp:
        assert (await resp.json())["result"][0]["notification"] == "ok"
    content = base64.b64encode(b"data").decode()
    upload = {"filename": "a.txt", "content_base64": content}
    async with session.post(base + "/users/1001/upload", json=upload) as resp:
        token = (await resp.json())["result"]["body"]["attachments"][0]["payload"]["token"]
    async with session.get(f"{base}/files/{token}") as resp:
        assert await resp.read() == b"data"
    async with session.post(base + "/faults", json={"kind": "5xx", "method": "getMyInfo"}) as r:
        assert r.status == 200
    assert (await api.call("GET", "/me"))[0] == 503
    async with session.post(base + "/users/1001/block") as resp:
        assert resp.status == 200
    assert (await api.send(1001, {"text": "x"}))[0] == 403
    async with session.get(base + "/updates") as resp:
        kinds = [u["update_type"] for u in (await resp.json())["result"]]
    assert kinds[0] == "bot_started" and kinds[-1] == "bot_stopped"
    async with session.get(base + "/users/1001/messages") as resp:
        assert [m["text"] for m in (await resp.json())["result"]] == ["Готово"]
    async with session.get(base + "/stats") as resp:
        assert (await resp.json())["result"]["sent_messages"] == 1
    async with session.post(base + "/limits", json={"max_text_length": 5}) as resp:
        assert (await resp.json())["result"]["max_text_length"] == 5
    async with session.post(base + "/limits", json={"nope": 1}) as resp:
        assert resp.status == 400
    async with session.post(base + "/reset") as resp:
        assert resp.status == 200
    assert server.sent_to(1001) == [] and server.pending_updates() == []


async def test_reset_keeps_serving_and_markers_valid(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001)
    before = await user.send("before")
    marker = (await api.ok("GET", "/updates", {"timeout": 0}))["marker"]
    server.reset()
    assert server.pending_updates() == []
    after = await server.user(1001).send("after")
    assert after["body"]["mid"] != before["body"]["mid"]
    # the bot's marker from before the reset still finds the new update
    updates = (await api.ok("GET", "/updates", {"timeout": 0, "marker": marker}))["updates"]
    assert [u["message"]["body"]["text"] for u in updates] == ["after"]
    # a marker this server never gave means "from now on"
    body = await api.ok("GET", "/updates", {"timeout": 0, "marker": 10**9})
    assert body["updates"] == [] and body["marker"] < 10**9
    await server.user(1001).send("later")
    updates = (await api.ok("GET", "/updates", {"timeout": 0, "marker": body["marker"]}))["updates"]
    assert [u["message"]["body"]["text"] for u in updates] == ["later"]


async def test_any_token_when_none_configured() -> None:
    async with MaxAPIServer(limits=Limits.off()) as srv, aiohttp.ClientSession() as session:
        client = BotClient(srv, session, "whatever-token")
        assert (await client.call("GET", "/me"))[0] == 200
        assert (await client.call("GET", "/me", token=""))[0] == 401


def test_cli_arguments() -> None:
    args = parse_args(["--port", "0", "--token", "T", "--no-rate-limits"])
    assert args.port == 0 and args.token == "T" and args.no_rate_limits


async def test_cli_prints_base_url() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "testkit.maxapi",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert line.decode().startswith("Local MAX Bot API server: http://127.0.0.1:")
    finally:
        process.terminate()
        await process.wait()
