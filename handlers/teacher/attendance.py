"""Attendance of a lesson: the roster as buttons on one message edited in place.

A tap cycles present → Н → ОП → present; "all present"; save. Unsaved taps live in the FSM
data (per lesson), so nothing reaches the journal before "save", and saving twice is the same
as saving once (the service only writes changes, each audited with who and when).
Absences the family announced in advance (seed 000 §3.2) are pre-set and marked 📝; the teacher
clears them if the child is in fact present.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.teacher.callbacks import AttCb, LessonCb
from handlers.teacher.cards import card_markup, card_text
from handlers.teacher.common import (
    TEACHING,
    Clock,
    ensure_teaches,
    lesson_title,
    now_of,
    raise_lock,
    require,
    show,
)
from services import diary, journal
from services.diary import LessonSheet
from services.enums import AttendanceCode
from services.errors import AccessDenied
from services.identity import Actor

PAGE = 40
CYCLE: dict[AttendanceCode | None, AttendanceCode | None] = {
    None: AttendanceCode.ABSENT,
    AttendanceCode.ABSENT: AttendanceCode.LATE,
    AttendanceCode.LATE: None,
    AttendanceCode.ILL: None,
    AttendanceCode.EXCUSED: None,
}
ICONS = {
    None: "✅",
    AttendanceCode.ABSENT: "❌ Н",
    AttendanceCode.LATE: "⏰ ОП",
    AttendanceCode.ILL: "🤒 Б",
    AttendanceCode.EXCUSED: "📄 УП",
}
STATE_KEY = "att"

Codes = dict[int, AttendanceCode | None]


async def _load(state: FSMContext, lesson_id: int) -> Codes | None:
    data = await state.get_data()
    raw = (data.get(STATE_KEY) or {}).get(str(lesson_id))
    if raw is None:
        return None
    return {int(k): AttendanceCode(v) if v else None for k, v in raw.items()}


async def _store(state: FSMContext, lesson_id: int, codes: Codes | None) -> None:
    data = await state.get_data()
    pending = dict(data.get(STATE_KEY) or {})
    if codes is None:
        pending.pop(str(lesson_id), None)
    else:
        pending[str(lesson_id)] = {str(k): v.value for k, v in codes.items() if v is not None}
    await state.update_data({STATE_KEY: pending})


def initial_codes(sheet: LessonSheet) -> Codes:
    """What the journal has; before the first save, the families' advance notices."""
    codes: Codes = {}
    for s in sheet.students:
        if s.code is not None:
            codes[s.id] = s.code
        elif not sheet.attendance_taken and s.notice_code is not None:
            codes[s.id] = s.notice_code
    return codes


def view(
    t: Translator, sheet: LessonSheet, codes: Codes, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    students = list(sheet.students)
    pages = max(1, (len(students) + PAGE - 1) // PAGE)
    page = min(max(page, 0), pages - 1)
    absent = sum(1 for c in codes.values() if c is not None and c != AttendanceCode.LATE)
    late = sum(1 for c in codes.values() if c == AttendanceCode.LATE)
    lines = [
        lesson_title(t, sheet),
        t("teacher.att.help"),
        t("teacher.att.counts", total=len(students), absent=absent, late=late),
    ]
    if any(s.notice_code is not None for s in students):
        lines.append(t("teacher.att.announced_hint"))
    if sheet.attendance_taken:
        lines.append(t("teacher.att.saved_before"))
    kb = InlineKeyboardBuilder()
    for s in students[page * PAGE : (page + 1) * PAGE]:
        code = codes.get(s.id)
        mark = "📝" if s.notice_code is not None else ""
        kb.button(
            text=f"{ICONS[code]} {mark}{s.short_name}"[:60],
            callback_data=AttCb(lesson_id=sheet.lesson_id, action="t", student_id=s.id, page=page),
        )
    kb.adjust(2)
    if pages > 1:
        nav = InlineKeyboardBuilder()
        nav.button(
            text="◀",
            callback_data=AttCb(lesson_id=sheet.lesson_id, action="pg", page=(page - 1) % pages),
        )
        nav.button(
            text=f"{page + 1}/{pages}",
            callback_data=AttCb(lesson_id=sheet.lesson_id, action="pg", page=page),
        )
        nav.button(
            text="▶",
            callback_data=AttCb(lesson_id=sheet.lesson_id, action="pg", page=(page + 1) % pages),
        )
        kb.attach(nav)
    tail = InlineKeyboardBuilder()
    tail.button(
        text=t("teacher.att.all_present"),
        callback_data=AttCb(lesson_id=sheet.lesson_id, action="all", page=page),
    )
    tail.button(
        text=t("teacher.att.save"),
        callback_data=AttCb(lesson_id=sheet.lesson_id, action="save", page=page),
    )
    tail.button(
        text=t("teacher.btn.back"),
        callback_data=LessonCb(lesson_id=sheet.lesson_id, action="open"),
    )
    tail.adjust(2, 1)
    kb.attach(tail)
    return "\n".join(lines), kb.as_markup()


async def _sheet(
    session: AsyncSession, actor: Actor, lesson_id: int, clock: Clock | None
) -> LessonSheet:
    sheet = await diary.lesson_sheet(session, actor, lesson_id, now=now_of(clock))
    ensure_teaches(sheet)
    raise_lock(sheet.records_lock)
    return sheet


async def open_attendance(
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
    codes = initial_codes(sheet)
    await _store(state, sheet.lesson_id, codes)
    text, markup = view(t, sheet, codes)
    await show(query, text, markup)


async def attendance_action(
    query: CallbackQuery,
    callback_data: AttCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    callback_answer: CallbackAnswer,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *TEACHING)
    sheet = await _sheet(session, me, callback_data.lesson_id, clock)
    roster = {s.id for s in sheet.students}
    codes = await _load(state, sheet.lesson_id)
    if codes is None:  # the state expired or the bot restarted: start from the journal
        codes = initial_codes(sheet)
    codes = {k: v for k, v in codes.items() if k in roster}
    action = callback_data.action
    if action == "t":
        if callback_data.student_id not in roster:
            raise AccessDenied()
        codes[callback_data.student_id] = CYCLE[codes.get(callback_data.student_id)]
    elif action == "all":
        codes = {}
    elif action == "save":
        saved = await journal.save_attendance(
            session, me, sheet.lesson_id, codes, now=now_of(clock)
        )
        await _store(state, sheet.lesson_id, None)
        callback_answer.text = t("teacher.att.saved", absent=saved.absent, late=saved.late)
        fresh = await diary.lesson_sheet(session, me, sheet.lesson_id, now=now_of(clock))
        text = t("teacher.att.saved", absent=saved.absent, late=saved.late)
        text += "\n\n" + card_text(t, fresh)
        await show(query, text, card_markup(t, fresh))
        return
    await _store(state, sheet.lesson_id, codes)
    text, markup = view(t, sheet, codes, callback_data.page)
    await show(query, text, markup)


def names(sheet: LessonSheet, ids: set[int]) -> str:
    return ", ".join(escape(s.short_name) for s in sheet.students if s.id in ids)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(open_attendance, LessonCb.filter(F.action == "att"))
    router.callback_query.register(attendance_action, AttCb.filter())
    return router
