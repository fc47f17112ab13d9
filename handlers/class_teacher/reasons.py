"""/reasons: the class teacher's weekly reconciliation of absence reasons (seed 003 §4.5).

The week's absences by student and day, with the families' advance notices and their answers to
the absence alerts; Н becomes Б (ill) or УП (excused) with one tap, or every answer the families
gave is accepted at once. Each change goes through journal.set_absence_reasons (policy, audit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.class_teacher.absences import absence_line, class_picker
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from handlers.teacher.common import Clock, local_today, now_of, require, show
from screens.class_teacher.actions import ReasonCb
from screens.teacher.common import day_text, pack_day, unpack_day
from services.attendance import absence_reasons, attendance_views
from services.attendance.attendance_views import StudentDay
from services.enums import AttendanceCode, Role
from services.errors import DomainError
from services.people import class_teacher
from services.people.identity import Actor
from services.school import school_days

MAX_BUTTON_ROWS = 15


def week_view(
    t: Translator, cls_name: str, class_id: int, monday: dt.date, rows: Sequence[StudentDay]
) -> tuple[str, InlineKeyboardMarkup]:
    sunday = monday + dt.timedelta(days=6)
    lines = [t("ct.rs.title", cls=escape(cls_name), start=f"{monday:%d.%m}", end=f"{sunday:%d.%m}")]
    absences = [x for x in rows if x.lessons]
    if not absences:
        lines.append(t("ct.rs.none"))
    open_rows = [x for x in absences if x.unexplained]
    for x in absences:
        mark = "❗" if x.unexplained else "✔️"
        lines.append(f"{mark} {day_text(t, x.date)} · " + absence_line(t, x))
    if open_rows:
        lines.append("")
        lines.append(t("ct.rs.todo", count=len(open_rows)))
    kb = InlineKeyboardBuilder()
    sizes: list[int] = []
    for x in open_rows[:MAX_BUTTON_ROWS]:
        label = f"{x.student} {x.date:%d.%m}"
        for code, key in (
            (AttendanceCode.ILL, "ct.rs.ill"),
            (AttendanceCode.EXCUSED, "ct.rs.excused"),
        ):
            kb.button(
                text=t(key, who=label)[:60],
                callback_data=ReasonCb(
                    action="set",
                    class_id=class_id,
                    day=pack_day(x.date),
                    student_id=x.student_id,
                    code=code.value,
                ),
            )
        sizes.append(2)
    answered = [x for x in open_rows if x.suggested is not None]
    if answered:
        kb.button(
            text=t("ct.rs.accept_families", count=len(answered)),
            callback_data=ReasonCb(action="fam", class_id=class_id, day=pack_day(monday)),
        )
        sizes.append(1)
    kb.button(
        text="◀",
        callback_data=ReasonCb(
            action="week", class_id=class_id, day=pack_day(monday - dt.timedelta(days=7))
        ),
    )
    kb.button(
        text="▶",
        callback_data=ReasonCb(
            action="week", class_id=class_id, day=pack_day(monday + dt.timedelta(days=7))
        ),
    )
    sizes.append(2)
    kb.adjust(*sizes)
    return "\n".join(lines), kb.as_markup()


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
    text, markup = week_view(t, cls.name, class_id, monday, rows)
    await show(target, (note + "\n\n" + text) if note else text, markup)


async def reasons_command(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY)
    classes = await class_teacher.overseen_classes(session, me)
    monday, _ = school_days.week_of(local_today(me, now_of(clock)))
    if not classes:
        await message.answer(t("ct.no_class"))
    elif len(classes) == 1:
        await _render(message, session, me, t, classes[0].id, monday)
    else:
        text, markup = class_picker(
            t, classes, lambda cid: ReasonCb(action="week", class_id=cid, day=pack_day(monday))
        )
        await message.answer(text, reply_markup=markup)


async def reasons_callback(
    query: CallbackQuery,
    callback_data: ReasonCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    callback_answer: CallbackAnswer,
    clock: Clock | None = None,
) -> None:
    me = require(actor, Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY)
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
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(reasons_command, Command("reasons"))
    router.callback_query.register(reasons_callback, on(ReasonCb))
    return router
