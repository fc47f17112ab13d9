"""/atrisk: the class's students at risk in the current study period (the early warning):
absences with the share of lessons and those without a valid reason, subjects whose
projected period mark is «2» or falling."""

from __future__ import annotations

from i18n import Translator
from screens.screen import Screen
from services.early_warning.reads import AtRisk, StudentRisk
from services.richtext import escape, shorten_html


def _percent(t: Translator, value: object) -> str:
    text = str(value)
    return text.replace(".", ",") if t("warn.decimal_comma") == "yes" else text


def risk_line(t: Translator, s: StudentRisk) -> str:
    parts = [
        t(
            "warn.ct.absences",
            absent=s.absent,
            lessons=s.lessons,
            percent=_percent(t, s.percent),
            unexcused=s.unexcused,
        )
    ]
    for subject in s.subjects:
        if subject.before is None:
            parts.append(t("warn.ct.mark_low", subject=escape(subject.subject), mark=subject.mark))
        else:
            parts.append(
                t(
                    "warn.ct.mark_drop",
                    subject=escape(subject.subject),
                    mark=subject.mark,
                    before=subject.before,
                )
            )
    mark = "⚠️ " if s.absences_at_risk or s.subjects else ""
    return f"{mark}<b>{escape(s.name)}</b>\n" + "\n".join(f"  {p}" for p in parts)


def at_risk_screen(t: Translator, risk: AtRisk) -> Screen:
    lines = [
        t(
            "warn.ct.title",
            cls=escape(risk.class_name),
            period=escape(risk.period or "—"),
        ),
        t("warn.ct.rule", first=risk.first_step, second=risk.second_step),
        "",
    ]
    if risk.period is None:
        lines.append(t("warn.ct.no_period"))
    elif not risk.students:
        lines.append(t("warn.ct.none"))
    else:
        lines += [risk_line(t, s) for s in risk.students]
    return Screen((shorten_html("\n".join(lines)),))
