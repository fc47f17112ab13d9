"""/admin → control works: the ones ahead, unagreed first, each unagreed one a button to agree
its date (seed 002 §5.2.5)."""

from __future__ import annotations

from collections.abc import Sequence

from i18n import Translator
from screens.admin.actions import ControlCb
from screens.admin.common import home_row, one_per_row, text_screen
from screens.screen import Button, Screen
from services.richtext import escape
from services.timetable.control_works import ControlWorkRow


def control_works_screen(t: Translator, rows: Sequence[ControlWorkRow]) -> Screen:
    lines = [t("office.cw.title")]
    buttons = []
    for row in rows:
        mark = "✅" if row.agreed else "⏳"
        lines.append(f"{mark} {row.date:%d.%m} {escape(row.class_name)} — {escape(row.subject)}")
        if not row.agreed:
            label = t("office.cw.agree", date=f"{row.date:%d.%m}", cls=row.class_name)
            buttons.append(Button(label, ControlCb(id=row.id)))
    if not rows:
        lines.append(t("office.cw.none"))
    return text_screen("\n".join(lines), (*one_per_row(buttons), home_row(t)))
