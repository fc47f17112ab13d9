"""/absences: today's absences across the class (the class teacher; a deputy or admin picks a
class), with what the families announced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from handlers.teacher.common import Clock, local_today, now_of, require, show
from screens.class_teacher.actions import AbsCb
from screens.teacher.common import code_text, day_text, pack_day, unpack_day
from services.attendance import attendance_views
from services.attendance.attendance_views import StudentDay
from services.enums import Role
from services.people import class_teacher
from services.people.class_teacher import ClassRef
from services.people.identity import Actor

ROLES = (Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY, Role.DIRECTOR)


def class_picker(
    t: Translator, classes: Sequence[ClassRef], make: object, key: str = "ct.pick_class"
) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for c in classes:
        kb.button(text=c.name, callback_data=make(c.id))  # type: ignore[operator]
    kb.adjust(4)
    return t(key), kb.as_markup()


def absence_line(t: Translator, x: StudentDay) -> str:
    if x.lessons:
        by_code: dict[str, list[str]] = {}
        for lesson in x.lessons:
            by_code.setdefault(code_text(t, lesson.code), []).append(
                t(
                    "ct.abs.lesson_at" if lesson.starts_at is not None else "ct.abs.lesson",
                    number=lesson.number,
                    time=f"{lesson.starts_at:%H:%M}" if lesson.starts_at is not None else "",
                    subject=escape(lesson.subject),
                )
            )
        what = "; ".join(f"{code}: {', '.join(nums)}" for code, nums in by_code.items())
    else:
        what = t("ct.abs.not_marked")
    line = t("ct.abs.line", student=escape(x.student), what=what)
    if x.notice_reason is not None:
        line += " " + t("ct.abs.notice", reason=escape(x.notice_reason))
    if x.family_reason:
        line += " " + t(
            f"ct.family.{x.family_reason}"
            if x.family_reason in ("ill", "excused")
            else "ct.family.unknown"
        )
    return line


def absences_view(
    t: Translator, cls_name: str, class_id: int, day: dt.date, rows: Sequence[StudentDay]
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("ct.abs.title", cls=escape(cls_name), day=day_text(t, day))]
    if not rows:
        lines.append(t("ct.abs.none"))
    lines += [absence_line(t, x) for x in rows]
    kb = InlineKeyboardBuilder()
    kb.button(
        text="◀", callback_data=AbsCb(class_id=class_id, day=pack_day(day - dt.timedelta(days=1)))
    )
    kb.button(
        text="▶", callback_data=AbsCb(class_id=class_id, day=pack_day(day + dt.timedelta(days=1)))
    )
    return "\n".join(lines), kb.as_markup()


async def _render(
    target: Message | CallbackQuery,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    class_id: int,
    day: dt.date,
) -> None:
    rows = await attendance_views.absence_days(session, me, class_id, day, day)
    cls = await class_teacher.ensure_can_oversee_class(session, me, class_id)
    await show(target, *absences_view(t, cls.name, class_id, day, rows))


async def absences_command(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *ROLES)
    classes = await class_teacher.overseen_classes(session, me)
    today = local_today(me, now_of(clock))
    if not classes:
        await message.answer(t("ct.no_class"))
    elif len(classes) == 1:
        await _render(message, session, me, t, classes[0].id, today)
    else:
        text, markup = class_picker(
            t, classes, lambda cid: AbsCb(class_id=cid, day=pack_day(today))
        )
        await message.answer(text, reply_markup=markup)


async def absences_callback(
    query: CallbackQuery,
    callback_data: AbsCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
) -> None:
    me = require(actor, *ROLES)
    await _render(query, session, me, t, callback_data.class_id, unpack_day(callback_data.day))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(absences_command, Command("absences"))
    router.callback_query.register(absences_callback, on(AbsCb))
    return router
