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
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from handlers.teacher.cards import back_to_card, card_markup, card_text, current_lesson
from handlers.teacher.common import (
    TEACHING,
    Clock,
    ensure_teaches,
    local_time,
    local_today,
    now_of,
    raise_lock,
    require,
    show,
)
from screens.teacher.actions import LessonCb, QuickCb
from screens.teacher.common import code_text, lesson_title
from services.enums import AttendanceCode, Role, WorkKind
from services.errors import DomainError, ValidationFailed
from services.marks import quickmarks
from services.marks.quickmarks import KIND_SHORT, Problem, QuickParse
from services.people import context
from services.people.identity import Actor
from services.richtext import fit_lines
from services.timetable import lesson_record, lesson_sheet, teacher_day
from services.timetable.lesson_sheet import LessonSheet

STATE_KEY = "qm"
RAW_ECHO = 60  # characters of a typed line shown back in the preview
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


def preview(
    t: Translator, sheet: LessonSheet, parsed: QuickParse
) -> tuple[str, InlineKeyboardMarkup]:
    names = {s.id: s.short_name for s in sheet.students}
    head = [lesson_title(t, sheet), t("quick.preview_title")]
    lines: list[str] = []
    kb = InlineKeyboardBuilder()
    rows: list[int] = []
    for n, item in enumerate(parsed.items):
        raw = escape(_clip(item.raw))
        marks = ", ".join(f"{m.value} ({KIND_SHORT[m.work_kind]})" for m in item.marks)
        if item.absence is not None:
            marks = ", ".join(x for x in (marks, code_text(t, item.absence)) if x)
        if item.ok and item.student_id is not None:
            key = "quick.line_typo" if item.typo else "quick.line_ok"
            lines.append(
                t(key, student=escape(names.get(item.student_id, "")), marks=marks, raw=raw)
            )
            if item.for_absent and item.marks:
                lines.append(
                    t("quick.line_for_absent", student=escape(names.get(item.student_id, "")))
                )
        elif item.problem == Problem.AMBIGUOUS:
            lines.append(t("quick.line_ambiguous", raw=raw, marks=marks))
            for sid in item.candidates:
                kb.button(
                    text=f"{n + 1}: {names.get(sid, '?')}",
                    callback_data=QuickCb(
                        lesson_id=sheet.lesson_id, action="pick", item=n, student_id=sid
                    ),
                )
            # Telegram takes at most 8 buttons a row.
            count = len(item.candidates)
            rows.extend([4] * (count // 4) + ([count % 4] if count % 4 else []))
        elif item.problem == Problem.TOO_MANY:
            student = escape(names.get(item.student_id or 0, ""))
            lines.append(t("quick.line_too_many", raw=raw, student=student, limit=sheet.max_marks))
        else:
            problem = item.problem.value if item.problem else "unknown"
            token = escape(_clip(item.bad_token or ""))
            lines.append(t(f"quick.line_{problem}", raw=raw, token=token))
    tail: list[str] = []
    marks_count = len(parsed.marks())
    absent_count = len(parsed.absences())
    if marks_count or absent_count:
        tail.append("")
        tail.append(t("quick.confirm_question", marks=marks_count, absent=absent_count))
        # Marks for absent students are saved only by the button that says so (item=1).
        confirm_absent = bool(parsed.for_absent)
        kb.button(
            text=t(
                "quick.save_for_absent" if confirm_absent else "quick.save",
                count=marks_count + absent_count,
            ),
            callback_data=QuickCb(lesson_id=sheet.lesson_id, action="ok", item=int(confirm_absent)),
        )
        rows.append(1)
    else:
        tail.append("")
        tail.append(t("quick.nothing"))
    tail.append(t("quick.retype"))
    kb.button(
        text=t("teacher.btn.cancel"),
        callback_data=QuickCb(lesson_id=sheet.lesson_id, action="cancel"),
    )
    rows.append(1)
    kb.adjust(*rows)
    # A whole class with long names and many marks must still be one message Telegram takes.
    text = fit_lines(head, lines, tail, lambda count: t("quick.more_lines", count=count))
    return text, kb.as_markup()


def _clip(typed: str) -> str:
    """The teacher's own words echoed back: a reminder, not the whole line."""
    return typed if len(typed) <= RAW_ECHO else typed[: RAW_ECHO - 1] + "…"


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
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *TEACHING)
    sheet = await _sheet(session, me, callback_data.lesson_id, clock)
    await state.set_state(QuickStates.text)
    await state.update_data(qm_lesson=sheet.lesson_id, **{STATE_KEY: None})
    example = " ".join(s.last_name for s in sheet.students[:1]) or "Иванов"
    text = "\n".join(
        [lesson_title(t, sheet), t("quick.prompt"), "", t("quick.help", example=escape(example))]
    )
    await show(query, text, back_to_card(t, sheet.lesson_id))


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
    text, markup = preview(t, sheet, parsed)
    await message.answer(text, reply_markup=markup)


async def typed_marks(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *TEACHING)
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
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *TEACHING)
    cb = callback_data
    if cb.action == "cancel":
        await _remember(state, cb.lesson_id, None)
        await state.set_state(None)
        fresh = await lesson_sheet.lesson_sheet(session, me, cb.lesson_id, now=now_of(clock))
        await show(query, card_text(t, fresh), card_markup(t, fresh))
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
        await show(query, *preview(t, sheet, parsed))
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
    text = t("quick.saved", marks=len(saved.marks), absent=len(absences))
    await show(query, text + "\n\n" + card_text(t, fresh), card_markup(t, fresh))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(open_quick, on(LessonCb, F.action == "qm"))
    router.callback_query.register(quick_action, on(QuickCb))
    router.message.register(
        typed_marks, StateFilter(QuickStates.text), F.text, ~F.text.startswith("/")
    )
    router.message.register(
        unprompted_marks,
        StateFilter(None),
        F.text.regexp(LOOKS_LIKE_MARKS),
        ~F.text.startswith("/"),
    )
    return router
