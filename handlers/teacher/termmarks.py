"""/termmarks: period marks of a class in a subject. Each student's suggested mark with the
weighted average and the number of marks behind it (thresholds 2.5 / 3.5 / 4.5, seed 003 §6.3);
too few marks are flagged; the teacher confirms all, overriding some, in one flow."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from handlers.teacher.common import Clock, now_of, require, show
from screens.teacher.actions import TermCb
from services.enums import Role, SpecialMark
from services.errors import AccessDenied, DomainError
from services.marks import final_marks
from services.marks.final_marks import FinalValue, TermSheet
from services.people.identity import Actor

STATE_KEY = "term"
VALUES = ("5", "4", "3", "2", *(s.value for s in SpecialMark))


def value_text(t: Translator, value: FinalValue | str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return str(value)
    return t(f"term.special.{SpecialMark(value).value}")


def _avg(sheet_row: final_marks.TermRow) -> str:
    if sheet_row.weighted_average is None:
        return "—"
    return f"{sheet_row.weighted_average:.2f}"


def sheet_view(
    t: Translator, sheet: TermSheet, overrides: dict[int, str]
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        t(
            "term.title",
            cls=escape(sheet.class_name),
            subject=escape(sheet.subject),
            period=escape(sheet.period),
        ),
        t("term.legend", min=sheet.min_marks),
    ]
    if sheet.period_closed:
        lines.append(t("journal.period_closed", period=escape(sheet.period)))
    kb = InlineKeyboardBuilder()
    to_save = flagged = 0
    for n, row in enumerate(sheet.rows, start=1):
        chosen: Any = overrides.get(row.student_id, row.suggested)
        line = t(
            "term.row",
            n=n,
            student=escape(row.student),
            avg=_avg(row),
            count=row.marks_count,
            suggested=value_text(t, row.suggested),
        )
        if str(row.student_id) in {str(k) for k in overrides}:
            line += " " + t("term.override", value=value_text(t, chosen))
        if row.too_few_marks:
            line += " " + t("term.few")
            flagged += 1
        if row.current is not None:
            line += " " + t("term.current", value=value_text(t, row.current))
        lines.append(line)
        if chosen is not None:
            to_save += 1
        kb.button(
            text=f"{row.student} → {value_text(t, chosen)}"[:60],
            callback_data=TermCb(
                action="stu",
                class_id=sheet.class_id,
                subject_id=sheet.subject_id,
                period_id=sheet.period_id,
                student_id=row.student_id,
            ),
        )
    kb.adjust(2)
    tail = InlineKeyboardBuilder()
    if to_save and not sheet.period_closed:
        tail.button(
            text=t("term.save", count=to_save),
            callback_data=TermCb(
                action="save",
                class_id=sheet.class_id,
                subject_id=sheet.subject_id,
                period_id=sheet.period_id,
            ),
        )
    tail.button(
        text=t("term.other_period"),
        callback_data=TermCb(action="per", class_id=sheet.class_id, subject_id=sheet.subject_id),
    )
    tail.adjust(1)
    kb.attach(tail)
    if flagged:
        lines.append(t("term.few_total", count=flagged))
    lines.append(t("term.hint"))
    return "\n".join(lines), kb.as_markup()


def _key(cb: TermCb) -> str:
    return f"{cb.class_id}:{cb.subject_id}:{cb.period_id}"


async def _overrides(state: FSMContext, cb: TermCb) -> dict[int, str]:
    data = (await state.get_data()).get(STATE_KEY) or {}
    if data.get("key") != _key(cb):
        return {}
    return {int(k): str(v) for k, v in (data.get("ov") or {}).items()}


async def _store(state: FSMContext, cb: TermCb, overrides: dict[int, str] | None) -> None:
    value = (
        None
        if overrides is None
        else {"key": _key(cb), "ov": {str(k): v for k, v in overrides.items()}}
    )
    await state.update_data({STATE_KEY: value})


async def termmarks_command(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    me = require(actor, Role.TEACHER, Role.CLASS_TEACHER)
    await state.set_state(None)
    options = await final_marks.term_options(session, me)
    if not options:
        await message.answer(t("term.none"))
        return
    if len(options) == 1:
        o = options[0]
        await _open_default(message, session, me, t, state, o.class_id, o.subject_id, clock)
        return
    kb = InlineKeyboardBuilder()
    for o in options:
        kb.button(
            text=f"{o.class_name} · {o.subject}"[:60],
            callback_data=TermCb(action="per", class_id=o.class_id, subject_id=o.subject_id),
        )
    kb.adjust(2)
    await message.answer(t("term.pick"), reply_markup=kb.as_markup())


async def _open_default(
    target: Message | CallbackQuery,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    class_id: int,
    subject_id: int,
    clock: Clock | None,
) -> None:
    _, default = await final_marks.periods_for_class(session, me, class_id, now=now_of(clock))
    if default is None:
        raise DomainError("term.no_period")
    cb = TermCb(action="pick", class_id=class_id, subject_id=subject_id, period_id=default)
    await _show_sheet(target, session, me, t, state, cb, new=isinstance(target, Message))


async def _show_sheet(
    target: Message | CallbackQuery,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    cb: TermCb,
    *,
    new: bool = False,
) -> None:
    sheet = await final_marks.term_sheet(session, me, cb.class_id, cb.subject_id, cb.period_id)
    overrides = await _overrides(state, cb)
    text, markup = sheet_view(t, sheet, overrides)
    await show(target, text, markup, new=new)


async def term_action(
    query: CallbackQuery,
    callback_data: TermCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    me = require(actor, Role.TEACHER, Role.CLASS_TEACHER)
    cb = callback_data
    if cb.action == "per":
        periods, default = await final_marks.periods_for_class(
            session, me, cb.class_id, now=now_of(clock)
        )
        # The sheet checks who may set the marks; list the periods only for them.
        if default is not None:
            await final_marks.term_sheet(session, me, cb.class_id, cb.subject_id, default)
        kb = InlineKeyboardBuilder()
        for p in periods:
            kb.button(
                text=("• " if p.id == default else "") + p.name,
                callback_data=TermCb(
                    action="pick", class_id=cb.class_id, subject_id=cb.subject_id, period_id=p.id
                ),
            )
        kb.adjust(2)
        await show(query, t("term.pick_period"), kb.as_markup())
        return
    if cb.action == "pick":
        await _show_sheet(query, session, me, t, state, cb)
        return
    sheet = await final_marks.term_sheet(session, me, cb.class_id, cb.subject_id, cb.period_id)
    overrides = await _overrides(state, cb)
    if cb.action == "stu":
        row = next((r for r in sheet.rows if r.student_id == cb.student_id), None)
        if row is None:
            raise AccessDenied()
        kb = InlineKeyboardBuilder()
        for v in VALUES:
            kb.button(
                text=value_text(t, v),
                callback_data=TermCb(
                    action="set",
                    class_id=cb.class_id,
                    subject_id=cb.subject_id,
                    period_id=cb.period_id,
                    student_id=row.student_id,
                    value=v,
                ),
            )
        kb.button(
            text=t("term.back_to_suggested"),
            callback_data=TermCb(
                action="set",
                class_id=cb.class_id,
                subject_id=cb.subject_id,
                period_id=cb.period_id,
                student_id=row.student_id,
            ),
        )
        kb.adjust(4, 4, 1)
        text = t(
            "term.pick_value",
            student=escape(row.student),
            avg=_avg(row),
            count=row.marks_count,
            suggested=value_text(t, row.suggested),
        )
        await show(query, text, kb.as_markup())
        return
    if cb.action == "set":
        if cb.student_id not in {r.student_id for r in sheet.rows}:
            raise AccessDenied()
        if cb.value:
            final_marks.parse_value(cb.value)
            overrides[cb.student_id] = cb.value
        else:
            overrides.pop(cb.student_id, None)
        await _store(state, cb, overrides)
        await show(query, *sheet_view(t, sheet, overrides))
        return
    if cb.action != "save":
        raise DomainError("error.invalid")
    marks: dict[int, int | SpecialMark] = {}
    for row in sheet.rows:
        if row.student_id in overrides:
            marks[row.student_id] = final_marks.parse_value(overrides[row.student_id])
        elif row.suggested is not None:
            marks[row.student_id] = row.suggested
    saved = await final_marks.set_period_marks(
        session, me, cb.class_id, cb.subject_id, cb.period_id, marks, now=now_of(clock)
    )
    await _store(state, cb, None)
    fresh = await final_marks.term_sheet(session, me, cb.class_id, cb.subject_id, cb.period_id)
    text, markup = sheet_view(t, fresh, {})
    note = t(
        "term.saved",
        period=escape(fresh.period),
        created=saved.created,
        changed=saved.changed,
        same=saved.unchanged,
    )
    await show(query, note + "\n\n" + text, markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(termmarks_command, Command("termmarks"))
    router.callback_query.register(term_action, on(TermCb))
    return router
