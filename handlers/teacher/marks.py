"""Marks by taps: lesson → kind of work → student → mark (two taps a mark once the kind is
chosen). Changing or deleting a mark asks for a reason (a preset one or typed), which goes to
the audit log and to the family."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from handlers.teacher.common import (
    TEACHING,
    Clock,
    ensure_teaches,
    now_of,
    raise_lock,
    require,
    show,
)
from screens.teacher.actions import LessonCb, MarkCb
from screens.teacher.common import kind_text, lesson_title
from services.enums import WorkKind
from services.errors import AccessDenied, DomainError, ValidationFailed
from services.marks import marking
from services.marks.quickmarks import KIND_SHORT, NOT_PRESENT
from services.people.identity import Actor
from services.timetable import lesson_sheet
from services.timetable.lesson_sheet import LessonSheet, SheetStudent

PAGE = 40
REASONS = ("teacher.reason.typo", "teacher.reason.retake")


class MarkStates(StatesGroup):
    reason = State()


def _kind(value: str) -> WorkKind:
    try:
        return WorkKind(value)
    except ValueError as exc:
        raise DomainError("error.invalid") from exc


async def _sheet(
    session: AsyncSession, actor: Actor, lesson_id: int, clock: Clock | None
) -> LessonSheet:
    sheet = await lesson_sheet.lesson_sheet(session, actor, lesson_id, now=now_of(clock))
    ensure_teaches(sheet)
    if sheet.first_grade:
        raise ValidationFailed("journal.first_grade_no_marks")
    raise_lock(sheet.records_lock)
    return sheet


def _student(sheet: LessonSheet, student_id: int) -> SheetStudent:
    for s in sheet.students:
        if s.id == student_id:
            return s
    raise AccessDenied()


def kinds_view(t: Translator, sheet: LessonSheet) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    current = sheet.work_kind or WorkKind.ANSWER
    for kind in WorkKind:
        label = kind_text(t, kind)
        kb.button(
            text=("• " if kind == current else "") + label,
            callback_data=MarkCb(lesson_id=sheet.lesson_id, action="list", kind=kind.value),
        )
    kb.button(
        text=t("teacher.btn.back"), callback_data=LessonCb(lesson_id=sheet.lesson_id, action="open")
    )
    kb.adjust(3)
    return lesson_title(t, sheet) + "\n" + t("teacher.mk.pick_kind"), kb.as_markup()


def students_view(
    t: Translator, sheet: LessonSheet, kind: WorkKind, page: int = 0, note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    students = list(sheet.students)
    pages = max(1, (len(students) + PAGE - 1) // PAGE)
    page = min(max(page, 0), pages - 1)
    kb = InlineKeyboardBuilder()
    for s in students[page * PAGE : (page + 1) * PAGE]:
        marks = " ".join(str(m.value) for m in s.marks)
        kb.button(
            text=f"{s.short_name} {marks}".strip()[:60],
            callback_data=MarkCb(
                lesson_id=sheet.lesson_id, action="stu", kind=kind.value, student_id=s.id, page=page
            ),
        )
    kb.adjust(2)
    tail = InlineKeyboardBuilder()
    if pages > 1:
        for n in range(pages):
            tail.button(
                text=f"{n + 1}/{pages}" if n == page else str(n + 1),
                callback_data=MarkCb(
                    lesson_id=sheet.lesson_id, action="list", kind=kind.value, page=n
                ),
            )
    tail.button(
        text=t("teacher.mk.change_kind"),
        callback_data=MarkCb(lesson_id=sheet.lesson_id, action="kind"),
    )
    tail.button(
        text=t("teacher.btn.back"), callback_data=LessonCb(lesson_id=sheet.lesson_id, action="open")
    )
    kb.attach(tail)
    lines = [lesson_title(t, sheet), t("teacher.mk.pick_student", kind=kind_text(t, kind))]
    if note:
        lines.insert(0, note)
    return "\n".join(lines), kb.as_markup()


def values_view(
    t: Translator, sheet: LessonSheet, kind: WorkKind, student: SheetStudent, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The values for a new mark, and the student's marks to correct. A student marked absent
    gets a warning, and the values carry the confirmation (``reason=1``: a mark for an absent
    student, e.g. for work handed in later); at the school's cap no new value is offered."""
    kb = InlineKeyboardBuilder()
    absent = student.code in NOT_PRESENT
    full = len(student.marks) >= sheet.max_marks
    for value in () if full else (5, 4, 3, 2, 1):
        kb.button(
            text=str(value),
            callback_data=MarkCb(
                lesson_id=sheet.lesson_id,
                action="put",
                kind=kind.value,
                student_id=student.id,
                value=value,
                page=page,
                reason=int(absent),
            ),
        )
    for m in student.marks:
        kb.button(
            text=t("teacher.mk.edit_btn", value=m.value, kind=KIND_SHORT[m.work_kind]),
            callback_data=MarkCb(
                lesson_id=sheet.lesson_id,
                action="edit",
                kind=kind.value,
                student_id=student.id,
                mark_id=m.id,
            ),
        )
    kb.button(
        text=t("teacher.btn.back"),
        callback_data=MarkCb(lesson_id=sheet.lesson_id, action="list", kind=kind.value, page=page),
    )
    kb.adjust(*((2,) if full else (5, 2)))
    text = t(
        "teacher.mk.pick_value",
        student=escape(student.short_name),
        kind=kind_text(t, kind),
    )
    if full:
        text += "\n" + t(
            "teacher.mk.cap_reached", student=escape(student.short_name), limit=sheet.max_marks
        )
    elif absent:
        text += "\n" + t("teacher.mk.absent_warning", student=escape(student.short_name))
    return lesson_title(t, sheet) + "\n" + text, kb.as_markup()


