"""/news ("📰 Новости"): the news and class events a person was sent, to read again — for the
family and for staff (services.messages.news_reads decides who reads what)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.common.gate import RoleGate, private
from handlers.common.screens import answer_screen, on, show_screen
from handlers.common.turn import Turn, with_turn
from screens.family.news import NewsAckCb, NewsListCb, NewsOpenCb, item_screen, list_screen
from services.messages import news_reads


async def news_list(
    event: Message | CallbackQuery, turn: Turn, callback_data: NewsListCb | None = None
) -> None:
    after = callback_data.a if callback_data is not None else 0
    page = await news_reads.news_page(turn.session, turn.me, after=after or None)
    await answer_screen(event, list_screen(turn.t, page, turn.me.timezone, after=after))


async def news_open(callback: CallbackQuery, callback_data: NewsOpenCb, turn: Turn) -> None:
    item = await news_reads.read_news(turn.session, turn.me, callback_data.i)
    await show_screen(callback, item_screen(turn.t, item, turn.me.timezone, after=callback_data.a))


async def news_ack(
    callback: CallbackQuery, callback_data: NewsAckCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    await news_reads.acknowledge(turn.session, turn.me, callback_data.i, now=turn.now())
    item = await news_reads.read_news(turn.session, turn.me, callback_data.i)
    callback_answer.text = turn.t("news.acknowledged")
    screen = item_screen(turn.t, item, turn.me.timezone, after=callback_data.a, with_file=False)
    await show_screen(callback, screen)


def build_router() -> Router:
    router = private(Router(name=__name__))
    gate = RoleGate(())  # every signed-in person: families and staff
    router.message.middleware(gate)
    router.callback_query.middleware(gate)
    with_turn(router, clock="family_clock")
    router.message.register(news_list, Command("news"))
    router.callback_query.register(news_list, on(NewsListCb))
    router.callback_query.register(news_open, on(NewsOpenCb))
    router.callback_query.register(news_ack, on(NewsAckCb))
    return router
