"""/periods: the deputy's study periods of the current year — open or closed, the period marks
still missing — and closing one after a confirmation."""

from __future__ import annotations

from typing import Annotated

from i18n import Translator
from screens.actions import Action
from screens.bounds import OneOf, OptId
from screens.screen import Button, Screen, rows_of
from services.marks.period_close import PeriodClosed, PeriodsOverview, PeriodState
from services.richtext import escape


class PeriodCb(Action, prefix="o_per"):
    """``list``: the periods; ``ask``: confirm closing ``period_id``; ``close``: close it."""

    action: Annotated[str, OneOf("list", "ask", "close")]
    period_id: OptId = 0


def periods_screen(t: Translator, overview: PeriodsOverview, note: str = "") -> Screen:
    lines = [t("periods.title", year=escape(overview.year))]
    if overview.council_on is not None:
        lines.append(t("yearmarks.council", date=t.date(overview.council_on)))
    if not overview.periods:
        lines.append(t("periods.none"))
    buttons = []
    for p in overview.periods:
        lines.append(
            t(
                "periods.row",
                closed="yes" if p.is_closed else "no",
                name=escape(p.name),
                starts=t.date(p.starts_on),
                ends=t.date(p.ends_on),
                missing=p.missing,
            )
        )
        if not p.is_closed:
            buttons.append(
                Button(
                    t("periods.close", name=p.name), PeriodCb(action="ask", period_id=p.period_id)
                )
            )
    lines.append(t("periods.hint"))
    text = "\n".join(lines)
    return Screen((f"{note}\n\n{text}" if note else text,), rows_of(buttons, 1))


def confirm_screen(t: Translator, period: PeriodState) -> Screen:
    return Screen(
        (t("periods.confirm", name=escape(period.name), missing=period.missing),),
        (
            (
                Button(
                    t("periods.confirm_yes"), PeriodCb(action="close", period_id=period.period_id)
                ),
                Button(t("periods.back"), PeriodCb(action="list")),
            ),
        ),
    )


def closed_note(t: Translator, closed: PeriodClosed) -> str:
    return t("periods.closed", name=escape(closed.name), missing=closed.missing)
