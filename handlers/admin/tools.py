"""The office's journal tools: the audit log of a student or of a lesson, the dead letters of
the notification queue, substitutions, unfilled lessons of the last week and journal checks.

Pickers (class → day → lesson, class → student) are shared by the tools through ``PickCb``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape, has_key
from handlers.admin.common import (
    OFFICE,
    Clock,
    now_of,
    pack_day,
    paged,
    require,
    send_long,
    show,
    unpack_day,
    when,
)
from handlers.admin.menu import home_button
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from screens.admin.actions import AuditCb, CheckCb, OfficeCb, PickCb, SubCb
from services.enums import Role
from services.errors import AccessDenied, DomainError
from services.notifications import dead_letters
from services.people.identity import Actor
from services.school import audit_trail, office_reads
from services.timetable import journal_control, substitutions

TOOLS = ("aus", "aul", "sub", "chk")
DAYS_BACK = 7
VALUE_LIMIT = 80
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
MAX_NOTE = 4000


class CheckForm(StatesGroup):
    note = State()


def not_command(message: Message) -> bool:
    return not (message.text or "").startswith("/")


# --------------------------------------------------------------------------- pickers


async def _today(session: AsyncSession, actor: Actor, clock: Clock | None) -> dt.date:
    return await office_reads.today_of(session, actor, now_of(clock))


async def start_tool(
    query: CallbackQuery,
    callback_data: OfficeCb,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
) -> None:
    """aus, aul, sub, chk: first the class."""
    me = require(actor, *OFFICE)
    await state.clear()
    await _classes(query, me, session, t, callback_data.action, 0)


async def _classes(
    query: CallbackQuery, actor: Actor, session: AsyncSession, t: Translator, tool: str, page: int
) -> None:
    classes = await office_reads.office_classes(session, actor)
    kb = InlineKeyboardBuilder()
    if tool == "chk":
        row = InlineKeyboardBuilder()
        row.button(text=t("office.checks.list"), callback_data=CheckCb(action="list"))
        kb.attach(row)
    items = [(c.title, PickCb(tool=tool, step="next", id=c.id)) for c in classes]
    paged(kb, items, page, lambda p: PickCb(tool=tool, step="cls", page=p), columns=4, size=48)
    home_button(kb, t)
    await show(query, t(f"office.pick.class.{tool}"), kb.as_markup())


async def pick(
    query: CallbackQuery,
    callback_data: PickCb,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    lang: str,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *OFFICE)
    cb = callback_data
    if cb.tool not in TOOLS:
        raise DomainError("error.invalid")
    if cb.step == "cls":
        await _classes(query, me, session, t, cb.tool, cb.page)
    elif (cb.step == "next" and cb.tool == "aus") or cb.step == "stu":
        students = await office_reads.class_students(session, me, cb.id)
        kb = InlineKeyboardBuilder()
        items = [(s.title, AuditCb(what="stu", id=s.id)) for s in students]
        paged(kb, items, cb.page, lambda p: PickCb(tool="aus", step="stu", id=cb.id, page=p))
        home_button(kb, t)
        await show(query, t("office.pick.student"), kb.as_markup())
    elif cb.step == "next" and cb.tool == "aul":
        today = await _today(session, me, clock)
        office_reads.ensure_office(me, "lesson_audit")
        kb = InlineKeyboardBuilder()
        for back in range(DAYS_BACK + 1):
            day = today - dt.timedelta(days=back)
            kb.button(
                text=day.strftime("%d.%m"),
                callback_data=PickCb(tool="aul", step="les", id=cb.id, day=pack_day(day)),
            )
        kb.adjust(4)
        home_button(kb, t)
        await show(query, t("office.pick.day"), kb.as_markup())
    elif cb.step == "next" and cb.tool == "sub":
        today = await _today(session, me, clock)
        await _sub_lessons(query, me, session, t, cb.id, today)
    elif cb.step == "les" and cb.tool == "aul":
        day = unpack_day(cb.day)
        lessons = await substitutions.class_lessons_on(session, me, cb.id, day)
        kb = InlineKeyboardBuilder()
        for row in lessons:
            kb.button(
                text=f"{row.number}. {row.subject} — {row.substitute or row.teacher}",
                callback_data=AuditCb(what="les", id=row.id),
            )
        kb.adjust(1)
        home_button(kb, t)
        text = t("office.pick.lesson", day=day.strftime("%d.%m.%Y"))
        if not lessons:
            text = t("office.pick.no_lessons", day=day.strftime("%d.%m.%Y"))
        await show(query, text, kb.as_markup())
    elif cb.step == "next" and cb.tool == "chk":
        office_reads.ensure_office(me, "journal_check")
        classes = {c.id: c.title for c in await office_reads.office_classes(session, me)}
        if cb.id not in classes:
            raise AccessDenied()
        await state.set_state(CheckForm.note)
        await state.set_data({"class_id": cb.id})
        kb = InlineKeyboardBuilder()
        home_button(kb, t)
        await show(query, t("office.checks.ask", cls=escape(classes[cb.id])), kb.as_markup())
    else:
        raise DomainError("error.invalid")


# --------------------------------------------------------------------------- audit log


def _clip(text: str) -> str:
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


# Values shown through their own words: the field → the locale table of its values.
VALUE_WORDS = {
    "code": "office.value.code",
    "work_kind": "teacher.kind",
    "special": "term.special",
    "family_reason": "notify.reason",
    "role": "role",
}


def _value(t: Translator, lang: str, field: str, value: Any, zone: dt.tzinfo | None) -> str:
    """A recorded value in human words: codes and kinds translated, dates the user's way."""
    if value is None:
        key = f"office.value.none.{field}"
        return t(key) if has_key(key, lang) else "—"
    if isinstance(value, bool):
        return t("office.value.yes" if value else "office.value.no")
    if field in VALUE_WORDS and isinstance(value, str):
        key = f"{VALUE_WORDS[field]}.{value}"
        return t(key) if has_key(key, lang) else _clip(value)
    if isinstance(value, str):
        if DATE_RE.fullmatch(value):
            return t.date(value)
        if DATETIME_RE.match(value):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return _clip(value)
            if moment.tzinfo is not None and zone is not None:
                moment = moment.astimezone(zone)
            return when(moment)
        return _clip(value)
    return _clip(json.dumps(value, ensure_ascii=False))


