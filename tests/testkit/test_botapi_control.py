"""The /_control HTTP API, the CLI and the interactive console."""

from __future__ import annotations

import asyncio
import base64
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramServerError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from testkit.botapi import BotAPIServer, parse_html
from testkit.botapi.chat import Console
from testkit.botapi.limits import TokenBucket

ROOT = Path(__file__).resolve().parents[2]


async def control(
    http: aiohttp.ClientSession, server: BotAPIServer, verb: str, path: str, **kw: Any
) -> Any:
    async with http.request(verb, f"{server.base_url}/_control{path}", **kw) as resp:
        data = await resp.json()
        assert data["ok"], data
        return data["result"]


async def test_control_endpoints(server: BotAPIServer, bot: Bot) -> None:
    async with aiohttp.ClientSession() as http:
        assert "POST /_control/faults" in await control(http, server, "GET", "")
        sent = await control(
            http, server, "POST", "/users/1001/send", json={"text": "hi", "first_name": "Анна"}
        )
        assert sent["from"]["first_name"] == "Анна"
        await control(http, server, "POST", "/users/1001/command", json={"command": "/start"})
        upload = await control(
            http,
            server,
            "POST",
            "/users/1001/upload",
            json={"filename": "a.txt", "content_base64": base64.b64encode(b"abc").decode()},
        )
        updates = await bot.get_updates()
        assert [u.message.text for u in updates[:2]] == ["hi", "/start"]  # type: ignore[union-attr]
        assert updates[2].message.document.file_name == "a.txt"  # type: ignore[union-attr]
        assert upload["document"]["file_size"] == 3

        message = await bot.send_message(
            1001,
            "<i>Выберите</i>",
            parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
            ),
        )
        messages = await control(http, server, "GET", "/chats/1001/messages")
        assert messages[0]["text"] == "Выберите"
        assert messages[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
        pressed = await control(
            http,
            server,
            "POST",
            "/users/1001/press",
            json={"message_id": message.message_id, "data": "a"},
        )
        updates = await bot.get_updates(offset=updates[-1].update_id + 1)
        assert updates[0].callback_query.id == pressed["callback_query_id"]  # type: ignore[union-attr]

        changes = await control(http, server, "GET", "/chats/1001/changes", params={"cursor": "0"})
        assert changes["cursor"] == 1 and changes["messages"][0]["text"] == "Выберите"
        waiter = asyncio.create_task(
            control(http, server, "POST", "/chats/1001/wait", json={"contains": "later"})
        )
        await asyncio.sleep(0.05)
        await bot.send_message(1001, "later reply")
        assert (await waiter)["text"] == "later reply"

        fault = await control(
            http, server, "POST", "/faults", json={"method": "getMe", "kind": "5xx"}
        )
        assert fault["kind"] == "5xx"
        assert len(await control(http, server, "GET", "/faults")) == 1
        await control(http, server, "DELETE", "/faults")
        assert await control(http, server, "GET", "/faults") == []
        await control(http, server, "POST", "/faults", json={"method": "getMe", "kind": "5xx"})
        try:
            await bot.get_me()
        except TelegramServerError:
            pass
        else:
            raise AssertionError("fault was not injected")

        await control(http, server, "POST", "/users/1001/block")
        assert server.get_user(1001) is not None and server.get_user(1001).blocked  # type: ignore[union-attr]
        await control(http, server, "POST", "/users/1001/unblock")
        await control(http, server, "POST", "/groups", json={"chat_id": -1005, "title": "9В"})
        await control(
            http, server, "POST", "/users/1001/send", json={"text": "g", "chat_id": -1005}
        )

        stats = await control(http, server, "GET", "/stats")
        assert stats["sent_messages"] == 2 and stats["faults_injected"] == 1
        log = await control(http, server, "GET", "/requests", params={"method": "sendMessage"})
        assert len(log["requests"]) == 2
        limits = await control(http, server, "POST", "/limits", json={"rate_limits": False})
        assert limits["rate_limits"] is False
        assert await control(http, server, "POST", "/reset") is True
        assert await control(http, server, "GET", "/chats/1001/messages") == []
        assert server.requests == []


async def test_cli_prints_base_url_and_serves() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "testkit.botapi",
        "--port",
        "0",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode()
        base_url = line.strip().rsplit(" ", 1)[-1]
        assert base_url.startswith("http://127.0.0.1:")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base_url}/bot42:abc/getMe") as resp,
        ):
            assert (await resp.json())["result"]["id"] == 42
    finally:
        proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.communicate(), 10)
    assert proc.returncode == 0


async def test_console_sends_and_presses(server: BotAPIServer, bot: Bot, capsys: Any) -> None:
    assert server.base_url
    console = Console(server.base_url, 1001, "Анна", None)
    async with aiohttp.ClientSession() as console.session:
        assert await console.handle("привет")
        assert await console.handle("/start x")
        updates = await bot.get_updates()
        assert [u.message.text for u in updates] == ["привет", "/start x"]  # type: ignore[union-attr]
        poller = asyncio.create_task(console.poll())
        await asyncio.sleep(0.1)
        message = await bot.send_message(
            1001,
            "Меню",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[
                    [InlineKeyboardButton(text="Оценки", callback_data="marks")],
                    [InlineKeyboardButton(text="ДЗ", callback_data="hw")],
                ]
            ),
        )
        for _ in range(50):
            await asyncio.sleep(0.02)
            if console.buttons:
                break
        poller.cancel()
        await asyncio.gather(poller, return_exceptions=True)
        out = capsys.readouterr().out
        assert "Меню" in out and "[1: Оценки]" in out and "[2: ДЗ]" in out
        assert await console.handle("!press 2")
        assert await console.handle("!press 9")
        assert not await console.handle("!quit")
    updates = await bot.get_updates(offset=updates[-1].update_id + 1)
    callback = updates[0].callback_query
    assert callback is not None and callback.data == "hw"
    assert callback.message is not None and callback.message.message_id == message.message_id


def test_parse_html_unit() -> None:
    text, entities = parse_html('<b>a <i>b</i></b> <a href="tg://user?id=5">u</a> 😀<u>x</u>')
    assert text == "a b u 😀x"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 3),
        ("italic", 2, 1),
        ("text_mention", 4, 1),
        ("underline", 8, 1),
    ]
    assert parse_html("&unknown; &#1055;") == ("&unknown; П", [])


def test_token_bucket() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=1.0, capacity=3, clock=lambda: now[0])
    for _ in range(3):
        assert bucket.wait_time() == 0
        bucket.consume()
    assert bucket.wait_time() == 1.0
    now[0] = 0.5
    assert bucket.wait_time() == 0.5
    now[0] = 10
    assert bucket.wait_time() == 0 and bucket.tokens == 3
