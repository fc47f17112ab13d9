"""The marks domain's notification kinds: a mark put, changed or deleted (merged into a digest
by child and subject, held for the recipient's hourly or evening digest), a period mark
(services.notifications.kinds)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.notifications.kinds import (
    Child,
    Digest,
    Kind,
    Payload,
    Safe,
    Value,
    child_text,
    date_text,
    t,
    turned_off,
    work_text,
)


class MarkPayload(Child):
    lesson_id: int | None = None
    mark_id: int | None = None
    value: Value = ""
    before: Value = ""
    subject: Value = ""
    work_kind: str | None = None
    date: str | None = None
    reason: Value = None


def _mark_text(name: str) -> Any:
    def text(p: MarkPayload, lang: str) -> str:
        return t(
            lang,
            f"notify.{name}",
            student=p.student_name,
            value=p.value,
            before=p.before,
            subject=p.subject,
            work_kind=work_text(lang, p.work_kind),
            date=date_text(lang, p.date),
            reason=p.reason or "—",
        )

    return text


def _marks_digest(items: Sequence[tuple[str, Any]], lang: str) -> list[str]:
    """Mark alerts grouped by child, then by subject, in the order they happened."""
    by_child: dict[str, dict[str, list[str]]] = {}
    for name, p in items:
        event = name.split(".", 1)[1]
        entry = t(
            lang,
            f"notify.mark.digest_{event}",
            value=p.value,
            before=p.before,
            reason=p.reason or "—",
        )
        by_child.setdefault(p.student_name, {}).setdefault(str(p.subject), []).append(entry)
    lines = [t(lang, "notify.mark.digest_title")]
    for student, subjects in by_child.items():
        lines.append(t(lang, "notify.mark.digest_child", student=student))
        for subject, entries in subjects.items():
            lines.append(
                t(
                    lang,
                    "notify.mark.digest_subject",
                    subject=subject,
                    marks=Safe(", ".join(entries)),
                )
            )
    return lines


def _marks_digest_brief(items: Sequence[tuple[str, Any]], lang: str) -> list[str]:
    """The minimal personal data form: how many marks were put, changed, deleted, by child."""
    by_child: dict[str, dict[str, int]] = {}
    for name, p in items:
        event = name.split(".", 1)[1]
        counts = by_child.setdefault(child_text(lang, p.first), {})
        counts[event] = counts.get(event, 0) + 1
    lines = [t(lang, "notify.mark.digest_title")]
    for student, counts in by_child.items():
        parts = [
            t(lang, f"notify.minimal.marks_{event}", n=counts[event])
            for event in ("new", "changed", "deleted")
            if counts.get(event)
        ]
        lines.append(t(lang, "notify.minimal.marks", student=student, counts=", ".join(parts)))
    return lines


MARKS_DIGEST: Digest[MarkPayload] = Digest(
    "marks", _marks_digest, deferred=True, brief=_marks_digest_brief
)


def _mark_brief(name: str) -> Any:
    def text(p: MarkPayload, lang: str) -> str:
        return t(
            lang, f"notify.minimal.{name}", student=child_text(lang, p.first), subject=p.subject
        )

    return text


def _mark_kind(event: str) -> Kind[MarkPayload]:
    return Kind(
        f"mark.{event}",
        MarkPayload,
        _mark_text(f"mark.{event}"),
        brief=_mark_brief(f"mark_{event}"),
        gates=(turned_off("marks"),),
        digest=MARKS_DIGEST,
    )


MARK_NEW = _mark_kind("new")
MARK_CHANGED = _mark_kind("changed")
MARK_DELETED = _mark_kind("deleted")
# By the event of services.marks.marking ("new", "changed", "deleted").
MARK_EVENTS = {"new": MARK_NEW, "changed": MARK_CHANGED, "deleted": MARK_DELETED}


class FinalMarkPayload(Child):
    period_id: int | None = None
    period: Value = ""
    subject: Value = ""
    value: Value = ""
    special: str | None = None


def _final_mark_text(p: FinalMarkPayload, lang: str) -> str:
    value = t(lang, f"notify.final.{p.special}") if p.special else p.value
    return t(
        lang,
        "notify.final.set",
        student=p.student_name,
        period=p.period,
        subject=p.subject,
        value=value,
    )


def _final_mark_brief(p: FinalMarkPayload, lang: str) -> str:
    return t(
        lang,
        "notify.minimal.final",
        student=child_text(lang, p.first),
        period=p.period,
        subject=p.subject,
    )


FINAL_MARK_SET: Kind[FinalMarkPayload] = Kind(
    "final_mark.set", FinalMarkPayload, _final_mark_text, brief=_final_mark_brief
)


class YearMarkPayload(Child):
    """A year, exam or final mark set (services.marks.year_marks)."""

    mark_kind: str = "year"
    year: Value = ""
    subject: Value = ""
    value: Value = ""
    special: str | None = None


def _year_mark_text(p: YearMarkPayload, lang: str) -> str:
    value = t(lang, f"notify.final.{p.special}") if p.special else p.value
    return t(
        lang,
        "yearmarks.notify_set",
        student=p.student_name,
        mark_kind=p.mark_kind,
        year=p.year,
        subject=p.subject,
        value=value,
    )


def _year_mark_brief(p: YearMarkPayload, lang: str) -> str:
    return t(
        lang,
        "yearmarks.notify_brief",
        student=child_text(lang, p.first),
        mark_kind=p.mark_kind,
        subject=p.subject,
    )


YEAR_MARK_SET: Kind[YearMarkPayload] = Kind(
    "year_mark.set", YearMarkPayload, _year_mark_text, brief=_year_mark_brief
)


class MissingPeriodMarks(Payload):
    class_name: Value = ""
    subject: Value = ""
    missing: Value = 0


class PeriodMarksReminder(Payload):
    period: Value = ""
    ends_on: str | None = None
    items: tuple[MissingPeriodMarks, ...] = ()


def _period_marks_text(p: PeriodMarksReminder, lang: str) -> str:
    lines = [
        t(lang, "yearmarks.remind_period_title", period=p.period, date=date_text(lang, p.ends_on))
    ]
    for item in p.items:
        lines.append(
            t(
                lang,
                "yearmarks.remind_period_item",
                class_name=item.class_name,
                subject=item.subject,
                missing=item.missing,
            )
        )
    return "\n".join(lines)


REMINDER_PERIOD_MARKS: Kind[PeriodMarksReminder] = Kind(
    "reminder.period_marks",
    PeriodMarksReminder,
    _period_marks_text,
    gates=(turned_off("reminders"),),
)


class DueControlWork(Payload):
    class_name: Value = ""
    subject: Value = ""
    date: str | None = None
    title: Value = None


class ControlResultsReminder(Payload):
    works: tuple[DueControlWork, ...] = ()


def _control_results_text(p: ControlResultsReminder, lang: str) -> str:
    lines = [t(lang, "yearmarks.remind_control_title")]
    for w in p.works:
        lines.append(
            t(
                lang,
                "yearmarks.remind_control_item",
                class_name=w.class_name,
                subject=w.subject,
                date=date_text(lang, w.date),
                title=w.title or "—",
            )
        )
    return "\n".join(lines)


REMINDER_CONTROL_RESULTS: Kind[ControlResultsReminder] = Kind(
    "reminder.control_results",
    ControlResultsReminder,
    _control_results_text,
    gates=(turned_off("reminders"),),
)

KINDS: tuple[Kind[Any], ...] = (
    MARK_NEW,
    MARK_CHANGED,
    MARK_DELETED,
    FINAL_MARK_SET,
    YEAR_MARK_SET,
    REMINDER_PERIOD_MARKS,
    REMINDER_CONTROL_RESULTS,
)
