"""Telegram limits, rate limits (429 + retry_after), blocked users and injected faults."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from testkit.botapi import BotAPIServer, Limits

from .conftest import TOKEN, MakeBot


def keyboard(text: str, data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data)]]
    )


@pytest.fixture
async def opened(server: BotAPIServer) -> BotAPIServer:
    server.user(1001).open_chat()
    return server


async def test_text_limits(opened: BotAPIServer, bot: Bot) -> None:
    await bot.send_message(1001, "я" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1001, "я" * 4097)
    # the length is checked after HTML tags are stripped
    await bot.send_message(1001, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(1001, "   ")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(1001, "<b></b>", parse_mode="HTML")


async def test_text_limit_counts_utf16_units_of_the_parsed_text(
    opened: BotAPIServer, bot: Bot
) -> None:
    # 2048 emoji are 4096 UTF-16 code units: accepted; one more unit is refused like Telegram.
    await bot.send_message(1001, "😀" * 2048)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(1001, "😀" * 2048 + "x")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1001, "<b>" + "😀" * 2000 + "</b>" + "&amp;" * 97, parse_mode="HTML")
    # entities decode to one character each, tags count nothing
    await bot.send_message(1001, "<i>" + "&lt;" * 4096 + "</i>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        from aiogram.types import BufferedInputFile

        await bot.send_document(1001, BufferedInputFile(b"x", "a.txt"), caption="😀" * 513)


async def test_caption_limit(opened: BotAPIServer, bot: Bot) -> None:
    from aiogram.types import BufferedInputFile

    await bot.send_document(1001, BufferedInputFile(b"x", "a.txt"), caption="c" * 1024)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(1001, BufferedInputFile(b"x", "a.txt"), caption="c" * 1025)


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("ok <b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("Привет <br>", 'Unsupported start tag "br" at byte offset 13'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_html_errors(opened: BotAPIServer, bot: Bot, html: str, error: str) -> None:
    with pytest.raises(TelegramBadRequest) as info:
        await bot.send_message(1001, html, parse_mode="HTML")
    assert info.value.message == f"Bad Request: can't parse entities: {error}"


async def test_html_supported_tags(opened: BotAPIServer, bot: Bot) -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span>'
        '<tg-spoiler>q</tg-spoiler><a href="https://example.org/?a=1&amp;b=2">l</a>'
        '<code>c</code><pre><code class="language-python">x = 1</code></pre>'
        "<blockquote>bq</blockquote> &amp;&lt;&gt;&quot;&#65;&#x42; & plain"
    )
    message = await bot.send_message(1001, html, parse_mode="HTML")
    assert message.text == 'bsieunskdpqlcx = 1bq &<>"AB & plain'
    types = [e.type for e in message.entities or []]
    assert types == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough",
        "strikethrough", "strikethrough", "spoiler", "spoiler", "text_link", "code", "pre",
        "blockquote",
    ]  # fmt: skip
    link = next(e for e in message.entities or [] if e.type == "text_link")
    assert link.url == "https://example.org/?a=1&b=2"
    pre = next(e for e in message.entities or [] if e.type == "pre")
    assert pre.language == "python"


async def test_inline_keyboard_limits(opened: BotAPIServer, bot: Bot) -> None:
    await bot.send_message(1001, "ok", reply_markup=keyboard("b", "x" * 64))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1001, "too long", reply_markup=keyboard("b", "x" * 65))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        # 22 Cyrillic letters = 44 bytes + 22 = 66 bytes: the limit is in bytes
        await bot.send_message(1001, "bytes", reply_markup=keyboard("b", "я" * 22 + "x" * 22))
    with pytest.raises(TelegramBadRequest, match="Text must be non-empty"):
        await bot.send_message(1001, "empty", reply_markup=keyboard("", "x"))


async def test_limits_can_be_disabled(make_bot: MakeBot) -> None:
    async with BotAPIServer(limits=Limits.off()) as srv:
        srv.user(1).open_chat()
        assert srv.base_url
        bot = Bot("1:x", session=AiohttpSession(api=TelegramAPIServer.from_base(srv.base_url)))
        try:
            await bot.send_message(1, "x" * 5000, reply_markup=keyboard("b", "y" * 100))
            await bot.send_message(1, "<foo>", parse_mode="HTML")
            for _ in range(10):
                await bot.send_message(1, "no rate limit")
        finally:
            await bot.session.close()
    relaxed = Limits(max_text_length=None, rate_limits=False)
    assert relaxed.on(relaxed.max_text_length) is False
    assert relaxed.on(relaxed.max_caption_length) is True


@pytest.fixture
async def limited() -> AsyncIterator[tuple[BotAPIServer, Bot]]:
    limits = Limits(
        global_per_second=1000.0,
        global_burst=1000,
        private_per_second=1.0,
        private_burst=2,
        group_per_minute=60.0,
        group_burst=2,
    )
    async with BotAPIServer(limits=limits) as srv:
        assert srv.base_url
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(srv.base_url)))
        try:
            yield srv, bot
        finally:
            await bot.session.close()


async def test_private_chat_rate_limit_and_retry_after(
    limited: tuple[BotAPIServer, Bot],
) -> None:
    server, bot = limited
    server.user(1001).open_chat()
    server.user(1002).open_chat()
    first = await bot.send_message(1001, "1")
    await bot.send_message(1001, "2")  # burst of 2
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(1001, "3")
    assert info.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in info.value.message
    await bot.send_message(1002, "other chat is independent")
    # edits and deletes are not rate limited
    await bot.edit_message_text("edited", chat_id=1001, message_id=first.message_id)
    await bot.delete_message(1001, first.message_id)
    await asyncio.sleep(info.value.retry_after)
    await bot.send_message(1001, "after waiting")
    assert server.stats.rate_limited == 1


async def test_group_rate_limit(limited: tuple[BotAPIServer, Bot]) -> None:
    server, bot = limited
    server.group_chat(-100500, "5Б")
    await bot.send_message(-100500, "1")
    await bot.send_message(-100500, "2")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(-100500, "3")
    assert info.value.retry_after == 1  # 60/min in this test


async def test_global_rate_limit_per_bot(make_bot: MakeBot) -> None:
    limits = Limits(
        global_per_second=3.0, global_burst=3, private_per_second=100.0, private_burst=100
    )
    async with BotAPIServer(limits=limits) as srv:
        assert srv.base_url
        api = TelegramAPIServer.from_base(srv.base_url)
        bot = Bot("1:a", session=AiohttpSession(api=api))
        other = Bot("2:b", session=AiohttpSession(api=api))
        try:
            for uid in range(1, 6):
                srv.user(uid).open_chat()
            for uid in range(1, 4):
                await bot.send_message(uid, "hi")
            with pytest.raises(TelegramRetryAfter) as info:
                await bot.send_message(4, "hi")
            assert info.value.retry_after >= 1
            await other.send_message(4, "another bot has its own bucket")
            await asyncio.sleep(info.value.retry_after)
            # Exactly retry_after later the bot may send again (no timing bound on the machine).
            sent = await bot.send_message(5, "after retry_after")
            assert sent.text == "after retry_after"
        finally:
            await bot.session.close()
            await other.session.close()


async def test_blocked_user_gets_403(server: BotAPIServer, bot: Bot) -> None:
    user = server.user(1001)
    user.open_chat()
    await bot.send_message(1001, "before")
    user.block_bot()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "blocked")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(1001, "typing")
    updates = await bot.get_updates()
    member = updates[-1].my_chat_member
    assert member is not None and member.new_chat_member.status == "kicked"
    user.unblock_bot()
    await bot.send_message(1001, "after")
    assert [m.text for m in server.sent_to(1001)] == ["before", "after"]


async def test_fault_5xx_429_403(opened: BotAPIServer, bot: Bot) -> None:
    server = opened
    server.faults.inject(method="sendMessage", kind="5xx", times=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_message(1001, "x")
    await bot.send_message(1001, "third try works")
    server.faults.inject(method="sendMessage", kind="429", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(1001, "x")
    assert info.value.retry_after == 7
    server.faults.inject(kind="403", chat_id=1001)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(1001, "x")
    server.faults.inject(method="getMe", kind="5xx", status=500, description="Internal")
    await bot.send_message(1001, "other methods are not affected")
    with pytest.raises(TelegramServerError, match="Internal"):
        await bot.get_me()
    assert server.stats.faults_injected == 5
    assert [m.text for m in server.sent_to(1001)] == [
        "third try works",
        "other methods are not affected",
    ]


async def test_fault_for_one_chat_and_clear(opened: BotAPIServer, bot: Bot) -> None:
    server = opened
    server.user(1002).open_chat()
    server.faults.inject(method="sendMessage", chat_id=1002, kind="5xx", times=None)
    await bot.send_message(1001, "fine")
    for _ in range(3):
        with pytest.raises(TelegramServerError):
            await bot.send_message(1002, "x")
    assert len(server.faults) == 1
    server.faults.clear()
    await bot.send_message(1002, "fine now")


async def test_fault_slow(opened: BotAPIServer, bot: Bot) -> None:
    opened.faults.inject(method="sendMessage", kind="slow", delay=0.3)
    started = time.monotonic()
    await bot.send_message(1001, "slow")
    assert time.monotonic() - started >= 0.3  # a lower bound holds however busy the machine
    # The fault fired once and is spent: the next send is not delayed (checked without a clock).
    assert len(opened.faults) == 0
    await bot.send_message(1001, "fast")
    assert len(opened.faults) == 0


async def test_fault_timeout_and_disconnect(opened: BotAPIServer, make_bot: MakeBot) -> None:
    bot = await make_bot(timeout=0.5)
    opened.faults.inject(method="sendMessage", kind="timeout", delay=1.0)
    with pytest.raises(TelegramNetworkError, match="timeout"):
        await bot.send_message(1001, "x")
    opened.faults.inject(method="sendMessage", kind="disconnect")
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1001, "x")
    await bot.send_message(1001, "recovered")
    assert [m.text for m in opened.sent_to(1001)] == ["recovered"]