def _action(t: Translator, lang: str, action: str) -> str:
    key = f"office.action.{action}"
    return t(key) if has_key(key, lang) else action


def audit_lines(rows: list[audit_trail.AuditRow], lang: str, t: Translator) -> list[str]:
    """Each change in the words of the journal ("отметка: 3 → 4", "посещаемость: присутствие →
    Н"); internal fields (ids) are left out, and so is the internal name of the record."""
    lines = []
    for row in rows:
        head = t(
            "office.audit.entry",
            at=when(row.at),
            who=escape(row.who),
            action=escape(_action(t, lang, row.action)),
        )
        parts = [head]
        for field, before, after in row.changes:
            key = f"office.field.{field}"
            if not has_key(key, lang):
                continue  # an internal field: ids of the lesson, period, subject…
            zone = row.at.tzinfo
            parts.append(
                t(
                    "office.audit.change",
                    field=t(key),
                    before=escape(_value(t, lang, field, before, zone)),
                    after=escape(_value(t, lang, field, after, zone)),
                )
            )
        if row.reason:
            parts.append(t("office.audit.reason", reason=escape(row.reason)))
        lines.append("\n".join(parts))
    return lines


async def show_audit(
    query: CallbackQuery,
    callback_data: AuditCb,
    actor: Actor | None,
    session: AsyncSession,
    lang: str,
    t: Translator,
) -> None:
    me = require(actor, *OFFICE)
    if callback_data.what == "stu":
        name, rows = await audit_trail.student_audit(session, me, callback_data.id)
        title = t("office.audit.student", name=escape(name), count=len(rows))
    elif callback_data.what == "les":
        lesson, rows = await audit_trail.lesson_audit(session, me, callback_data.id)
        title = t(
            "office.audit.lesson",
            day=lesson.date.strftime("%d.%m.%Y"),
            number=lesson.number,
            cls=escape(lesson.class_name),
            subject=escape(lesson.subject),
            count=len(rows),
        )
    else:
        raise DomainError("error.invalid")
    lines = [title]
    lines += audit_lines(rows, lang, t) if rows else [t("office.audit.empty")]
    kb = InlineKeyboardBuilder()
    home_button(kb, t)
    await send_long(query, lines, kb.as_markup())


