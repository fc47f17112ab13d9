"""The local MAX Bot API server driven over HTTP as a bot would: messages and keyboards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from testkit.maxapi import DIALOG_OFFSET, HTMLParseError, Limits, MaxAPIServer, parse_html

TOKEN = "max-test-token_0123456789"


class FakeClock:
    """Wall time and monotonic time that only move when told to."""

    def __init__(self, now: float = 1_760_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class BotClient:
    """A minimal MAX Bot API client: the token in the Authorization header."""

    def __init__(self, server: MaxAPIServer, session: aiohttp.ClientSession, token: str) -> None:
        assert server.base_url is not None
        self.base = server.base_url
        self.session = session
        self.token = token

    async def call(
        self,
        verb: str,
        path: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
        token: str | None = None,
    ) -> tuple[int, Any]:
        headers = {"Authorization": self.token if token is None else token}
        clean = {k: str(v) for k, v in (params or {}).items()}
        async with self.session.request(
            verb, self.base + path, params=clean, json=json, headers=headers
        ) as resp:
            return resp.status, await resp.json()

    async def ok(self, verb: str, path: str, params: Any = None, json: Any = None) -> Any:
        status, body = await self.call(verb, path, params, json)
        assert status == 200, body
        return body

    async def send(self, user_id: int, body: dict[str, Any]) -> tuple[int, Any]:
        return await self.call("POST", "/messages", {"user_id": user_id}, body)


def relaxed(**overrides: Any) -> Limits:
    return Limits(rate_limits=False, **overrides)


@pytest.fixture
async def server() -> AsyncIterator[MaxAPIServer]:
    clock = FakeClock()
    async with MaxAPIServer(
        token=TOKEN, limits=relaxed(), clock=clock, monotonic=clock, webhook_retry_initial=0.01
    ) as srv:
        yield srv


@pytest.fixture
async def api(server: MaxAPIServer) -> AsyncIterator[BotClient]:
    async with aiohttp.ClientSession() as session:
        yield BotClient(server, session, TOKEN)


def keyboard(*rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "inline_keyboard", "payload": {"buttons": list(rows)}}


def callback(text: str, payload: str) -> dict[str, Any]:
    return {"type": "callback", "text": text, "payload": payload}


# ---------------------------------------------------------------------- auth and /me


async def test_token_in_header_or_query_and_401_otherwise(
    server: MaxAPIServer, api: BotClient
) -> None:
    me = await api.ok("GET", "/me")
    assert me["is_bot"] is True and me["user_id"] == server.bot_user_id
    assert me["username"] == "test_bot" and "last_activity_time" in me
    status, body = await api.call("GET", "/me", token="wrong")
    assert status == 401 and body["code"] == "verify.token" and body["message"]
    status, body = await api.call("GET", "/me", token="")
    assert status == 401
    status, body = await api.call("GET", "/me", {"access_token": TOKEN}, token="")
    assert status == 200 and body["user_id"] == server.bot_user_id


async def test_commands_patch_and_limits(server: MaxAPIServer, api: BotClient) -> None:
    commands = [{"name": "start", "description": "Начать"}, {"name": "help"}]
    info = await api.ok("PATCH", "/me", json={"commands": commands})
    assert [c["name"] for c in info["commands"]] == ["start", "help"]
    assert server.commands()[0] == {"name": "start", "description": "Начать"}
    result = await api.ok("PATCH", "/me/commands", json={"commands": commands[:1]})
    assert result["commands"] == [{"name": "start", "description": "Начать"}]
    too_many = [{"name": f"c{i}"} for i in range(33)]
    status, body = await api.call("PATCH", "/me", json={"commands": too_many})
    assert status == 400 and body["code"] == "proto.payload"
    status, _ = await api.call("PATCH", "/me", json={"commands": [{"name": "x" * 65}]})
    assert status == 400


# ---------------------------------------------------------------------- sending


async def test_send_to_user_and_chat_ids(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001, first_name="Анна")
    await user.send("привет")
    assert user.chat_id == 1001 + DIALOG_OFFSET != user.id
    status, body = await api.send(1001, {"text": "Здравствуйте"})
    assert status == 200
    message = body["message"]
    assert message["body"]["mid"].startswith("mid.")
    assert message["body"]["text"] == "Здравствуйте"
    assert isinstance(message["body"]["seq"], int)
    assert message["recipient"] == {
        "chat_id": user.chat_id,
        "chat_type": "dialog",
        "user_id": 1001,
    }
    assert message["sender"]["user_id"] == server.bot_user_id
    assert message["timestamp"] == 1_760_000_000_000
    status, body = await api.call("POST", "/messages", {"chat_id": user.chat_id}, {"text": "2"})
    assert status == 200
    assert [m.content for m in server.sent_to(1001)] == ["Здравствуйте", "2"]
    # the user id is not a chat id
    status, body = await api.call("POST", "/messages", {"chat_id": 1001}, {"text": "x"})
    assert status == 404 and body["code"] == "chat.not.found"
    status, body = await api.send(4242, {"text": "never wrote"})
    assert status == 404


async def test_text_limit_and_empty_message(server: MaxAPIServer, api: BotClient) -> None:
    await server.user(1001).send("hi")
    assert (await api.send(1001, {"text": "я" * 4000}))[0] == 200
    status, body = await api.send(1001, {"text": "я" * 4001})
    assert status == 400 and body["code"] == "proto.payload"
    assert (await api.send(1001, {"text": ""}))[0] == 400
    assert (await api.send(1001, {"text": "x", "format": "bbcode"}))[0] == 400


async def test_html_parsed_and_recorded(server: MaxAPIServer, api: BotClient) -> None:
    await server.user(1001).send("hi")
    raw = '<b>Оценка</b>: 5 &amp; <a href="https://x.ru/a?b=1&amp;c=2">ссылка</a> <foo>x</foo>'
    status, body = await api.send(1001, {"text": raw, "format": "html"})
    assert status == 200, body
    assert body["message"]["body"]["text"] == "Оценка: 5 & ссылка x"
    sent = server.sent_to(1001)[-1]
    assert sent.raw_text == raw and sent.content == "Оценка: 5 & ссылка x"
    assert sent.format == "html"
    assert {"type": "strong", "from": 0, "length": 6} in sent.markup
    assert {"type": "link", "from": 12, "length": 6, "url": "https://x.ru/a?b=1&c=2"} in (
        sent.markup
    )


@pytest.mark.parametrize(
    "text",
    [
        "<b>bold",  # unclosed
        "<b><i>x</b></i>",  # mismatched
        "x</b>",  # stray end tag
        "Петров <Иван> & сын",  # unescaped user text
        "a < b",  # bare <
        "Tom & Jerry",  # bare &
        '<a href="">x</a>',  # link without a URL
    ],
)
async def test_html_strictness(server: MaxAPIServer, api: BotClient, text: str) -> None:
    await server.user(1001).send("hi")
    status, body = await api.send(1001, {"text": text, "format": "html"})
    assert status == 400, text
    assert body["code"] == "proto.payload"
    assert server.sent_to(1001) == []
    # the same text sent without a format is fine
    assert (await api.send(1001, {"text": text}))[0] == 200


async def test_keyboard_buttons_and_limits(server: MaxAPIServer, api: BotClient) -> None:
    await server.user(1001).send("hi")
    kb = keyboard(
        [callback("Да", "yes"), callback("Нет", "no")],
        [{"type": "link", "text": "Сайт", "url": "https://example.org"}],
    )
    status, body = await api.send(1001, {"text": "Выберите", "attachments": [kb]})
    assert status == 200
    assert body["message"]["body"]["attachments"][0]["type"] == "inline_keyboard"
    sent = server.sent_to(1001)[-1]
    assert [b["text"] for b in sent.buttons] == ["Да", "Нет", "Сайт"]
    assert sent.buttons[0]["callback_data"] == sent.buttons[0]["payload"] == "yes"
    assert len(sent.inline_keyboard) == 2

    async def refused(attachment: dict[str, Any]) -> bool:
        status, body = await api.send(1001, {"text": "k", "attachments": [attachment]})
        return status == 400 and body["code"] == "proto.payload"

    assert await api.send(
        1001, {"text": "k", "attachments": [keyboard([callback("a", "p" * 1024)])]}
    )
    assert await refused(keyboard([callback("a", "p" * 1025)]))
    assert await refused(keyboard([callback("т" * 129, "p")]))
    assert await refused(keyboard([callback("", "p")]))
    assert await refused(keyboard([{"type": "callback", "text": "no payload"}]))
    assert await refused(keyboard([{"type": "link", "text": "u", "url": "h" * 2049}]))
    assert await refused(keyboard([{"type": "teleport", "text": "?"}]))
    assert await refused(keyboard())
    assert await refused(keyboard([]))
    assert await refused(keyboard(*[[callback("r", "p")] for _ in range(31)]))
    assert await refused(keyboard([callback(str(i), "p") for i in range(8)]))
    link = {"type": "link", "text": "l", "url": "https://e.org"}
    assert await refused(keyboard([link, link, link, link]))
    ok_rows = [[callback(str(i), "p") for i in range(7)] for _ in range(30)]
    status, _ = await api.send(1001, {"text": "big", "attachments": [keyboard(*ok_rows)]})
    assert status == 200


async def test_edit_delete_get(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001)
    await user.send("hi")
    status, body = await api.send(
        1001, {"text": "v1", "attachments": [keyboard([callback("a", "1")])]}
    )
    mid = body["message"]["body"]["mid"]
    assert (await api.ok("PUT", "/messages", {"message_id": mid}, {"text": "v2"})) == {
        "success": True
    }
    sent = server.message(mid)
    assert sent is not None and sent.content == "v2" and sent.message_id == mid
    assert sent.buttons, "attachments: null keeps the keyboard"
    assert sent.edits[0]["text"] == "v1"
    await api.ok("PUT", "/messages", {"message_id": mid}, {"text": "v3", "attachments": []})
    assert sent.buttons == []
    status, body = await api.call("PUT", "/messages", {"message_id": "mid.nope"}, {"text": "x"})
    assert status == 404 and body["code"] == "not.found"
    user_mid = (await user.send("mine"))["body"]["mid"]
    status, _ = await api.call("PUT", "/messages", {"message_id": user_mid}, {"text": "x"})
    assert status == 403
    got = await api.ok("GET", f"/messages/{mid}")
    assert got["body"]["text"] == "v3"
    listed = await api.ok("GET", "/messages", {"chat_id": user.chat_id})
    assert [m["body"]["text"] for m in listed["messages"]] == ["mine", "v3", "hi"]
    by_ids = await api.ok("GET", "/messages", {"message_ids": f"{mid},{user_mid}"})
    assert len(by_ids["messages"]) == 2
    assert (await api.ok("DELETE", "/messages", {"message_id": mid})) == {"success": True}
    assert sent.deleted
    assert (await api.call("DELETE", "/messages", {"message_id": mid}))[0] == 404
    assert (await api.call("GET", f"/messages/{mid}"))[0] == 404


async def test_chat_and_actions(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001, first_name="Анна", last_name="Иванова")
    await user.send("hi")
    chat = await api.ok("GET", f"/chats/{user.chat_id}")
    assert chat["type"] == "dialog" and chat["status"] == "active"
    assert chat["dialog_with_user"]["user_id"] == 1001
    assert chat["participants_count"] == 2 and chat["is_public"] is False
    assert (await api.call("GET", "/chats/1"))[0] == 404
    ok = await api.ok("POST", f"/chats/{user.chat_id}/actions", json={"action": "typing_on"})
    assert ok == {"success": True}
    assert server.chat_actions(1001)[0]["action"] == "typing_on"
    status, _ = await api.call("POST", f"/chats/{user.chat_id}/actions", json={"action": "x"})
    assert status == 400


async def test_markdown_parsed_leniently(server: MaxAPIServer, api: BotClient) -> None:
    await server.user(1001).send("hi")
    raw = "**Итог**: _хорошо_, snake_case и 5 * 3 * 4, [сайт](https://x.ru)\n# Заголовок"
    status, body = await api.send(1001, {"text": raw, "format": "markdown"})
    assert status == 200
    text = "Итог: хорошо, snake_case и 5 * 3 * 4, сайт\nЗаголовок"
    assert body["message"]["body"]["text"] == text
    sent = server.sent_to(1001)[-1]
    assert sent.raw_text == raw and sent.content == text
    kinds = [m["type"] for m in sent.markup]
    assert kinds == ["strong", "emphasized", "link", "heading"]
    assert body["message"]["body"]["markup"] == sent.markup


def test_html_parser_offsets_and_nesting() -> None:
    parsed = parse_html("😀 <b>a<i>b</i></b>&lt;<pre><code>x</code></pre><mark>m</mark><h1>H</h1>")
    assert parsed.text == "😀 ab<xmH"
    assert parsed.markup == [
        {"type": "strong", "from": 3, "length": 2},  # the emoji counts 2 UTF-16 units
        {"type": "emphasized", "from": 4, "length": 1},
        {"type": "monospaced", "from": 6, "length": 1},
        {"type": "highlighted", "from": 7, "length": 1},
        {"type": "heading", "from": 8, "length": 1},
    ]
    assert parse_html("<blockquote>q</blockquote><u>u</u><s>s</s>").markup == [
        {"type": "quote", "from": 0, "length": 1},
        {"type": "underline", "from": 1, "length": 1},
        {"type": "strikethrough", "from": 2, "length": 1},
    ]
    stripped = parse_html("<span>x</span><br/>y")
    assert stripped.text == "xy" and stripped.stripped == ["span", "br"]
    with pytest.raises(HTMLParseError):
        parse_html("<span>x</span>", reject_unknown_tags=True)


async def test_reply_link_and_addressing_by_chat_id(server: MaxAPIServer, api: BotClient) -> None:
    user = server.user(1001)
    question = await user.send("Когда контрольная?")
    mid = question["body"]["mid"]
    link = {"type": "reply", "mid": mid}
    status, body = await api.send(1001, {"text": "В пятницу", "link": link, "notify": False})
    assert status == 200
    assert body["message"]["link"]["type"] == "reply"
    assert body["message"]["link"]["message"]["text"] == "Когда контрольная?"
    sent = server.sent_to(user.chat_id)[-1]
    assert sent.notify is False and sent is server.sent_to(1001)[-1]
    assert (await server.wait_for(user.chat_id, timeout=0)).content == "В пятницу"
    status, _ = await api.send(1001, {"text": "x", "link": {"type": "reply", "mid": "mid.0"}})
    assert status == 404
