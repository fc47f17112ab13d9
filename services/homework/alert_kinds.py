"""The homework domain's notification kind: tomorrow's homework to the families and students
who opted in (queued by the evening job's fan-out; services.notifications.kinds)."""

from __future__ import annotations

from typing import Any

from services.notifications.kinds import Kind, Payload, Value, child_text, date_text, t


class HomeworkItem(Payload):
    subject: Value
    text: Value


class HomeworkChild(Payload):
    student: Value = ""
    items: tuple[HomeworkItem, ...] = ()


class HomeworkPayload(Payload):
    date: str | None = None
    children: tuple[HomeworkChild, ...] = ()


def _homework_text(p: HomeworkPayload, lang: str) -> str:
    lines = [t(lang, "notify.homework.title", date=date_text(lang, p.date))]
    for child in p.children:
        lines.append("")
        lines.append(t(lang, "notify.homework.child", student=child.student))
        for item in child.items:
            lines.append(t(lang, "notify.homework.item", subject=item.subject, text=item.text))
        if not child.items:
            lines.append(t(lang, "notify.homework.none"))
    return "\n".join(lines)


def _homework_brief(p: HomeworkPayload, lang: str) -> str:
    """The subjects with homework by child, not the homework (it may be a child's own)."""
    lines = [t(lang, "notify.homework.title", date=date_text(lang, p.date))]
    for child in p.children:
        student = child_text(lang, child.student)
        subjects = list(dict.fromkeys(str(item.subject) for item in child.items))
        if subjects:
            lines.append(
                t(lang, "notify.minimal.homework", student=student, subjects=", ".join(subjects))
            )
        else:
            lines.append(t(lang, "notify.minimal.homework_none", student=student))
    return "\n".join(lines)


HOMEWORK_TOMORROW: Kind[HomeworkPayload] = Kind(
    "homework.tomorrow", HomeworkPayload, _homework_text, brief=_homework_brief
)

KINDS: tuple[Kind[Any], ...] = (HOMEWORK_TOMORROW,)
