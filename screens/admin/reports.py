"""/reports: the reports this actor may build, their parameters one step a screen (class,
student, period, month, subject — the choices the adapter loaded), the format, and the file.

The chosen parameters ride in the button (``ReportCb``); the report's builder checks access
again, so a forged button for another class or school is refused like every other refusal.
"""

from __future__ import annotations

from collections.abc import Sequence

from i18n import Translator
from screens.admin.actions import ReportCb
from screens.admin.common import text_screen
from screens.screen import Attachment, Button, Row, Screen, rows_of
from services.errors import DomainError
from services.reports import REPORTS
from services.reports.registry import ReportFile
from services.richtext import escape

KINDS: tuple[str, ...] = tuple(REPORTS)
FORMATS = ("pdf", "xlsx")
# The parameters the bot asks for, in this order; the rest take the report's defaults.
ASKED = ("class", "student", "period", "month", "subject")
# The field of ``ReportCb`` each asked parameter is kept in.
FIELDS = {"class": "cls", "student": "stu", "period": "per", "month": "mon", "subject": "subj"}
COLUMNS = {"class": 4, "month": 3}
MAX_BUTTONS = 96  # Telegram allows 100 buttons in a keyboard

Choice = tuple[int, str]  # the value kept in the button, its label


def kind_of(k: int) -> str:
    if not 0 <= k < len(KINDS):
        raise DomainError("error.invalid")
    return KINDS[k]


def needs(kind: str) -> list[str]:
    names = {p.name for p in REPORTS[kind].params}
    if "student" in names:
        names.add("class")  # the student is picked from a class
    return [n for n in ASKED if n in names]


def missing(cb: ReportCb, kind: str) -> str | None:
    """The next parameter to ask for, or None when every asked one is chosen."""
    return next((step for step in needs(kind) if not getattr(cb, FIELDS[step])), None)


def chosen(cb: ReportCb, step: str, value: int) -> ReportCb:
    """The button's parameters with ``step`` chosen."""
    return cb.model_copy(update={FIELDS[step]: value})


def params_of(cb: ReportCb, lang: str) -> dict[str, object]:
    """The chosen parameters as the report's builder takes them."""
    params: dict[str, object] = {"lang": lang}
    if cb.cls > 0:
        params["class_id"] = cb.cls
    if cb.per:
        params["period_id"] = cb.per
    if cb.mon:
        params["month"] = f"{cb.mon // 100:04d}-{cb.mon % 100:02d}"
    if cb.subj:
        params["subject_id"] = cb.subj
    if cb.stu:
        params["student_id"] = cb.stu
    return params


def month_choice(year: int, month: int) -> Choice:
    return year * 100 + month, f"{month:02d}.{year}"


def title_of(t: Translator, kind: str) -> str:
    return escape(REPORTS[kind].title(t.lang))


def no_reports_screen(t: Translator) -> Screen:
    return text_screen(t("office.reports.none"), replace=False)


def reports_screen(t: Translator, kinds: Sequence[str], *, replace: bool = True) -> Screen:
    """Which report: one button a report."""
    buttons = [Button(REPORTS[kind].title(t.lang), ReportCb(k=KINDS.index(kind))) for kind in kinds]
    return text_screen(t("office.reports.pick"), rows_of(buttons, 1), replace=replace)


def back_row(t: Translator) -> Row:
    return (Button(t("office.back"), ReportCb(k=-1)),)


def step_screen(
    t: Translator,
    cb: ReportCb,
    kind: str,
    step: str,
    choices: Sequence[Choice],
    *,
    optional: bool = False,
) -> Screen:
    """Ask for one parameter: a button a choice (at most :data:`MAX_BUTTONS`); an optional
    class may be the whole school."""
    rows: tuple[Row, ...] = ()
    if optional and step == "class":
        rows = ((Button(t("office.reports.whole_school"), chosen(cb, step, -1)),),)
    buttons = [Button(label, chosen(cb, step, value)) for value, label in choices[:MAX_BUTTONS]]
    rows += rows_of(buttons, COLUMNS.get(step, 1))
    title = title_of(t, kind)
    text = t(f"office.reports.ask.{step}", title=title)
    if not choices and not optional:
        text = t("office.reports.nothing", title=title)
    return text_screen(text, (*rows, back_row(t)))


def format_screen(t: Translator, cb: ReportCb, kind: str) -> Screen:
    buttons = [Button(fmt.upper(), cb.model_copy(update={"fmt": fmt})) for fmt in FORMATS]
    text = t("office.reports.ask.format", title=title_of(t, kind))
    return text_screen(text, (*rows_of(buttons, 2), back_row(t)))


def report_screen(t: Translator, kind: str, report: ReportFile) -> Screen:
    """The report as a document, its title as the caption."""
    caption = t("office.reports.ready", title=title_of(t, kind))
    document = Attachment("document", report.data, report.filename, caption)
    return Screen((), attachments=(document,), replace=False)