def edit_view(
    t: Translator, sheet: LessonSheet, cb: MarkCb, student: SheetStudent
) -> tuple[str, InlineKeyboardMarkup]:
    mark = next((m for m in student.marks if m.id == cb.mark_id), None)
    if mark is None:
        raise DomainError("error.not_found")
    kb = InlineKeyboardBuilder()
    for value in (5, 4, 3, 2, 1):
        if value != mark.value:
            kb.button(
                text=f"→ {value}",
                callback_data=MarkCb(
                    lesson_id=sheet.lesson_id,
                    action="chg",
                    kind=cb.kind,
                    student_id=student.id,
                    mark_id=mark.id,
                    value=value,
                ),
            )
    kb.button(
        text=t("teacher.mk.delete"),
        callback_data=MarkCb(
            lesson_id=sheet.lesson_id,
            action="chg",
            kind=cb.kind,
            student_id=student.id,
            mark_id=mark.id,
            value=0,
        ),
    )
    kb.button(
        text=t("teacher.btn.back"),
        callback_data=MarkCb(
            lesson_id=sheet.lesson_id, action="stu", kind=cb.kind, student_id=student.id
        ),
    )
    kb.adjust(4, 2)
    text = t(
        "teacher.mk.edit",
        student=escape(student.short_name),
        value=mark.value,
        kind=kind_text(t, mark.work_kind),
    )
    return text, kb.as_markup()


def reason_view(
    t: Translator, cb: MarkCb, student: SheetStudent
) -> tuple[str, InlineKeyboardMarkup]:
    kb = InlineKeyboardBuilder()
    for n, key in enumerate(REASONS, start=1):
        kb.button(
            text=t(key),
            callback_data=MarkCb(
                lesson_id=cb.lesson_id,
                action="rsn",
                kind=cb.kind,
                student_id=cb.student_id,
                mark_id=cb.mark_id,
                value=cb.value,
                reason=n,
            ),
        )
    kb.button(
        text=t("teacher.btn.cancel"),
        callback_data=MarkCb(
            lesson_id=cb.lesson_id, action="stu", kind=cb.kind, student_id=cb.student_id
        ),
    )
    kb.adjust(1)
    what = (
        t("teacher.mk.what_delete")
        if cb.value == 0
        else t("teacher.mk.what_change", value=cb.value)
    )
    return (
        t("teacher.mk.reason", student=escape(student.short_name), what=what),
        kb.as_markup(),
    )


async def open_marks(
    query: CallbackQuery,
    callback_data: LessonCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *TEACHING)
    sheet = await _sheet(session, me, callback_data.lesson_id, clock)
    await show(query, *kinds_view(t, sheet))


