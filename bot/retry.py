"""Replies that hit Telegram's flood limit wait and go again instead of being lost.

Telegram answers 429 with ``retry_after`` when a chat gets more than about one message a
second. A handler's reply is interactive, so it is worth a short wait: this request middleware
sleeps exactly ``retry_after`` and retries, a few times, within a bounded total wait. Bulk alerts
do not come this way: the notification worker paces and retries them itself.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(self, *, attempts: int = 3, max_total_wait: float = 30.0) -> None:
        self.attempts = attempts
        self.max_total_wait = max_total_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        waited = 0.0
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                delay = float(exc.retry_after)
                if attempt == self.attempts or waited + delay > self.max_total_wait:
                    raise
                log.info(
                    "flood limit: waiting before retry",
                    extra={"method": type(method).__name__, "retry_after": delay},
                )
                await asyncio.sleep(delay)
                waited += delay
        raise AssertionError("unreachable")  # pragma: no cover


def install(bot: Bot, **kwargs: Any) -> None:
    bot.session.middleware(RetryAfterMiddleware(**kwargs))
