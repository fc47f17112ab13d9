"""The school year in the office (the admin's): the years and their state, and opening,
closing and archiving one — each first as a dry run (what will happen) with a confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from i18n import Translator
from screens.admin.actions import YearCb
from screens.admin.common import home_row, long_screen, text_screen
from screens.screen import Attachment, Button, Row, Screen
from services.richtext import escape
from services.school import school_year
from services.school.school_year import YearDraft, YearPlan, YearRow
from services.tools.backup import JOURNAL_YEARS, SUMMARY_YEARS


def day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def plus_years(value: dt.date, years: int) -> dt.date:
    """The day ``years`` later (28 February for a 29th): how long an archived year is kept."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def _kept(t: Translator, ends_on: dt.date) -> dict[str, str]:
    return {
        "journals": day(plus_years(ends_on, JOURNAL_YEARS)),
        "summaries": day(plus_years(ends_on, SUMMARY_YEARS)),
    }


def _state(t: Translator, row: YearRow) -> str:
    if row.archived_at is not None:
        archived = t("year.state.archived", date=day(row.archived_at.date()))
        return f"{archived}; {t('year.keep', **_kept(t, row.ends_on))}"
    if row.is_closed:
        return t("year.state.closed")
    return t("year.state.over" if row.over else "year.state.running")


def years_screen(
    t: Translator, rows: Sequence[YearRow], draft: YearDraft, note: str = ""
) -> Screen:
    """The school's years with their state; a button to open the next one, and to close or
    archive each year that may be (the use case refuses a running year in words)."""
    lines = [note, ""] if note else []
    lines.append(t("year.title"))
    if not rows:
        lines.append(t("year.none"))
    for r in rows:
        lines.append(
            t(
                "year.row",
                year=escape(r.name),
                starts=day(r.starts_on),
                ends=day(r.ends_on),
                state=_state(t, r),
            )
        )
    buttons: list[Row] = [
        (Button(t("year.open.button", year=draft.name), YearCb(a="open")),),
    ]
    for r in rows:
        if not r.is_closed:
            buttons.append(
                (Button(t("year.close.button", year=r.name), YearCb(a="close", id=r.id)),)
            )
        elif r.archived_at is None:
            buttons.append(
                (Button(t("year.archive.button", year=r.name), YearCb(a="arch", id=r.id)),)
            )
    return text_screen("\n".join(lines), (*buttons, home_row(t)))


def back_row(t: Translator) -> Row:
    return (Button(t("year.back"), YearCb(a="list")),)


def calendar_screen(t: Translator, draft: YearDraft) -> Screen:
    """Opening a year: the region's quarters or trimesters, or a typed calendar."""
    rows: list[Row] = [
        (
            Button(t("year.calendar.q"), YearCb(a="cal", cal="q")),
            Button(t("year.calendar.t"), YearCb(a="cal", cal="t")),
        ),
        (Button(t("year.calendar.typed"), YearCb(a="cal", cal="typed")),),
        back_row(t),
    ]
    return text_screen(t("year.calendar.ask", year=escape(draft.name)), rows)


def calendar_prompt_screen(t: Translator, draft: YearDraft) -> Screen:
    """The typed calendar's step: the format, and the template file (the region's quarters and
    holidays of that year filled in) to edit and send back."""
    first = draft.first_year
    template = school_year.calendar_csv(
        school_year.standard_quarters(first), school_year.standard_holidays(first)
    )
    prompt = t("year.calendar.prompt", first=str(first), next=str(first + 1))
    screen = text_screen(f"{prompt}\n\n{t('year.calendar.file')}", (back_row(t),))
    document = Attachment(
        "document", template.encode("utf-8-sig"), f"calendar-{first}-{first + 1}.csv"
    )
    return replace(screen, attachments=(document,))


def _item(t: Translator, name: str, starts_on: dt.date, ends_on: dt.date) -> str:
    return t("year.plan.item", name=escape(name), starts=day(starts_on), ends=day(ends_on))


def plan_screen(t: Translator, plan: YearPlan, cal: str = "") -> Screen:
    """The dry run: what the confirmation will do, and the buttons to confirm or cancel."""
    head = {"open": "year.plan.open", "close": "year.plan.close", "archive": "year.plan.archive"}
    lines = [
        t(
            head[plan.action],
            year=escape(plan.year),
            starts=day(plan.starts_on),
            ends=day(plan.ends_on),
        )
    ]
    if plan.action == "open":
        if plan.from_year is not None:
            lines.append(t("year.plan.from", year=escape(plan.from_year)))
            lines += [
                t(f"year.plan.{what}", count=count)
                for what, count in (
                    ("promoted", plan.promoted),
                    ("repeating", plan.repeating),
                    ("graduated", plan.graduated),
                    ("left", plan.left),
                )
                if count or what in ("promoted", "graduated")
            ]
        else:
            lines.append(t("year.plan.no.promotion"))
        if plan.classes:
            lines.append(
                t(
                    "year.plan.classes",
                    count=len(plan.classes),
                    names=escape(", ".join(plan.classes)),
                )
            )
        else:
            lines.append(t("year.plan.no.classes"))
        lines += ["", t("year.plan.periods", count=len(plan.periods))]
        lines += [_item(t, p.name, p.starts_on, p.ends_on) for p in plan.periods]
        if plan.holidays:
            lines += ["", t("year.plan.holidays", count=len(plan.holidays))]
            lines += [_item(t, h.name, h.starts_on, h.ends_on) for h in plan.holidays]
        if plan.from_year is not None:
            lines += ["", t("year.plan.leavers.note")]
        confirm = Button(
            t("year.plan.open.confirm"),
            YearCb(a="do_open", cal=cal, y=plan.starts_on.year),
        )
    else:
        lines.append(t("year.plan.size", classes=len(plan.classes), students=plan.students))
        if plan.action == "close":
            lines.append(t("year.plan.close.periods", count=plan.periods_to_close))
            confirm = Button(t("year.plan.close.confirm"), YearCb(a="do_close", id=plan.year_id))
        else:
            lines.append(t("year.plan.archive.effect", **_kept(t, plan.ends_on)))
            confirm = Button(t("year.plan.archive.confirm"), YearCb(a="do_arch", id=plan.year_id))
    lines += ["", t("year.plan.nothing.yet")]
    rows: list[Row] = [(confirm, Button(t("year.cancel"), YearCb(a="list")))]
    return long_screen(lines, rows)
