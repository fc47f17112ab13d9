"""/reasons: the class teacher's weekly reconciliation of absence reasons (seed 003 §4.5).

The week's absences by student and day, with the families' advance notices and their answers to
the absence alerts; Н becomes Б (ill) or УП (excused) with one tap, or every answer the families
gave is accepted at once. Each change goes through journal.set_absence_reasons (policy, audit).
"""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.class_teacher.common import open_class
from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.teacher.common import Clock, local_today, now_of, show
from screens.class_teacher.actions import ReasonCb
from screens.class_teacher.reasons import week_screen
from screens.teacher.common import pack_day, unpack_day
from services.attendance import absence_reasons, attendance_views
from services.enums import AttendanceCode, Role
from services.errors import DomainError
from services.people import class_teacher
from services.people.identity import Actor
from services.school import school_days

ROLES = (Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY)


async def _render(
    target: Message | CallbackQuery,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    class_id: int,
    monday: dt.date,
    note: str | None = None,
) -> None:
    cls = await class_teacher.ensure_can_oversee_class(session, me, class_id)
    rows = await attendance_views.absence_days(
        session, me, class_id, monday, monday + dt.timedelta(days=6)
    )
    await show(target, week_screen(t, cls.name, class_id, monday, rows, note))


async def reasons_command(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    monday, _ = school_days.week_of(local_today(me, now_of(clock)))

    async def open_one(class_id: int) -> None:
        await _render(message, session, me, t, class_id, monday)

    def pick(class_id: int) -> ReasonCb:
        return ReasonCb(action="week", class_id=class_id, day=pack_day(monday))

    await open_class(message, session, me, t, pick, open_one)


async def reasons_callback(
    query: CallbackQuery,
    callback_data: ReasonCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    callback_answer: CallbackAnswer,
    clock: Clock | None = None,
) -> None:
    cb = callback_data
    day = unpack_day(cb.day)
    monday, sunday = school_days.week_of(day)
    if cb.action == "week":
        await _render(query, session, me, t, cb.class_id, monday)
        return
    rows = await attendance_views.absence_days(session, me, cb.class_id, monday, sunday)
    items: list[tuple[int, int, AttendanceCode]] = []
    if cb.action == "set":
        try:
            code = AttendanceCode(cb.code)
        except ValueError as exc:
            raise DomainError("ct.reason_code") from exc
        for x in rows:
            if x.student_id == cb.student_id and x.date == day:
                items += [
                    (lesson.lesson_id, x.student_id, code)
                    for lesson in x.lessons
                    if lesson.code == AttendanceCode.ABSENT
                ]
    elif cb.action == "fam":
        for x in rows:
            if x.unexplained and x.suggested is not None:
                items += [
                    (lesson.lesson_id, x.student_id, x.suggested)
                    for lesson in x.lessons
                    if lesson.code == AttendanceCode.ABSENT
                ]
    else:
        raise DomainError("error.invalid")
    if not items:
        raise DomainError("ct.rs.nothing")
    changed = await absence_reasons.set_absence_reasons(session, me, items, now=now_of(clock))
    note = t("ct.rs.saved", count=changed)
    callback_answer.text = note
    await _render(query, session, me, t, cb.class_id, monday, note)


def build_router() -> Router:
    router = gate(Router(name=__name__), *ROLES)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(reasons_command, Command("reasons"))
    router.callback_query.register(reasons_callback, on(ReasonCb))
    return router
