"""Every filter and handler of the bot runs on the event loop: none is sent to a worker thread."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.filters.base import Filter

from bot.routing import callables, keep_on_loop
from services.enums import Role
from testkit.recording import RecordingBot, make_message_update
from tests.handlers.conftest import World


def _runs_on_loop(item: Any) -> bool:
    return isinstance(item.callback, Filter) or inspect.iscoroutinefunction(item.callback)


def test_every_registered_callable_is_async(dp: Dispatcher) -> None:
    items = list(callables(dp))
    assert len(items) > 100  # the whole tree was walked
    sync = [repr(item.callback) for item in items if not _runs_on_loop(item)]
    assert sync == []
    assert all(item.awaitable for item in items)


def test_keep_on_loop_wraps_sync_filters_and_handlers() -> None:
    router = Router()
    child = Router()
    router.include_router(child)
    router.message.filter(F.chat.type == "private")

    def handler(message: object) -> str:
        return "sync"

    child.callback_query.register(handler, F.data == "x", lambda callback_query: True)
    assert keep_on_loop(router) == 4  # the observer's filter, two filters, the handler
    assert keep_on_loop(router) == 0
    assert all(_runs_on_loop(item) for item in callables(router))


async def test_keep_on_loop_keeps_kwargs_preparation() -> None:
    router = Router()
    seen: dict[str, Any] = {}

    def handler(message: object, lang: str) -> str:
        seen["lang"] = lang
        return "done"

    router.message.register(handler)
    keep_on_loop(router)
    (item,) = router.message.handlers
    # Unknown keyword arguments are dropped as before: the signature is the original's.
    assert await item.call("msg", lang="ru", session=object()) == "done"
    assert seen == {"lang": "ru"}


async def test_updates_take_no_thread_hop(
    dp: Dispatcher,
    bot: RecordingBot,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hops: list[object] = []
    real = asyncio.to_thread

    async def counted(func: Any, /, *args: Any, **kwargs: Any) -> Any:
        hops.append(func)
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", counted)
    await world.signed_in(4301, Role.PARENT)
    await world.signed_in(4302, Role.TEACHER)
    await dp.feed_update(bot, make_message_update(4301, "/diary"))
    await dp.feed_update(bot, make_message_update(4302, "/today"))
    await dp.feed_update(bot, make_message_update(4302, "какой-то текст"))
    assert bot.session.sent_texts(4301)
    assert bot.session.sent_texts(4302)
    assert hops == []
