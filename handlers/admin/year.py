"""The school year in the office (the admin's): open (the calendar chosen or typed), close,
archive — each shown first as a dry run and done on its confirmation. The use cases check the
role and the dates again (a running year is refused in words) and record the audit entry."""

from __future__ import annotations

import io
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.admin.tools import not_command
from handlers.common.gate import gate, private
from handlers.common.screens import on, send_screen, show_screen
from handlers.common.turn import Turn
from screens.admin import year as screens
from screens.admin.actions import OfficeCb, YearCb
from screens.screen import Screen
from services.enums import PeriodKind, Role
from services.errors import Conflict, DomainError, ValidationFailed
from services.school import school_year
from services.school.school_year import HolidaySpec, PeriodSpec, YearDraft

MAX_CALENDAR_BYTES = 64 * 1024


class YearForm(StatesGroup):
    calendar = State()


async def _years(turn: Turn, note: str = "") -> Screen:
    rows, draft = await school_year.years_overview(turn.session, turn.me, now=turn.now())
    return screens.years_screen(turn.t, rows, draft, note)


async def _calendar(
    turn: Turn, cal: str, draft: YearDraft
) -> tuple[list[PeriodSpec], list[HolidaySpec] | None]:
    """The periods and holidays of the calendar ``cal``: the region's default ones (the
    quarters' holidays), or the typed one kept in the chat's state."""
    if cal in ("q", "t"):
        kind = PeriodKind.QUARTER if cal == "q" else PeriodKind.TRIMESTER
        return school_year.default_calendar(kind, draft.first_year), None
    if cal == "typed":
        text = (await turn.state.get_data()).get("calendar")
        if not isinstance(text, str):
            raise ValidationFailed("year.calendar.lost")
        return school_year.parse_calendar(text)
    raise DomainError("error.invalid")


async def _open(turn: Turn, cal: str, *, confirmed: bool, shown: int = 0) -> Screen:
    _, draft = await school_year.years_overview(turn.session, turn.me, now=turn.now())
    if confirmed and shown != draft.first_year:
        # The dry run showed another year: that one is open already (a second press).
        raise Conflict("admin.year_exists", year=school_year.next_year_name(shown))
    periods, holidays = await _calendar(turn, cal, draft)
    starts_on, ends_on = school_year.calendar_bounds(periods, draft.first_year)
    args: dict[str, Any] = {
        "name": draft.name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "periods": periods,
        "holidays": holidays,
        "promote_from": draft.promote_from,
    }
    if not confirmed:
        plan = await school_year.plan_open_year(turn.session, turn.me, now=turn.now(), **args)
        return screens.plan_screen(turn.t, plan, cal)
    opened = await school_year.open_year(turn.session, turn.me, now=turn.now(), **args)
    await turn.state.clear()
    note = turn.t(
        "year.opened",
        year=opened.year.name,
        classes=len(opened.classes),
        promoted=opened.promoted,
        graduated=opened.graduated,
    )
    return await _years(turn, note)


async def show_years(query: CallbackQuery, turn: Turn) -> None:
    await turn.state.clear()
    await show_screen(query, await _years(turn))


async def year_action(query: CallbackQuery, callback_data: YearCb, turn: Turn) -> None:
    cb, session, me, t, now = callback_data, turn.session, turn.me, turn.t, turn.now()
    if cb.a == "list":
        await turn.state.clear()
        screen = await _years(turn)
    elif cb.a == "open":
        _, draft = await school_year.years_overview(session, me, now=now)
        screen = screens.calendar_screen(t, draft)
    elif cb.a == "cal" and cb.cal == "typed":
        _, draft = await school_year.years_overview(session, me, now=now)
        await turn.state.set_state(YearForm.calendar)
        await turn.state.set_data({})
        screen = screens.calendar_prompt_screen(t, draft)
    elif cb.a == "cal":
        screen = await _open(turn, cb.cal, confirmed=False)
    elif cb.a == "do_open":
        screen = await _open(turn, cb.cal, confirmed=True, shown=cb.y)
    elif cb.a == "close":
        plan = await school_year.plan_close_year(session, me, cb.id, now=now)
        screen = screens.plan_screen(t, plan)
    elif cb.a == "arch":
        plan = await school_year.plan_archive_year(session, me, cb.id, now=now)
        screen = screens.plan_screen(t, plan)
    elif cb.a == "do_close":
        closed = await school_year.close_year(session, me, cb.id, now=now)
        screen = await _years(turn, t("year.closed", year=closed.name))
    elif cb.a == "do_arch":
        archived = await school_year.archive_year(session, me, cb.id, now=now)
        screen = await _years(turn, t("year.archived", year=archived.name))
    else:
        raise DomainError("error.invalid")
    await show_screen(query, screen)


async def calendar_typed(message: Message, turn: Turn) -> None:
    """The typed calendar: checked at once (a bad line is named, the chat stays in the step),
    then the dry run of opening the year with it."""
    text = message.text or ""
    school_year.parse_calendar(text)
    await turn.state.update_data(calendar=text)
    await send_screen(message, await _open(turn, "typed", confirmed=False))


async def calendar_file(message: Message, turn: Turn, bot: Bot) -> None:
    """The calendar as a file (the template edited): read as the typed lines are."""
    document = message.document
    assert document is not None
    name = (document.file_name or "").lower()
    if not name.endswith((".csv", ".txt")) or (document.file_size or 0) > MAX_CALENDAR_BYTES:
        raise ValidationFailed("year.calendar.bad_file")
    buffer = io.BytesIO()
    try:
        await bot.download(document.file_id, destination=buffer)
    except TelegramBadRequest as exc:
        raise DomainError("import.file_gone") from exc
    data = buffer.getvalue()
    if len(data) > MAX_CALENDAR_BYTES:
        raise ValidationFailed("year.calendar.bad_file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("year.calendar.bad_file") from exc
    school_year.parse_calendar(text)
    await turn.state.update_data(calendar=text)
    await send_screen(message, await _open(turn, "typed", confirmed=False))


def build_router() -> Router:
    router = private(gate(Router(name=__name__), Role.ADMIN))
    router.callback_query.register(show_years, on(OfficeCb, F.action == "year"))
    router.callback_query.register(year_action, on(YearCb))
    router.message.register(
        calendar_typed, StateFilter(YearForm.calendar), F.text, F.func(not_command)
    )
    router.message.register(calendar_file, StateFilter(YearForm.calendar), F.document)
    return router