# --------------------------------------------------------------------------- dead letters


def _kind(t: Translator, lang: str, kind: str) -> str:
    key = f"office.kind.{kind}"
    return t(key) if has_key(key, lang) else t("office.kind.other")


# Why a notification died, from the delivery's technical note (English, for the log).
DEAD_REASONS = (
    ("blocked", ("blocked", "unreachable", "deactivated", "forbidden")),
    ("chat_not_found", ("chat not found", "user not found", "chat_not_found")),
    ("too_many", ("too many requests", "retry after", "flood")),
    ("render", ("render failed",)),
    ("network", ("not sent", "timeout", "network", "connect", "server")),
)


def dead_reason(error: str | None) -> str:
    """A reason code the admin reads in their language; "other" when not recognised."""
    text = (error or "").lower()
    for code, needles in DEAD_REASONS:
        if any(n in text for n in needles):
            return code
    return "other"


async def show_dead(
    query: CallbackQuery, actor: Actor | None, session: AsyncSession, lang: str, t: Translator
) -> None:
    me = require(actor, Role.ADMIN)
    total, letters = await dead_letters.dead_letters(session, me)
    lines = [t("office.dead.title", count=total, shown=len(letters))]
    for d in letters:
        lines.append(
            t(
                "office.dead.entry",
                at=when(d.created_at),
                kind=escape(_kind(t, lang, d.kind)),
                recipient=escape(d.recipient) if d.recipient else t("office.dead.everyone"),
                attempts=d.attempts,
                error=t(f"office.dead.reason.{dead_reason(d.last_error)}"),
            )
        )
    kb = InlineKeyboardBuilder()
    home_button(kb, t)
    await send_long(query, lines, kb.as_markup())


# --------------------------------------------------------------------------- substitutions


async def _sub_lessons(
    target: CallbackQuery,
    actor: Actor,
    session: AsyncSession,
    t: Translator,
    class_id: int,
    day: dt.date,
    note: str = "",
) -> None:
    lessons = await substitutions.class_lessons_on(session, actor, class_id, day)
    kb = InlineKeyboardBuilder()
    for row in lessons:
        if row.cancelled:
            continue
        who = t("office.subs.replaced", teacher=row.teacher, sub=row.substitute)
        text = f"{row.number}. {row.subject} — {who if row.substitute else row.teacher}"
        kb.button(text=text, callback_data=SubCb(action="pick", lesson_id=row.id))
    kb.adjust(1)
    row_kb = InlineKeyboardBuilder()
    row_kb.button(text=t("office.subs.other_class"), callback_data=PickCb(tool="sub", step="cls"))
    kb.attach(row_kb)
    home_button(kb, t)
    text = t("office.subs.pick_lesson", day=day.strftime("%d.%m.%Y"))
    if not lessons:
        text = t("office.pick.no_lessons", day=day.strftime("%d.%m.%Y"))
    await show(target, f"{note}\n\n{text}" if note else text, kb.as_markup())


async def sub_action(
    query: CallbackQuery,
    callback_data: SubCb,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
) -> None:
    me = require(actor, *OFFICE)
    cb = callback_data
    if cb.action in ("pick", "page"):
        candidates = await substitutions.substitute_candidates(session, me, cb.lesson_id)
        lesson = await audit_trail.lesson_title(session, me, cb.lesson_id)
        kb = InlineKeyboardBuilder()
        items = [
            (c.title, SubCb(action="set", lesson_id=cb.lesson_id, teacher_id=c.id))
            for c in candidates
        ]
        paged(
            kb,
            items,
            cb.page,
            lambda p: SubCb(action="page", lesson_id=cb.lesson_id, page=p),
            columns=2,
        )
        extra = InlineKeyboardBuilder()
        extra.button(
            text=t("office.subs.remove"), callback_data=SubCb(action="del", lesson_id=cb.lesson_id)
        )
        kb.attach(extra)
        home_button(kb, t)
        text = t(
            "office.subs.pick_teacher",
            number=lesson.number,
            cls=escape(lesson.class_name),
            subject=escape(lesson.subject),
        )
        await show(query, text, kb.as_markup())
        return
    if cb.action == "set":
        await substitutions.set_substitution(session, me, cb.lesson_id, cb.teacher_id)
        note = t("office.subs.saved")
    elif cb.action == "del":
        await substitutions.remove_substitution(session, me, cb.lesson_id)
        note = t("office.subs.removed")
    else:
        raise DomainError("error.invalid")
    lesson = await audit_trail.lesson_title(session, me, cb.lesson_id)
    await _sub_lessons(query, me, session, t, lesson.class_id, lesson.date, note)


