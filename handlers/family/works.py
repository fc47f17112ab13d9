"""/works: a child's control works of the current study period, also under the diary's
"📝 Контрольные работы" button; "◀ Дневник" leads back to the diary."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from handlers.common.gate import private
from handlers.common.screens import answer_screen, register_view
from handlers.common.turn import Turn
from handlers.family.common import family_gate
from screens.family.diary import WorksAction
from screens.family.works import works_screen
from services.people import family
from services.timetable import works_reads


async def works_view(
    event: Message | CallbackQuery, turn: Turn, callback_data: WorksAction | None = None
) -> None:
    """/works (the chat's child) and the diary's button (its child, re-checked)."""
    session, actor = turn.session, turn.me
    student = await family.family_student(
        session, actor, callback_data.s if callback_data else None
    )
    page = await works_reads.works_page(session, actor, student.id, turn.now())
    await answer_screen(event, works_screen(turn.t, page))


def build_router() -> Router:
    router = private(family_gate(Router(name=__name__)))
    register_view(router, works_view, "works", WorksAction)
    return router
