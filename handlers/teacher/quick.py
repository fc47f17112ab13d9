"""Marks by one message: the teacher types the whole lesson at once, the bot shows a preview
(ambiguous names asked about with buttons) and saves only on confirmation, in one transaction.

Syntax: services/marks/quickmarks.py and docs/quick-marks.md. Opened from the lesson card (✍️); a
message typed without choosing a lesson goes to the lesson on now (or next) of today.
"""

from __future__ import annotations

import datetime as dt
import re

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen
from handlers.common.turn import Turn
from handlers.teacher.common import (
    TEACHING,
    Clock,
    local_time,
    local_today,
    marks_sheet,
    now_of,
    sheet_now,
    show,
    typed_lesson,
)
from i18n import Translator
from screens.teacher.actions import LessonCb, QuickCb
from screens.teacher.card import card_screen
from screens.teacher.quick import preview_screen, prompt_screen, saved_note
from screens.teacher.today import current_lesson
from services.enums import AttendanceCode, WorkKind
from services.errors import DomainError
from services.marks import lesson_record, quickmarks
from services.marks.quickmarks import QuickParse
from services.people import context
from services.people.identity import Actor
from services.timetable import teacher_day
from services.timetable.lesson_sheet import LessonSheet

STATE_KEY = "qm"
# A typed message that looks like marks: a word followed by a mark or "н".
LOOKS_LIKE_MARKS = re.compile(r"[^\W\d_]{2,}\.?\s+(?:[^\W\d_]\.?\s+)?(?:[1-5]|н\b|нб\b)", re.I)


class QuickStates(StatesGroup):
    text = State()


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


async def open_quick(query: CallbackQuery, callback_data: LessonCb, turn: Turn) -> None:
    sheet = await marks_sheet(turn.session, turn.me, callback_data.lesson_id, turn.now())
    await turn.state.set_state(QuickStates.text)
    await turn.state.update_data(qm_lesson=sheet.lesson_id, **{STATE_KEY: None})
    await show(query, prompt_screen(turn.t, sheet))


async def _parse_and_preview(
    message: Message,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    lesson_id: int,
    now: dt.datetime,
) -> None:
    sheet = await marks_sheet(session, me, lesson_id, now)
    parsed = quickmarks.parse(message.text or "", roster(sheet), sheet.work_kind or WorkKind.ANSWER)
    parsed = with_limits(sheet, parsed)
    await state.set_state(QuickStates.text)
    await state.update_data(qm_lesson=sheet.lesson_id)
    await _remember(state, sheet.lesson_id, parsed)
    await send_screen(message, preview_screen(t, sheet, parsed))


async def typed_marks(message: Message, turn: Turn) -> None:
    lesson_id = await typed_lesson(turn.state, "qm_lesson")
    await _parse_and_preview(
        message, turn.session, turn.me, turn.t, turn.state, lesson_id, turn.now()
    )


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
    if ctx.role not in TEACHING:
        raise SkipHandler()
    now = now_of(clock)
    lessons = await teacher_day.teacher_lessons(session, actor, local_today(actor, now))
    lesson = current_lesson(lessons, local_time(actor, now))
    if lesson is None:
        raise SkipHandler()
    await _parse_and_preview(message, session, actor, t, state, lesson.lesson_id, now)


async def _card(query: CallbackQuery, turn: Turn, lesson_id: int, note: str = "") -> None:
    """The preview is over (saved or cancelled): it is forgotten, so a second tap on "save"
    finds nothing to save again, and the lesson card is shown."""
    await _remember(turn.state, lesson_id, None)
    await turn.state.set_state(None)
    await show(query, card_screen(turn.t, await sheet_now(turn, lesson_id), note))


async def quick_action(query: CallbackQuery, callback_data: QuickCb, turn: Turn) -> None:
    cb, t = callback_data, turn.t
    if cb.action == "cancel":
        await _card(query, turn, cb.lesson_id)
        return
    sheet = await marks_sheet(turn.session, turn.me, cb.lesson_id, turn.now())
    parsed = await _recall(turn.state, sheet.lesson_id)
    if cb.action == "pick":
        try:
            parsed = quickmarks.resolve(parsed, cb.item, cb.student_id)
        except (ValueError, IndexError) as exc:
            raise DomainError("quick.expired") from exc
        parsed = with_limits(sheet, parsed)
        await _remember(turn.state, sheet.lesson_id, parsed)
        await show(query, preview_screen(t, sheet, parsed))
        return
    if cb.action != "ok":
        raise DomainError("error.invalid")
    absences: dict[int, AttendanceCode] = parsed.absences()
    saved = await lesson_record.record_lesson(
        turn.session,
        turn.me,
        sheet.lesson_id,
        parsed.marks(),
        absences=absences,
        for_absent=cb.item == 1,
        now=turn.now(),
    )
    await _card(query, turn, sheet.lesson_id, saved_note(t, len(saved.marks), len(absences)))


def build_router() -> Router:
    """The lesson's quick marks for the teachers (gated); marks typed without choosing a
    lesson are looked at for them only and left to other handlers for anyone else."""
    router = private(Router(name=__name__))
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