# --------------------------------------------------------------------------- unfilled lessons


async def show_unfilled(
    query: CallbackQuery,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *OFFICE)
    today = await _today(session, me, clock)
    start = today - dt.timedelta(days=DAYS_BACK)
    teachers = await journal_control.unfilled_lessons(session, me, start, today, today=today)
    lines = [
        t(
            "office.unfilled.title",
            start=start.strftime("%d.%m"),
            end=today.strftime("%d.%m"),
            teachers=len(teachers),
            lessons=sum(len(x.lessons) for x in teachers),
        )
    ]
    if not teachers:
        lines.append(t("office.unfilled.none"))
    for teacher in teachers:
        block = [f"<b>{escape(teacher.teacher)}</b> — {len(teacher.lessons)}"]
        for lesson in teacher.lessons:
            missing = ", ".join(t(f"office.unfilled.missing.{m}") for m in lesson.missing)
            block.append(
                f"  {lesson.date:%d.%m} №{lesson.number} {escape(lesson.class_name)} "
                f"{escape(lesson.subject)}: {missing}"
            )
        lines.append("\n".join(block))
    kb = InlineKeyboardBuilder()
    home_button(kb, t)
    await send_long(query, lines, kb.as_markup())


# --------------------------------------------------------------------------- journal checks


async def check_action(
    query: CallbackQuery,
    callback_data: CheckCb,
    actor: Actor | None,
    session: AsyncSession,
    t: Translator,
) -> None:
    me = require(actor, *OFFICE)
    if callback_data.action != "list":
        raise DomainError("error.invalid")
    checks = await journal_control.recent_journal_checks(session, me)
    lines = [t("office.checks.title", count=len(checks))]
    if not checks:
        lines.append(t("office.checks.none"))
    for c in checks:
        state = (
            t("office.checks.resolved")
            if c.resolved
            else (t("office.checks.seen") if c.seen else t("office.checks.unseen"))
        )
        lines.append(
            t(
                "office.checks.entry",
                at=when(c.checked_at),
                cls=escape(c.class_name),
                who=escape(c.checked_by),
                state=state,
                note=escape(c.note if len(c.note) <= 300 else c.note[:299] + "…"),
            )
        )
    kb = InlineKeyboardBuilder()
    kb.button(text=t("office.checks.add"), callback_data=OfficeCb(action="chk"))
    home_button(kb, t)
    await send_long(query, lines, kb.as_markup())


async def check_note_typed(
    message: Message,
    actor: Actor | None,
    session: AsyncSession,
    state: FSMContext,
    t: Translator,
) -> None:
    me = require(actor, *OFFICE)
    data = await state.get_data()
    note = (message.text or "").strip()
    if len(note) > MAX_NOTE:
        await message.answer(t("office.checks.too_long", limit=MAX_NOTE))
        return
    await journal_control.add_journal_check(session, me, int(data.get("class_id", 0)), note)
    await state.clear()
    kb = InlineKeyboardBuilder()
    kb.button(text=t("office.checks.list"), callback_data=CheckCb(action="list"))
    home_button(kb, t)
    await message.answer(t("office.checks.saved"), reply_markup=kb.as_markup())


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.callback_query.register(start_tool, on(OfficeCb, F.action.in_(set(TOOLS))))
    router.callback_query.register(pick, on(PickCb))
    router.callback_query.register(show_audit, on(AuditCb))
    router.callback_query.register(show_dead, on(OfficeCb, F.action == "dead"))
    router.callback_query.register(sub_action, on(SubCb))
    router.callback_query.register(show_unfilled, on(OfficeCb, F.action == "unf"))
    router.callback_query.register(check_action, on(CheckCb))
    router.message.register(
        check_note_typed, StateFilter(CheckForm.note), F.text, F.func(not_command)
    )
    return router
