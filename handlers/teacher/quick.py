"""Marks by one message: the teacher types the whole lesson at once, the bot shows a preview
(ambiguous names asked about with buttons) and saves only on confirmation, in one transaction.

Syntax: services/marks/quickmarks.py and docs/quick-marks.md. Opened from the lesson card (✍️); a
message typed without choosing a lesson goes to the lesson on now (or next) of today.
"""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from handlers.common.gate import gate
from handlers.common.screens import on, send_screen
from handlers.teacher.common import (
    TEACHING,
    Clock,
    ensure_teaches,
    local_time,
    local_today,
    now_of,
    raise_lock,
    show,
)
from screens.teacher.actions import LessonCb, QuickCb
from screens.teacher.card import card_screen
from screens.teacher.quick import preview_screen, prompt_screen, saved_note
from screens.teacher.today import current_lesson
from services.enums import AttendanceCode, Role, WorkKind
from services.errors import DomainError, ValidationFailed
from services.marks import lesson_record, quickmarks
from services.marks.quickmarks import QuickParse
from services.people import context
from services.people.identity import Actor
from services.timetable import lesson_sheet, teacher_day
from services.timetable.lesson_sheet import LessonSheet

STATE_KEY = "qm"
# A typed message that looks like marks: a word followed by a mark or "н".
LOOKS_LIKE_MARKS = re.compile(r"[^\W\d_]{2,}\.?\s+(?:[^\W\d_]\.?\s+)?(?:[1-5]|н\b|нб\b)", re.I)


class QuickStates(StatesGroup):
    text = State()


async def _sheet(
    session: AsyncSession, actor: Actor, lesson_id: int, clock: Clock | None
) -> LessonSheet:
    sheet = await lesson_sheet.lesson_sheet(session, actor, lesson_id, now=now_of(clock))
    ensure_teaches(sheet)
    if sheet.first_grade:
        raise ValidationFailed("journal.first_grade_no_marks")
    raise_lock(sheet.records_lock)
    return sheet


def roster(sheet: LessonSheet) -> list[quickmarks.Student]:
    return [quickmarks.Student(s.id, s.last_name, s.first_name) for s in sheet.students]


def with_limits(sheet: LessonSheet, parsed: QuickParse) -> QuickParse:
    """The lesson's limits on a parse: the school's cap of marks per student and lesson (the
    marks already there count) and marks for students marked absent, to be confirmed."""
    return quickmarks.check_limits(
        parsed,
        existing={s.id: len(s.marks) for s in sheet.students},
        codes={s.id: s.code for s in sheet.students},
        limit=sheet.max_marks,
    )


async def _remember(state: FSMContext, lesson_id: int, parsed: QuickParse | None) -> None:
    if parsed is None:
        await state.update_data({STATE_KEY: None})
    else:
        await state.update_data({STATE_KEY: {"lesson_id": lesson_id, **quickmarks.dump(parsed)}})


async def _recall(state: FSMContext, lesson_id: int) -> QuickParse:
    data = (await state.get_data()).get(STATE_KEY)
    if not data or data.get("lesson_id") != lesson_id:
        raise DomainError("quick.expired")
    return quickmarks.load(data)


async def open_quick(
    query: CallbackQuery,
    callback_data: LessonCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    sheet = await _sheet(session, me, callback_data.lesson_id, clock)
    await state.set_state(QuickStates.text)
    await state.update_data(qm_lesson=sheet.lesson_id, **{STATE_KEY: None})
    await show(query, prompt_screen(t, sheet))


async def _parse_and_preview(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    lesson_id: int,
    clock: Clock | None,
) -> None:
    sheet = await _sheet(session, me, lesson_id, clock)
    parsed = quickmarks.parse(message.text or "", roster(sheet), sheet.work_kind or WorkKind.ANSWER)
    parsed = with_limits(sheet, parsed)
    await state.set_state(QuickStates.text)
    await state.update_data(qm_lesson=sheet.lesson_id)
    await _remember(state, sheet.lesson_id, parsed)
    await send_screen(message, preview_screen(t, sheet, parsed))


async def typed_marks(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    lesson_id = (await state.get_data()).get("qm_lesson")
    if not isinstance(lesson_id, int):
        await state.set_state(None)
        raise DomainError("quick.expired")
    await _parse_and_preview(message, session, me, t, state, lesson_id, clock)


async def unprompted_marks(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    """Marks typed without choosing a lesson: the teacher's lesson on now (or next) today."""
    if actor is None or not actor.has(*TEACHING):
        raise SkipHandler()
    ctx = await context.chat_context(session, actor)
    if ctx.role not in (Role.TEACHER, Role.CLASS_TEACHER, Role.DEPUTY):
        raise SkipHandler()
    now = now_of(clock)
    lessons = await teacher_day.teacher_lessons(session, actor, local_today(actor, now))
    lesson = current_lesson(lessons, local_time(actor, now))
    if lesson is None:
        raise SkipHandler()
    await _parse_and_preview(message, session, actor, t, state, lesson.lesson_id, clock)


async def quick_action(
    query: CallbackQuery,
    callback_data: QuickCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    cb = callback_data
    if cb.action == "cancel":
        await _remember(state, cb.lesson_id, None)
        await state.set_state(None)
        fresh = await lesson_sheet.lesson_sheet(session, me, cb.lesson_id, now=now_of(clock))
        await show(query, card_screen(t, fresh))
        return
    sheet = await _sheet(session, me, cb.lesson_id, clock)
    parsed = await _recall(state, sheet.lesson_id)
    if cb.action == "pick":
        try:
            parsed = quickmarks.resolve(parsed, cb.item, cb.student_id)
        except (ValueError, IndexError) as exc:
            raise DomainError("quick.expired") from exc
        parsed = with_limits(sheet, parsed)
        await _remember(state, sheet.lesson_id, parsed)
        await show(query, preview_screen(t, sheet, parsed))
        return
    if cb.action != "ok":
        raise DomainError("error.invalid")
    absences: dict[int, AttendanceCode] = parsed.absences()
    saved = await lesson_record.record_lesson(
        session,
        me,
        sheet.lesson_id,
        parsed.marks(),
        absences=absences,
        for_absent=cb.item == 1,
        now=now_of(clock),
    )
    # Saved: forget the preview, so a second tap on "save" finds nothing to save again.
    await _remember(state, sheet.lesson_id, None)
    await state.set_state(None)
    fresh = await lesson_sheet.lesson_sheet(session, me, sheet.lesson_id, now=now_of(clock))
    note = saved_note(t, len(saved.marks), len(absences))
    await show(query, card_screen(t, fresh, note))


def build_router() -> Router:
    """The lesson's quick marks for the teachers (gated); marks typed without choosing a
    lesson are looked at for them only and left to other handlers for anyone else."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    teaching = gate(Router(name=f"{__name__}.teaching"), *TEACHING)
    teaching.callback_query.register(open_quick, on(LessonCb, F.action == "qm"))
    teaching.callback_query.register(quick_action, on(QuickCb))
    teaching.message.register(
        typed_marks, StateFilter(QuickStates.text), F.text, ~F.text.startswith("/")
    )
    unprompted = Router(name=f"{__name__}.unprompted")
    unprompted.message.register(
        unprompted_marks,
        StateFilter(None),
        F.text.regexp(LOOKS_LIKE_MARKS),
        ~F.text.startswith("/"),
    )
    router.include_routers(teaching, unprompted)
    return router
