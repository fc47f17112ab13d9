"""/reasons: the class teacher's weekly reconciliation of absence reasons (seed 003 §4.5).

The week's absences by student and day, with the families' advance notices and their answers to
the absence alerts; Н becomes Б (ill) or УП (excused) with one tap, or every answer the families
gave is accepted at once. Each change goes through journal.set_absence_reasons (policy, audit).
"""

from __future__ import annotations

import datetime as dt

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.class_teacher.common import open_class
from handlers.common.gate import gate, private
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import local_today, show
from screens.class_teacher.actions import ReasonCb
from screens.class_teacher.reasons import week_screen
from screens.teacher.common import pack_day, unpack_day
from services.attendance import absence_reasons, attendance_views
from services.enums import AttendanceCode, Role
from services.errors import DomainError
from services.people import class_teacher
from services.school import school_days

ROLES = (Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY)


async def _render(
    target: Message | CallbackQuery,
    turn: Turn,
    class_id: int,
    monday: dt.date,
    note: str | None = None,
) -> None:
    cls = await class_teacher.ensure_can_oversee_class(turn.session, turn.me, class_id)
    rows = await attendance_views.absence_days(
        turn.session, turn.me, class_id, monday, monday + dt.timedelta(days=6)
    )
    await show(target, week_screen(turn.t, cls.name, class_id, monday, rows, note))


async def reasons_command(message: Message, turn: Turn) -> None:
    monday, _ = school_days.week_of(local_today(turn.me, turn.now()))

    async def open_one(class_id: int) -> None:
        await _render(message, turn, class_id, monday)

    def pick(class_id: int) -> ReasonCb:
        return ReasonCb(action="week", class_id=class_id, day=pack_day(monday))

    await open_class(message, turn, pick, open_one)


async def reasons_callback(
    query: CallbackQuery, callback_data: ReasonCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    cb, session, me, t = callback_data, turn.session, turn.me, turn.t
    day = unpack_day(cb.day)
    monday, sunday = school_days.week_of(day)
    if cb.action == "week":
        await _render(query, turn, cb.class_id, monday)
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
    changed = await absence_reasons.set_absence_reasons(session, me, items, now=turn.now())
    note = t("ct.rs.saved", count=changed)
    callback_answer.text = note
    await _render(query, turn, cb.class_id, monday, note)


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *ROLES))
    router.message.register(reasons_command, Command("reasons"))
    router.callback_query.register(reasons_callback, on(ReasonCb))
    return router
