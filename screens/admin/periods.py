"""/periods: the deputy's study periods of the current year — open or closed, the period marks
still missing — closing one after a confirmation, reopening one with a reason, the date of the
teachers' council, and unlocking a class's final marks in a subject with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from i18n import Translator
from screens.actions import Action
from screens.bounds import OneOf, OptId, Range
from screens.screen import Button, Screen, rows_of
from services.marks.period_close import PeriodClosed, PeriodsOverview, PeriodState
from services.richtext import escape

# Days an unlock of final marks may last (the use case allows up to two weeks).
UNLOCK_DAYS = (2, 7, 14)


class PeriodCb(Action, prefix="o_per"):
    """``list``: the periods; ``ask``: confirm closing ``period_id``; ``close``: close it;
    ``council``: ask the teachers' council date; ``council_off``: clear it; ``reopen``: ask
    the reason of reopening ``period_id``; ``unlock``: pick a class; ``ul_subj``: pick a
    subject of ``class_id``; ``ul_days``: pick how long; ``ul_go``: ask the reason of
    unlocking for ``days``."""

    action: Annotated[
        str,
        OneOf(
            "list",
            "ask",
            "close",
            "council",
            "council_off",
            "reopen",
            "unlock",
            "ul_subj",
            "ul_days",
            "ul_go",
        ),
    ]
    period_id: OptId = 0
    class_id: OptId = 0
    subject_id: OptId = 0
    days: Annotated[int, Range(0, 14)] = 0


def periods_screen(t: Translator, overview: PeriodsOverview, note: str = "") -> Screen:
    lines = [t("periods.title", year=escape(overview.year))]
    if overview.council_on is not None:
        lines.append(t("yearmarks.council", date=t.date(overview.council_on)))
    else:
        lines.append(t("periods.council_unset"))
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
        else:
            buttons.append(
                Button(
                    t("periods.reopen", name=p.name),
                    PeriodCb(action="reopen", period_id=p.period_id),
                )
            )
    buttons.append(Button(t("periods.council_button"), PeriodCb(action="council")))
    buttons.append(Button(t("periods.unlock_button"), PeriodCb(action="unlock")))
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


def _cancel(t: Translator) -> tuple[tuple[Button, ...], ...]:
    return ((Button(t("periods.cancel"), PeriodCb(action="list")),),)


def council_prompt_screen(
    t: Translator, note: str = "", council_on: dt.date | None = None
) -> Screen:
    """Asks for the council's date in one message; "cancel" goes back to the periods. A date
    already set is shown, with a button that clears it."""
    text = t("periods.council_prompt")
    if council_on is not None:
        text = f"{t('yearmarks.council', date=t.date(council_on))}\n\n{text}"
        clear = Button(t("periods.council_clear"), PeriodCb(action="council_off"))
        return Screen((f"{note}\n\n{text}" if note else text,), ((clear,), *_cancel(t)))
    return Screen((f"{note}\n\n{text}" if note else text,), _cancel(t))


def reopen_prompt_screen(t: Translator, period: PeriodState) -> Screen:
    """Asks for the reason of reopening in one message; "cancel" goes back to the periods."""
    return Screen((t("periods.reopen_prompt", name=escape(period.name)),), _cancel(t))


def unlock_classes_screen(t: Translator, classes: Sequence[tuple[int, str]]) -> Screen:
    buttons = [Button(name, PeriodCb(action="ul_subj", class_id=cid)) for cid, name in classes]
    return Screen(
        (t("periods.unlock_pick_class"),),
        (*rows_of(buttons, 4), *_cancel(t)),
    )


def unlock_subjects_screen(
    t: Translator, class_id: int, subjects: Sequence[tuple[int, str]]
) -> Screen:
    buttons = [
        Button(name, PeriodCb(action="ul_days", class_id=class_id, subject_id=sid))
        for sid, name in subjects
    ]
    return Screen(
        (t("periods.unlock_pick_subject"),),
        (*rows_of(buttons, 2), *_cancel(t)),
    )


def unlock_days_screen(t: Translator, class_id: int, subject_id: int) -> Screen:
    buttons = [
        Button(
            t("periods.unlock_days", days=d),
            PeriodCb(action="ul_go", class_id=class_id, subject_id=subject_id, days=d),
        )
        for d in UNLOCK_DAYS
    ]
    return Screen((t("periods.unlock_pick_days"),), (tuple(buttons), *_cancel(t)))


def unlock_prompt_screen(t: Translator, class_name: str, subject: str, days: int) -> Screen:
    """Asks for the reason of the unlock in one message; "cancel" goes back to the periods."""
    return Screen(
        (
            t(
                "periods.unlock_prompt",
                cls=escape(class_name),
                subject=escape(subject),
                days=days,
            ),
        ),
        _cancel(t),
    )


def unlocked_note(t: Translator, class_name: str, subject: str, until: str) -> str:
    return t("periods.unlocked", cls=escape(class_name), subject=escape(subject), until=until)
