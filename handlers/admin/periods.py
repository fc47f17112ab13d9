"""/periods: the deputy (or admin) closes a study period (services.marks.period_close); its
lessons and period marks are then locked for teachers until an unlock with a reason. The same
screen reopens a closed period with a reason, records (or clears) the date of the teachers'
council, and unlocks a class's year, exam and final marks in a subject for a while with a
reason."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.admin.common import OFFICE
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from screens.admin.periods import (
    PeriodCb,
    closed_note,
    confirm_screen,
    council_prompt_screen,
    periods_screen,
    reopen_prompt_screen,
    unlock_classes_screen,
    unlock_days_screen,
    unlock_prompt_screen,
    unlock_subjects_screen,
    unlocked_note,
)
from screens.common.dates import parse_day
from services.calendar import school_today
from services.errors import AccessDenied
from services.marks import period_close
from services.marks.class_journal import class_subjects
from services.models import School, SchoolYear
from services.people import policy
from services.richtext import escape
from services.school.office_reads import office_classes

DATA_KEY = "periods_ask"


class PeriodStates(StatesGroup):
    council = State()  # the teachers' council date, typed
    reopen = State()  # the reason of reopening a period, typed
    unlock = State()  # the reason of unlocking final marks, typed


async def periods_command(message: Message, turn: Turn) -> None:
    await turn.state.set_state(None)
    overview = await period_close.periods_overview(turn.session, turn.me, now=turn.now())
    await send_screen(message, periods_screen(turn.t, overview))


async def _names(turn: Turn, class_id: int, subject_id: int) -> tuple[str, str]:
    """The class's and subject's names, refused when the office cannot pick them."""
    cls = next((c for c in await office_classes(turn.session, turn.me) if c.id == class_id), None)
    if cls is None:
        raise AccessDenied()
    subjects = await class_subjects(turn.session, turn.me, class_id)
    subject = next((s for s in subjects if s.id == subject_id), None)
    if subject is None:
        raise AccessDenied()
    return cls.title, subject.name


async def period_action(query: CallbackQuery, callback_data: PeriodCb, turn: Turn) -> None:
    cb, t = callback_data, turn.t
    # Every button here is the deputy's or admin's (the overview checks it first).
    overview = await period_close.periods_overview(turn.session, turn.me, now=turn.now())
    if cb.action == "list":
        await turn.state.set_state(None)
        await show_screen(query, periods_screen(t, overview))
        return
    if cb.action == "council":
        await turn.state.set_state(PeriodStates.council)
        await turn.state.update_data({DATA_KEY: {"year_id": overview.year_id}})
        await show_screen(query, council_prompt_screen(t, council_on=overview.council_on))
        return
    if cb.action == "council_off":
        # The date of the current year the overview read (never an id from the button).
        # A stale button when no date is set: the periods as they are.
        await turn.state.set_state(None)
        if overview.council_on is None:
            await show_screen(query, periods_screen(t, overview))
            return
        await period_close.set_council_date(
            turn.session, turn.me, overview.year_id, None, now=turn.now()
        )
        fresh = await period_close.periods_overview(turn.session, turn.me, now=turn.now())
        note = t("periods.council_cleared", date=t.date(overview.council_on))
        await show_screen(query, periods_screen(t, fresh, note))
        return
    if cb.action == "unlock":
        classes = await office_classes(turn.session, turn.me)
        await show_screen(query, unlock_classes_screen(t, [(c.id, c.title) for c in classes]))
        return
    if cb.action == "ul_subj":
        subjects = await class_subjects(turn.session, turn.me, cb.class_id)
        await show_screen(
            query, unlock_subjects_screen(t, cb.class_id, [(s.id, s.name) for s in subjects])
        )
        return
    if cb.action == "ul_days":
        await _names(turn, cb.class_id, cb.subject_id)
        await show_screen(query, unlock_days_screen(t, cb.class_id, cb.subject_id))
        return
    if cb.action == "ul_go":
        if cb.days < 1:
            raise AccessDenied()
        class_name, subject = await _names(turn, cb.class_id, cb.subject_id)
        await turn.state.set_state(PeriodStates.unlock)
        await turn.state.update_data(
            {
                DATA_KEY: {
                    "class_id": cb.class_id,
                    "subject_id": cb.subject_id,
                    "days": cb.days,
                    "class": class_name,
                    "subject": subject,
                }
            }
        )
        await show_screen(query, unlock_prompt_screen(t, class_name, subject, cb.days))
        return
    period = next((p for p in overview.periods if p.period_id == cb.period_id), None)
    if period is None:
        raise AccessDenied()
    if cb.action == "reopen":
        await turn.state.set_state(PeriodStates.reopen)
        await turn.state.update_data({DATA_KEY: {"period_id": period.period_id}})
        await show_screen(query, reopen_prompt_screen(t, period))
        return
    if cb.action == "ask":
        await show_screen(query, confirm_screen(t, period))
        return
    closed = await period_close.close_period(
        turn.session, turn.me, period.period_id, now=turn.now()
    )
    fresh = await period_close.periods_overview(turn.session, turn.me, now=turn.now())
    await show_screen(query, periods_screen(t, fresh, closed_note(t, closed)))


async def _asked(turn: Turn) -> dict[str, object]:
    data = (await turn.state.get_data()).get(DATA_KEY)
    return data if isinstance(data, dict) else {}


async def _done(message: Message, turn: Turn, note: str) -> None:
    await turn.state.set_state(None)
    await turn.state.update_data({DATA_KEY: None})
    fresh = await period_close.periods_overview(turn.session, turn.me, now=turn.now())
    await send_screen(message, periods_screen(turn.t, fresh, note))


async def _school(turn: Turn) -> School:
    school = await turn.session.get(School, turn.me.school_id)
    if school is None:
        raise policy.deny(turn.me, "periods")
    return school


async def typed_council(message: Message, turn: Turn) -> None:
    """The council's date, typed: a bad date keeps the prompt open with a clear message; a date
    outside the school year is refused by the use case (the prompt stays open too)."""
    year_id = (await _asked(turn)).get("year_id")
    if not isinstance(year_id, int):
        await turn.state.set_state(None)
        return
    year = await turn.session.get(SchoolYear, year_id)
    if year is None:
        raise AccessDenied()
    # A date without its year is read as the one nearest the middle of the window the council
    # may fall in (the school year and a month after it): "28.05" is the year's end.
    middle = year.starts_on + (year.ends_on + dt.timedelta(days=31) - year.starts_on) / 2
    day = parse_day(message.text or "", middle)
    if day is None:
        note = turn.t("periods.council_bad")
        await send_screen(message, council_prompt_screen(turn.t, note, year.council_on))
        return
    await period_close.set_council_date(turn.session, turn.me, year_id, day, now=turn.now())
    await _done(message, turn, turn.t("periods.council_set", date=turn.t.date(day)))


async def typed_reopen_reason(message: Message, turn: Turn) -> None:
    """The reason of reopening, typed: the period opens and the periods are shown again."""
    period_id = (await _asked(turn)).get("period_id")
    if not isinstance(period_id, int):
        await turn.state.set_state(None)
        return
    period = await period_close.reopen_period(
        turn.session, turn.me, period_id, reason=message.text or "", now=turn.now()
    )
    await _done(message, turn, turn.t("periods.reopened", name=escape(period.name)))


async def typed_unlock_reason(message: Message, turn: Turn) -> None:
    """The reason of unlocking final marks, typed: the unlock runs for the days chosen."""
    asked = await _asked(turn)
    class_id, subject_id, days = asked.get("class_id"), asked.get("subject_id"), asked.get("days")
    if not (isinstance(class_id, int) and isinstance(subject_id, int) and isinstance(days, int)):
        await turn.state.set_state(None)
        return
    row = await period_close.unlock_final_marks(
        turn.session,
        turn.me,
        class_id,
        subject_id,
        hours=24 * days,
        reason=message.text or "",
        now=turn.now(),
    )
    until = school_today(await _school(turn), row.unlocked_until)
    note = unlocked_note(
        turn.t, str(asked.get("class", "")), str(asked.get("subject", "")), turn.t.date(until)
    )
    await _done(message, turn, note)


def build_router() -> Router:
    router = private(gate(Router(name=__name__), *OFFICE))
    router.message.register(periods_command, Command("periods"))
    router.callback_query.register(period_action, on(PeriodCb))
    typed = (F.text, ~F.text.startswith("/"))
    router.message.register(typed_council, StateFilter(PeriodStates.council), *typed)
    router.message.register(typed_reopen_reason, StateFilter(PeriodStates.reopen), *typed)
    router.message.register(typed_unlock_reason, StateFilter(PeriodStates.unlock), *typed)
    return router