async def marks_action(
    query: CallbackQuery,
    callback_data: MarkCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    callback_answer: CallbackAnswer,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *TEACHING)
    cb = callback_data
    sheet = await _sheet(session, me, cb.lesson_id, clock)
    if cb.action == "kind":
        await show(query, *kinds_view(t, sheet))
        return
    kind = _kind(cb.kind)
    if cb.action == "list":
        await state.set_state(None)
        await show(query, *students_view(t, sheet, kind, cb.page))
        return
    student = _student(sheet, cb.student_id)
    if cb.action == "stu":
        await state.set_state(None)
        await show(query, *values_view(t, sheet, kind, student, cb.page))
    elif cb.action == "put":
        await marking.put_mark(
            session,
            me,
            sheet.lesson_id,
            student.id,
            cb.value,
            kind,
            for_absent=cb.reason == 1,
            now=now_of(clock),
        )
        note = t("teacher.mk.saved", student=escape(student.short_name), value=cb.value)
        callback_answer.text = t("teacher.mk.saved_short", value=cb.value)
        fresh = await lesson_sheet.lesson_sheet(session, me, sheet.lesson_id, now=now_of(clock))
        await show(query, *students_view(t, fresh, kind, cb.page, note))
    elif cb.action == "edit":
        await show(query, *edit_view(t, sheet, cb, student))
    elif cb.action == "chg":
        if not any(m.id == cb.mark_id for m in student.marks):
            raise AccessDenied()
        await state.set_state(MarkStates.reason)
        await state.update_data(
            mk_reason={
                "lesson_id": cb.lesson_id,
                "mark_id": cb.mark_id,
                "value": cb.value,
                "kind": cb.kind,
                "student_id": cb.student_id,
                "message_id": query.message.message_id if query.message else None,
            }
        )
        await show(query, *reason_view(t, cb, student))
    elif cb.action == "rsn":
        if not 1 <= cb.reason <= len(REASONS):
            raise DomainError("error.invalid")
        await _apply(session, me, t, state, cb, student, t(REASONS[cb.reason - 1]), clock)
        fresh = await lesson_sheet.lesson_sheet(session, me, sheet.lesson_id, now=now_of(clock))
        await show(query, *students_view(t, fresh, kind, 0, _done_note(t, cb, student)))
    else:
        raise DomainError("error.invalid")


def _done_note(t: Translator, cb: MarkCb, student: SheetStudent) -> str:
    if cb.value == 0:
        return t("teacher.mk.deleted", student=escape(student.short_name))
    return t("teacher.mk.changed", student=escape(student.short_name), value=cb.value)


async def _apply(
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    cb: MarkCb,
    student: SheetStudent,
    reason: str,
    clock: Clock | None,
) -> None:
    if not any(m.id == cb.mark_id for m in student.marks):
        raise AccessDenied()
    if cb.value == 0:
        await marking.delete_mark(session, me, cb.mark_id, reason=reason, now=now_of(clock))
    else:
        await marking.change_mark(
            session, me, cb.mark_id, reason=reason, value=cb.value, now=now_of(clock)
        )
    await state.set_state(None)
    await state.update_data(mk_reason=None)


async def typed_reason(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *TEACHING)
    data = (await state.get_data()).get("mk_reason") or {}
    if not data:
        await state.set_state(None)
        return
    cb = MarkCb(
        lesson_id=int(data["lesson_id"]),
        action="rsn",
        kind=str(data["kind"]),
        student_id=int(data["student_id"]),
        value=int(data["value"]),
        mark_id=int(data["mark_id"]),
    )
    sheet = await _sheet(session, me, cb.lesson_id, clock)
    student = _student(sheet, cb.student_id)
    await _apply(session, me, t, state, cb, student, message.text or "", clock)
    fresh = await lesson_sheet.lesson_sheet(session, me, sheet.lesson_id, now=now_of(clock))
    text, markup = students_view(t, fresh, _kind(cb.kind), 0, _done_note(t, cb, student))
    await message.answer(text, reply_markup=markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(open_marks, on(LessonCb, F.action == "mk"))
    router.callback_query.register(marks_action, on(MarkCb))
    router.message.register(
        typed_reason, StateFilter(MarkStates.reason), F.text, ~F.text.startswith("/")
    )
    return router
