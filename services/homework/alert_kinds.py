"""The homework domain's notification kind: tomorrow's homework to the families and students
who opted in (queued by the evening job's fan-out; services.notifications.kinds)."""

from __future__ import annotations

from typing import Any

from services.notifications.kinds import (
    Child,
    Kind,
    Payload,
    Value,
    child_text,
    date_text,
    t,
    turned_off,
)


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


class HomeworkChangedPayload(Child):
    """Homework of ``date`` changed or added after the evening's digest of that day went out
    (services/homework/corrections.py)."""

    lesson_id: int | None = None
    date: str | None = None
    subject: Value = ""
    text: Value = ""
    added: bool = False


def _homework_changed_text(p: HomeworkChangedPayload, lang: str) -> str:
    return t(
        lang,
        "corrections.homework_added" if p.added else "corrections.homework_changed",
        student=p.student_name,
        subject=p.subject,
        date=date_text(lang, p.date),
        text=p.text or "—",
    )


def _homework_changed_brief(p: HomeworkChangedPayload, lang: str) -> str:
    """The subject and the day, not the homework (it may be the child's own)."""
    return t(
        lang,
        "corrections.brief_homework",
        student=child_text(lang, p.first),
        subject=p.subject,
        date=date_text(lang, p.date),
    )


HOMEWORK_CHANGED: Kind[HomeworkChangedPayload] = Kind(
    "homework.changed",
    HomeworkChangedPayload,
    _homework_changed_text,
    brief=_homework_changed_brief,
    gates=(turned_off("homework_tomorrow"),),
)

KINDS: tuple[Kind[Any], ...] = (HOMEWORK_TOMORROW, HOMEWORK_CHANGED)
