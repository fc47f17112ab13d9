"""Attendance of a lesson: the roster as buttons on one message edited in place.

A tap cycles present → Н → ОП → present; "all present"; save. Unsaved taps live in the FSM
data (per lesson), so nothing reaches the journal before "save", and saving twice is the same
as saving once (the service only writes changes, each audited with who and when).
Absences the family announced in advance (seed 000 §3.2) are pre-set and marked 📝; the teacher
clears them if the child is in fact present.

Opening the screen reads the lesson sheet once and keeps its roster beside the draft; a tap
then only changes the draft and re-renders from it, without a statement to the database, and
"save" leaves every check to the service, which also returns the lesson card shown after it
(issue 11: a tap stays cheap, and "save" a fixed few statements, whatever the class size).
What is shown is screens/teacher/attendance.py's (the roll call) and screens/teacher/card.py's
(the card after a save); this adapter keeps the draft in the FSM data and shows the screens.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.gate import gate
from handlers.common.screens import on
from handlers.common.turn import Turn
from handlers.teacher.common import TEACHING, Clock, editable_sheet, now_of, show
from i18n import Translator
from screens.teacher.actions import AttCb, LessonCb
from screens.teacher.attendance import (
    CYCLE,
    Codes,
    Roster,
    RosterStudent,
    attendance_screen,
    initial_codes,
    saved_note,
)
from screens.teacher.attendance_reason import reason_prompt_screen
from screens.teacher.card import card_screen
from services.actor import Actor
from services.attendance import roll_call
from services.enums import AttendanceCode
from services.errors import AccessDenied, ValidationFailed
from services.timetable.lesson_sheet import LessonSheet

STATE_KEY = "att"
ROSTER_KEY = "att_roster"
REASON_KEY = "att_reason"
REASON_CODE = "changes.attendance_reason"


class AttStates(StatesGroup):
    reason = State()  # the reason of a late correction, typed


def dump_roster(roster: Roster, account_id: int) -> dict[str, Any]:
    """The screen's roster as the FSM data keeps it, with the account it was read for."""
    return {
        "by": account_id,
        "date": roster.date.isoformat(),
        "number": roster.number,
        "class": roster.class_name,
        "subject": roster.subject,
        "group": roster.subgroup,
        "taken": roster.attendance_taken,
        "students": [
            [s.id, s.short_name, s.notice_code.value if s.notice_code else None]
            for s in roster.students
        ],
    }


def load_roster(lesson_id: int, raw: dict[str, Any]) -> Roster:
    return Roster(
        lesson_id=lesson_id,
        date=dt.date.fromisoformat(raw["date"]),
        number=int(raw["number"]),
        class_name=str(raw["class"]),
        subject=str(raw["subject"]),
        subgroup=raw["group"],
        attendance_taken=bool(raw["taken"]),
        students=tuple(
            RosterStudent(int(i), str(name), AttendanceCode(code) if code else None)
            for i, name, code in raw["students"]
        ),
    )


async def _load(state: FSMContext, lesson_id: int) -> Codes | None:
    data = await state.get_data()
    raw = (data.get(STATE_KEY) or {}).get(str(lesson_id))
    if raw is None:
        return None
    return {int(k): AttendanceCode(v) if v else None for k, v in raw.items()}


async def _store(
    state: FSMContext,
    lesson_id: int,
    codes: Codes | None,
    roster: tuple[Roster, int] | None = None,
) -> None:
    """The draft's codes (None: drop the draft); ``roster``: the screen's roster and the
    account it was read for, kept with it (a draft's roster stays as it was read)."""
    data = await state.get_data()
    pending = dict(data.get(STATE_KEY) or {})
    rosters = dict(data.get(ROSTER_KEY) or {})
    if codes is None:
        pending.pop(str(lesson_id), None)
        rosters.pop(str(lesson_id), None)
    else:
        pending[str(lesson_id)] = {str(k): v.value for k, v in codes.items() if v is not None}
        if roster is not None:
            rosters[str(lesson_id)] = dump_roster(*roster)
    await state.update_data({STATE_KEY: pending, ROSTER_KEY: rosters})


async def _draft(state: FSMContext, lesson_id: int, actor: Actor) -> tuple[Roster, Codes] | None:
    """The open screen's roster and codes, if this account opened it (no statement)."""
    data = await state.get_data()
    raw = (data.get(ROSTER_KEY) or {}).get(str(lesson_id))
    codes = (data.get(STATE_KEY) or {}).get(str(lesson_id))
    if raw is None or codes is None or raw.get("by") != actor.account_id:
        return None
    try:
        roster = load_roster(lesson_id, raw)
    except (KeyError, TypeError, ValueError):
        return None
    return roster, {int(k): AttendanceCode(v) if v else None for k, v in codes.items()}


