"""The early warning's notification kind (services.notifications.kinds): one plain message
to a family (their children told of) or to a class teacher (their class's students)."""

from __future__ import annotations

from typing import Any

from services.notifications.kinds import Child, Kind, Payload, Value, child_text, t

# Who a message is for: the text of what to do differs.
FAMILY = "family"
TEACHER = "teacher"


class AbsenceItem(Payload):
    step: int = 0
    absent: int = 0
    lessons: int = 0
    unexcused: int = 0
    percent: str = ""


class SubjectItem(Payload):
    subject: Value = ""
    mark: Value = None
    before: Value = None


class WarnedChild(Child):
    class_name: Value = ""
    period: Value = ""
    teacher: Value = ""  # the class teacher's name (the family's text)
    absence: AbsenceItem | None = None
    subjects: tuple[SubjectItem, ...] = ()


class EarlyWarningPayload(Payload):
    audience: str = FAMILY
    children: tuple[WarnedChild, ...] = ()


def _percent(lang: str, value: str) -> str:
    return value.replace(".", ",") if lang == "ru" else value


def _child_lines(c: WarnedChild, lang: str) -> list[str]:
    lines = [
        t(
            lang,
            "notify.warn.child",
            student=c.student_name,
            class_name=c.class_name,
            period=c.period,
        )
    ]
    if c.absence is not None:
        a = c.absence
        lines.append(
            t(
                lang,
                "notify.warn.absence",
                absent=a.absent,
                lessons=a.lessons,
                percent=_percent(lang, a.percent),
                unexcused=a.unexcused,
            )
        )
    for s in c.subjects:
        if s.before is None:
            lines.append(t(lang, "notify.warn.mark_low", subject=s.subject, mark=s.mark))
        else:
            lines.append(
                t(lang, "notify.warn.mark_drop", subject=s.subject, mark=s.mark, before=s.before)
            )
    return lines


def _text(p: EarlyWarningPayload, lang: str) -> str:
    lines = [t(lang, "notify.warn.title")]
    for c in p.children:
        lines.append("")
        lines.extend(_child_lines(c, lang))
    lines.append("")
    if p.audience == TEACHER:
        lines.append(t(lang, "notify.warn.todo_teacher"))
    else:
        teachers = sorted({str(c.teacher) for c in p.children if c.teacher})
        if teachers:
            lines.append(t(lang, "notify.warn.todo_family", teacher=", ".join(teachers)))
        else:
            lines.append(t(lang, "notify.warn.todo_family_office"))
    return "\n".join(lines)


def _brief(p: EarlyWarningPayload, lang: str) -> str:
    """The minimal personal data form: first names and "open the diary", no figures."""
    key = "notify.warn.minimal_teacher" if p.audience == TEACHER else "notify.warn.minimal"
    names = ", ".join(child_text(lang, c.first or c.student) for c in p.children)
    return t(lang, key, students=names)


def _gate(payload: Any, prefs: Any) -> str | None:
    """Cancelled only when the recipient turned off every kind of news it carries (absences
    and marks)."""
    if prefs is None:
        return None
    p = payload if isinstance(payload, EarlyWarningPayload) else None
    if p is None:
        return None
    wants = (any(c.absence for c in p.children) and prefs.absences) or (
        any(c.subjects for c in p.children) and prefs.marks
    )
    return None if wants else "disabled in settings"


EARLY_WARNING: Kind[EarlyWarningPayload] = Kind(
    "warning.early", EarlyWarningPayload, _text, brief=_brief, gates=(_gate,)
)

KINDS: tuple[Kind[Any], ...] = (EARLY_WARNING,)
