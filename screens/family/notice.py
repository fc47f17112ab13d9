"""/notice: a parent tells the school in advance that the child will miss a day (seed 000 §3.2).

Today, the next school day or a typed date or period; then the reason: ill, family reasons, or
a typed one. The typed answers are a :class:`~screens.conversation.Conversation` (dates, then
the reason), run by each messenger's adapter; the buttons carry the child and the dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from i18n import Translator
from screens.common.dates import parse_range
from screens.conversation import Conversation, Invalid, Step, Values
from screens.family.actions import NoticeCancelCb, NoticeDayCb, NoticeReasonCb, NoticeWithdrawCb
from screens.family.render import date_long, date_short, header
from screens.screen import Button, Row, Screen, rows_of
from services.attendance.notices import MAX_REASON, NoticeView
from services.enums import AttendanceCode
from services.errors import DomainError
from services.people.context import StudentRef
from services.richtext import escape

REASON_CODES = {
    "ill": AttendanceCode.ILL,
    "family": AttendanceCode.EXCUSED,
    "other": AttendanceCode.ABSENT,
}


def dates_text(t: Translator, start: dt.date, end: dt.date) -> str:
    if start == end:
        return date_long(t, start, mid=True)
    return t("notice.period", start=date_short(t, start), end=date_short(t, end))


def cancel_button(t: Translator, s: int) -> Button:
    return Button(t("notice.btn.cancel"), NoticeCancelCb(s=s))


def days_screen(
    t: Translator,
    student: StudentRef,
    today: dt.date,
    next_day: dt.date,
    upcoming: Sequence[NoticeView],
) -> Screen:
    """The child, the notices not yet over (each with a button to withdraw it, the newest
    first), and the question: today, the next school day or another day."""
    s = student.id
    lines = [header(t, student)]
    withdraw: list[Row] = []
    for notice in upcoming:
        dates = dates_text(t, notice.date_from, notice.date_to)
        lines.append(t("notice.upcoming", dates=dates, reason=escape(notice.reason)))
        button = Button(t("notice.btn.withdraw", dates=dates), NoticeWithdrawCb(n=notice.id))
        withdraw.insert(0, (button,))
    lines.append(t("notice.ask_day"))
    days = [
        Button(
            t("notice.btn.today", date=date_short(t, today)), NoticeDayCb(s=s, a=today.toordinal())
        ),
        Button(
            t("notice.btn.next_day", date=date_short(t, next_day)),
            NoticeDayCb(s=s, a=next_day.toordinal()),
        ),
        Button(t("notice.btn.other_day"), NoticeDayCb(s=s, a=0)),
        cancel_button(t, s),
    ]
    return Screen(("\n".join(lines),), (*withdraw, *rows_of(days, 2, 1, 1)), replace=False)


def reasons_screen(
    t: Translator, student: StudentRef, start: dt.date, end: dt.date, *, replace: bool = True
) -> Screen:
    """Why the child will be away: ill, family reasons, another (typed) reason."""
    s, a, b = student.id, start.toordinal(), end.toordinal()
    buttons = [
        Button(t(f"notice.btn.{r}"), NoticeReasonCb(s=s, a=a, b=b, r=r)) for r in REASON_CODES
    ]
    buttons.append(cancel_button(t, s))
    text = "\n".join([header(t, student), t("notice.ask_reason", dates=dates_text(t, start, end))])
    return Screen((text,), rows_of(buttons, 2, 1, 1), replace=replace)


def done_screen(
    t: Translator,
    student: StudentRef,
    start: dt.date,
    end: dt.date,
    reason: str,
    *,
    told_teacher: bool,
    replace: bool = True,
) -> Screen:
    """The notice is given (and the class teacher told, when the class has one)."""
    key = "notice.done" if told_teacher else "notice.done_no_teacher"
    text = t(key, dates=dates_text(t, start, end), reason=escape(reason))
    return Screen(("\n".join([header(t, student), text]),), replace=replace)


def withdrawn_screen(t: Translator, notice: NoticeView) -> Screen:
    return Screen((t("notice.withdrawn", dates=dates_text(t, notice.date_from, notice.date_to)),))


def cancelled_screen(t: Translator) -> Screen:
    return Screen((t("notice.cancelled"),))


# --------------------------------------------------------------------------- the conversation


def ask_dates_screen(t: Translator, values: Values) -> Screen:
    """Typed dates wanted; ``values["student"]``: the child (a StudentRef), ``"s"`` its id."""
    student: StudentRef = values["student"]
    text = "\n".join([header(t, student), t("notice.ask_dates")])
    return Screen((text,), ((cancel_button(t, student.id),),))


def ask_reason_screen(t: Translator, values: Values) -> Screen:
    """A typed reason wanted, for the child and dates of ``values``."""
    student: StudentRef = values["student"]
    text = "\n".join([header(t, student), t("notice.ask_reason_text")])
    return Screen((text,), ((cancel_button(t, student.id),),))


def parse_dates(text: str, values: Values) -> tuple[dt.date, dt.date] | Invalid:
    """A typed date or period (``values["today"]``: the school's today, to guess the year)."""
    try:
        found = parse_range(text, values["today"])
    except DomainError as exc:  # outside the journal's window: the message names the window
        return Invalid(exc.code, exc.params)
    return found if found is not None else Invalid("notice.bad_dates")


def parse_reason(text: str, values: Values) -> str | Invalid:
    """A typed reason, not empty and not over the service's limit (asked again if it is)."""
    reason = text.strip()
    if not reason:
        return Invalid("notice.reason_empty")
    if len(reason) > MAX_REASON:
        return Invalid("error.too_long", {"field": "reason", "limit": MAX_REASON})
    return text


NOTICE = Conversation(
    "NoticeForm",
    (
        Step("dates", ask_dates_screen, parse_dates),
        Step("reason", ask_reason_screen, parse_reason),
    ),
    cancel=(NoticeCancelCb,),
    cancelled=cancelled_screen,
)