async def _sheet(
    session: AsyncSession, actor: Actor, lesson_id: int, clock: Clock | None
) -> LessonSheet:
    return await editable_sheet(session, actor, lesson_id, now_of(clock), lock="records")


async def open_attendance(
    query: CallbackQuery,
    callback_data: LessonCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    clock: Clock | None = None,
) -> None:
    sheet = await _sheet(session, me, callback_data.lesson_id, clock)
    codes = initial_codes(sheet)
    roster = Roster.of(sheet)
    await _store(state, sheet.lesson_id, codes, (roster, me.account_id))
    await show(query, attendance_screen(t, roster, codes))


async def attendance_action(
    query: CallbackQuery,
    callback_data: AttCb,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    state: FSMContext,
    callback_answer: CallbackAnswer,
    clock: Clock | None = None,
) -> None:
    lesson_id = callback_data.lesson_id
    # A tap changes only the draft: with the screen's roster in the FSM data it reads nothing
    # from the journal (the save checks everything again). Without it (the state expired, the
    # bot restarted, a button pressed in another chat) the lesson is read and checked first.
    draft = await _draft(state, lesson_id, me)
    fresh_roster = draft is None
    if draft is None:
        sheet = await _sheet(session, me, lesson_id, clock)
        codes = await _load(state, lesson_id)
        if codes is None:  # start from the journal
            codes = initial_codes(sheet)
        draft = Roster.of(sheet), codes
    roster, codes = draft
    ids = {s.id for s in roster.students}
    codes = {k: v for k, v in codes.items() if k in ids}
    action = callback_data.action
    if action == "t":
        if callback_data.student_id not in ids:
            raise AccessDenied()
        codes[callback_data.student_id] = CYCLE[codes.get(callback_data.student_id)]
    elif action == "all":
        codes = {}
    elif action == "save":
        # The service checks the teacher, the locks and the roster itself; a student who
        # left the class since the screen opened is left out, as the roster read here would.
        # The card shown after it is the lesson as the save left it (read by the save, not
        # read again).
        try:
            saved = await _save(session, me, lesson_id, codes, now_of(clock))
        except ValidationFailed as exc:
            if exc.code != REASON_CODE:
                raise
            # A roll call corrected after the lesson's day: the reason is asked, the draft
            # waits for it in the FSM data.
            await _store(state, lesson_id, codes, (roster, me.account_id) if fresh_roster else None)
            await state.set_state(AttStates.reason)
            await state.update_data({REASON_KEY: lesson_id})
            await show(query, reason_prompt_screen(t, lesson_id, callback_data.page))
            return
        await _store(state, lesson_id, None)
        note = saved_note(t, saved)
        callback_answer.text = note
        fresh = saved.sheet
        assert fresh is not None
        await show(query, card_screen(t, fresh, note))
        return
    if await state.get_state() == AttStates.reason.state:
        await state.set_state(None)
    await _store(state, lesson_id, codes, (roster, me.account_id) if fresh_roster else None)
    await show(query, attendance_screen(t, roster, codes, callback_data.page))


async def _save(
    session: AsyncSession,
    me: Actor,
    lesson_id: int,
    codes: Codes,
    now: dt.datetime,
    reason: str | None = None,
) -> roll_call.AttendanceSaved:
    return await roll_call.save_attendance(
        session,
        me,
        lesson_id,
        codes,
        now=now,
        as_teacher=True,
        drop_unknown=True,
        with_sheet=True,
        reason=reason,
    )


async def typed_reason(message: Message, turn: Turn) -> None:
    """The reason of a late correction, typed: the draft is saved with it and the card shown;
    a refused reason (too long) leaves the prompt open for another."""
    lesson_id = (await turn.state.get_data()).get(REASON_KEY)
    draft = await _draft(turn.state, int(lesson_id), turn.me) if lesson_id else None
    if not lesson_id or draft is None:
        await turn.state.set_state(None)
        return
    saved = await _save(
        turn.session, turn.me, int(lesson_id), draft[1], turn.now(), message.text or ""
    )
    await turn.state.set_state(None)
    await turn.state.update_data({REASON_KEY: None})
    await _store(turn.state, int(lesson_id), None)
    assert saved.sheet is not None
    await show(message, card_screen(turn.t, saved.sheet, saved_note(turn.t, saved)))


def build_router() -> Router:
    router = gate(Router(name=__name__), *TEACHING)
    router.callback_query.register(open_attendance, on(LessonCb, F.action == "att"))
    router.callback_query.register(attendance_action, on(AttCb))
    router.message.register(
        typed_reason, StateFilter(AttStates.reason), F.text, ~F.text.startswith("/")
    )
    return router
