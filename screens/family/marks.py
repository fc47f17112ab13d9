"""The marks screen (a period's marks by subject, averages, the projected period mark), its chart
as a picture, and the attendance screen (lessons missed in a period): each with buttons for the
school's periods."""

from __future__ import annotations

from i18n import Translator
from screens.actions import Action
from screens.bounds import Id, OptId
from screens.family.render import attendance_messages, marks_messages, period_button
from screens.screen import Attachment, Button, Screen, rows_of
from services.attendance.attendance_views import AttendancePage
from services.marks import charts
from services.marks.mark_reads import MarksPage
from services.models import StudyPeriod
from services.richtext import escape

PERIODS_PER_ROW = 4


class MarksAction(Action, prefix="fm"):
    s: Id  # student id
    p: OptId = 0  # period id; 0: the current one


class ChartAction(Action, prefix="fc"):
    s: Id
    p: OptId = 0


class AttendanceAction(Action, prefix="fa"):
    s: Id
    p: OptId = 0


def period_label(t: Translator, period: StudyPeriod, current: int | None) -> str:
    label = period_button(t, period)
    return f"• {label} •" if period.id == current else label


def marks_screen(t: Translator, page: MarksPage) -> Screen:
    s = page.student.id
    current = page.period.id if page.period is not None else None
    buttons = [Button(period_label(t, p, current), MarksAction(s=s, p=p.id)) for p in page.periods]
    if has_chart(page):
        buttons.append(Button(t("chart.button"), ChartAction(s=s, p=current or 0)))
    # The periods on one row (four at most), anything after them one per row.
    first = min(len(page.periods), PERIODS_PER_ROW) or 1
    return Screen(tuple(marks_messages(t, page)), rows_of(buttons, first, 1))


def has_chart(page: MarksPage) -> bool:
    """Whether the period has marks to chart."""
    return page.available and any(r.marks for r in page.subjects)


def chart_screen(t: Translator, page: MarksPage) -> Screen:
    """The marks of a period as a bar chart, sent as a new picture (call when :func:`has_chart`)."""
    bars = [
        charts.SubjectBar(r.subject, r.average, r.suggested, len(r.marks)) for r in page.subjects
    ]
    period = page.period.name if page.period is not None else ""
    png = charts.marks_chart_png(
        bars,
        title=t("chart.title", name=page.student.name, period=period),
        xlabel=t("chart.xlabel"),
        no_marks=t("chart.no_marks"),
        decimal_point=t("family.decimal_point"),
    )
    caption = t("chart.caption", name=escape(page.student.name), period=escape(period))
    return Screen((), replace=False, attachments=(Attachment("photo", png, "marks.png", caption),))


def attendance_screen(t: Translator, page: AttendancePage) -> Screen:
    current = page.period.id if page.period is not None else None
    periods = [
        Button(period_label(t, p, current), AttendanceAction(s=page.student.id, p=p.id))
        for p in page.periods
    ]
    return Screen(tuple(attendance_messages(t, page)), rows_of(periods, PERIODS_PER_ROW))
