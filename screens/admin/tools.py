"""The office's journal tools: pickers (class → student, class → day → lesson), the audit log
of a student or of a lesson, the notification queue's dead letters, substitutions, unfilled
lessons of the last week and journal checks."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

from i18n import Translator, has_key
from screens.admin.actions import AuditCb, CheckCb, OfficeCb, PickCb, SubCb
from screens.admin.common import PAGE, home_row, long_screen, one_per_row, text_screen, when
from screens.admin.substitutions import CancelCb
from screens.paging import paged
from screens.screen import Button, Row, Screen, rows_of
from screens.teacher.common import pack_day
from services.notifications.dead_letters import DeadLetter
from services.richtext import escape
from services.school.audit_trail import AuditRow, Concern, LessonTitle
from services.school.office_reads import Choice
from services.timetable.journal_control import CheckRow, TeacherUnfilled
from services.timetable.substitutions import Candidate, LessonRow

TOOLS = ("aus", "aul", "sub", "chk")
DAYS_BACK = 7
CLASS_PAGE = 48
VALUE_LIMIT = 80
NOTE_LIMIT = 300
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def day_text(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


# --------------------------------------------------------------------------- pickers


def classes_screen(t: Translator, tool: str, classes: Sequence[Choice], page: int) -> Screen:
    """The first step of a tool: the class (journal checks: or the list of the last ones)."""
    rows: tuple[Row, ...] = ()
    if tool == "chk":
        rows = ((Button(t("office.checks.list"), CheckCb(action="list")),),)
    items = [(c.title, PickCb(tool=tool, step="next", id=c.id)) for c in classes]

    def nav(p: int) -> PickCb:
        return PickCb(tool=tool, step="cls", page=p)

    rows += paged(items, page, nav, size=CLASS_PAGE, columns=4)
    return text_screen(t(f"office.pick.class.{tool}"), (*rows, home_row(t)))


def students_screen(t: Translator, class_id: int, students: Sequence[Choice], page: int) -> Screen:
    """A class's students, each a button to their audit log."""
    items = [(s.title, AuditCb(what="stu", id=s.id)) for s in students]

    def nav(p: int) -> PickCb:
        return PickCb(tool="aus", step="stu", id=class_id, page=p)

    return text_screen(t("office.pick.student"), (*paged(items, page, nav, size=PAGE), home_row(t)))


def days_screen(t: Translator, class_id: int, today: dt.date) -> Screen:
    """A lesson's audit log: today and the week before."""
    days = [today - dt.timedelta(days=back) for back in range(DAYS_BACK + 1)]
    buttons = [
        Button(
            day.strftime("%d.%m"), PickCb(tool="aul", step="les", id=class_id, day=pack_day(day))
        )
        for day in days
    ]
    return text_screen(t("office.pick.day"), (*rows_of(buttons, 4), home_row(t)))


def lesson_label(row: LessonRow, teacher: str) -> str:
    return f"{row.number}. {row.subject} — {teacher}"


def audit_lessons_screen(t: Translator, day: dt.date, lessons: Sequence[LessonRow]) -> Screen:
    """A class's lessons of one day, each a button to its audit log."""
    buttons = [
        Button(lesson_label(row, row.substitute or row.teacher), AuditCb(what="les", id=row.id))
        for row in lessons
    ]
    text = t("office.pick.lesson" if lessons else "office.pick.no_lessons", day=day_text(day))
    return text_screen(text, (*one_per_row(buttons), home_row(t)))


# --------------------------------------------------------------------------- audit log


def clip(text: str) -> str:
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


# Values shown through their own words: the field → the locale table of its values.
VALUE_WORDS = {
    "code": "office.value.code",
    "work_kind": "teacher.kind",
    "special": "term.special",
    "family_reason": "notify.reason",
    "role": "role",
}


def value_text(t: Translator, field: str, value: Any, zone: dt.tzinfo | None) -> str:
    """A recorded value in human words: codes and kinds translated, dates the user's way."""
    if value is None:
        key = f"office.value.none.{field}"
        return t(key) if has_key(key, t.lang) else "—"
    if isinstance(value, bool):
        return t("office.value.yes" if value else "office.value.no")
    if field in VALUE_WORDS and isinstance(value, str):
        key = f"{VALUE_WORDS[field]}.{value}"
        return t(key) if has_key(key, t.lang) else clip(value)
    if isinstance(value, str):
        if DATE_RE.fullmatch(value):
            return t.date(value)
        if DATETIME_RE.match(value):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return clip(value)
            if moment.tzinfo is not None and zone is not None:
                moment = moment.astimezone(zone)
            return when(moment)
        return clip(value)
    return clip(json.dumps(value, ensure_ascii=False))


def action_text(t: Translator, action: str) -> str:
    key = f"office.action.{action}"
    return t(key) if has_key(key, t.lang) else action


def concern_text(t: Translator, about: Concern | None) -> str:
    """Whose and which lesson, in words: " (Иванов П., Математика, 12.11)"; "" for none."""
    if about is None:
        return ""
    parts = [escape(p) for p in (about.student, about.subject) if p]
    if about.day is not None:
        parts.append(f"{about.day:%d.%m}")
    return t("changes.about", what=", ".join(parts)) if parts else ""


def audit_lines(t: Translator, rows: Sequence[AuditRow]) -> list[str]:
    """Each change in plain words, who, what, whose, which lesson, before → after and why:
    "Орлов Б.: отметка исправлена (Иванов П., Математика, 12.11): отметка: 3 → 4, причина: …";
    a change of several fields lists them below. Internal fields (ids) are left out, and so
    is the internal name of the record."""
    lines = []
    for row in rows:
        head = t(
            "office.audit.entry",
            at=when(row.at),
            who=escape(row.who),
            action=escape(action_text(t, row.action)),
        ) + concern_text(t, row.about)
        changes = []
        for field, before, after in row.changes:
            key = f"office.field.{field}"
            if not has_key(key, t.lang):
                continue  # an internal field: ids of the lesson, period, subject…
            zone = row.at.tzinfo
            changes.append(
                (
                    t(key),
                    escape(value_text(t, field, before, zone)),
                    escape(value_text(t, field, after, zone)),
                )
            )
        if len(changes) == 1:
            field, before, after = changes[0]
            # "посещаемость: посещаемость: …" says the field once.
            same = field == action_text(t, row.action)
            key = "changes.inline_same" if same else "changes.inline"
            line = t(key, head=head, field=field, before=before, after=after)
            if row.reason:
                line += t("changes.reason_inline", reason=escape(row.reason))
            lines.append(line)
            continue
        parts = [head]
        parts += [
            t("office.audit.change", field=field, before=before, after=after)
            for field, before, after in changes
        ]
        if row.reason:
            parts.append(t("office.audit.reason", reason=escape(row.reason)))
        lines.append("\n".join(parts))
    return lines


def audit_screen(t: Translator, title: str, rows: Sequence[AuditRow]) -> Screen:
    lines = [title, *(audit_lines(t, rows) if rows else [t("office.audit.empty")])]
    return long_screen(lines, (home_row(t),))


def student_audit_screen(t: Translator, name: str, rows: Sequence[AuditRow]) -> Screen:
    return audit_screen(t, t("office.audit.student", name=escape(name), count=len(rows)), rows)


def lesson_audit_screen(t: Translator, lesson: LessonTitle, rows: Sequence[AuditRow]) -> Screen:
    title = t(
        "office.audit.lesson",
        day=day_text(lesson.date),
        number=lesson.number,
        cls=escape(lesson.class_name),
        subject=escape(lesson.subject),
        count=len(rows),
    )
    return audit_screen(t, title, rows)


# --------------------------------------------------------------------------- dead letters


def kind_text(t: Translator, kind: str) -> str:
    key = f"office.kind.{kind}"
    return t(key) if has_key(key, t.lang) else t("office.kind.other")


# Why a notification died, from the delivery's technical note (English, for the log).
DEAD_REASONS = (
    ("blocked", ("blocked", "unreachable", "deactivated", "forbidden")),
    ("chat_not_found", ("chat not found", "user not found", "chat_not_found")),
    ("too_many", ("too many requests", "retry after", "flood")),
    ("render", ("render failed",)),
    ("network", ("not sent", "timeout", "network", "connect", "server")),
)


def dead_reason(error: str | None) -> str:
    """A reason code the admin reads in their language; "other" when not recognised."""
    text = (error or "").lower()
    for code, needles in DEAD_REASONS:
        if any(n in text for n in needles):
            return code
    return "other"


def dead_screen(t: Translator, total: int, letters: Sequence[DeadLetter]) -> Screen:
    """The last dead letters of ``total``: when, what, to whom, how often tried, and why not."""
    lines = [t("office.dead.title", count=total, shown=len(letters))]
    for d in letters:
        lines.append(
            t(
                "office.dead.entry",
                at=when(d.created_at),
                kind=escape(kind_text(t, d.kind)),
                recipient=escape(d.recipient) if d.recipient else t("office.dead.everyone"),
                attempts=d.attempts,
                error=t(f"office.dead.reason.{dead_reason(d.last_error)}"),
            )
        )
    return long_screen(lines, (home_row(t),))


# --------------------------------------------------------------------------- substitutions


def sub_lessons_screen(
    t: Translator, day: dt.date, lessons: Sequence[LessonRow], note: str = ""
) -> Screen:
    """A class's lessons of the day (cancelled ones left out), each a button to pick its
    substitute; ``note`` first when a substitution was just saved or removed."""
    buttons = []
    for row in lessons:
        if row.cancelled:
            label = t("corrections.cancelled_label", label=lesson_label(row, row.teacher))
            buttons.append(Button(label, CancelCb(action="back", lesson_id=row.id)))
            continue
        who = t("office.subs.replaced", teacher=row.teacher, sub=row.substitute)
        label = lesson_label(row, who if row.substitute else row.teacher)
        buttons.append(Button(label, SubCb(action="pick", lesson_id=row.id)))
    other = Button(t("office.subs.other_class"), PickCb(tool="sub", step="cls", day=pack_day(day)))
    other_day = Button(t("subs.other_day"), OfficeCb(action="sub"))
    key = "office.subs.pick_lesson" if lessons else "office.pick.no_lessons"
    text = t(key, day=day_text(day))
    rows = (*one_per_row(buttons), (other, other_day), home_row(t))
    return text_screen(f"{note}\n\n{text}" if note else text, rows)


def sub_teachers_screen(
    t: Translator, lesson: LessonTitle, candidates: Sequence[Candidate | Choice], page: int
) -> Screen:
    """Who substitutes the lesson (a page of the school's teachers: those free at that time
    first, a busy one marked with the class they teach then), or remove the substitution."""

    def label(c: Candidate | Choice) -> str:
        busy = c.busy if isinstance(c, Candidate) else None
        return t("subs.busy", teacher=c.title, cls=busy) if busy else c.title

    items = [
        (label(c), SubCb(action="set", lesson_id=lesson.id, teacher_id=c.id)) for c in candidates
    ]

    def nav(p: int) -> SubCb:
        return SubCb(action="page", lesson_id=lesson.id, page=p)

    remove = Button(t("office.subs.remove"), SubCb(action="del", lesson_id=lesson.id))
    cancel = Button(t("corrections.cancel_button"), CancelCb(action="ask", lesson_id=lesson.id))
    text = t(
        "office.subs.pick_teacher",
        number=lesson.number,
        cls=escape(lesson.class_name),
        subject=escape(lesson.subject),
    )
    text = t("subs.day_line", day=day_text(lesson.date)) + "\n" + text
    if any(isinstance(c, Candidate) and c.busy for c in candidates):
        text += "\n\n" + t("subs.busy_note")
    return text_screen(
        text, (*paged(items, page, nav, size=PAGE, columns=2), (remove,), (cancel,), home_row(t))
    )


# --------------------------------------------------------------------------- unfilled lessons


def unfilled_screen(
    t: Translator, start: dt.date, end: dt.date, teachers: Sequence[TeacherUnfilled]
) -> Screen:
    """The lessons from ``start`` to ``end`` without attendance, topic or homework, by
    teacher."""
    lines = [
        t(
            "office.unfilled.title",
            start=start.strftime("%d.%m"),
            end=end.strftime("%d.%m"),
            teachers=len(teachers),
            lessons=sum(len(x.lessons) for x in teachers),
        )
    ]
    if not teachers:
        lines.append(t("office.unfilled.none"))
    for teacher in teachers:
        block = [f"<b>{escape(teacher.teacher)}</b> — {len(teacher.lessons)}"]
        for lesson in teacher.lessons:
            missing = ", ".join(t(f"office.unfilled.missing.{m}") for m in lesson.missing)
            block.append(
                f"  {lesson.date:%d.%m} №{lesson.number} {escape(lesson.class_name)} "
                f"{escape(lesson.subject)}: {missing}"
            )
        lines.append("\n".join(block))
    return long_screen(lines, (home_row(t),))


# --------------------------------------------------------------------------- journal checks


def check_ask_screen(t: Translator, class_title: str) -> Screen:
    return text_screen(t("office.checks.ask", cls=escape(class_title)), (home_row(t),))


def check_state(t: Translator, check: CheckRow) -> str:
    if check.resolved:
        return t("office.checks.resolved")
    return t("office.checks.seen") if check.seen else t("office.checks.unseen")


def checks_screen(t: Translator, checks: Sequence[CheckRow]) -> Screen:
    """The last journal checks: when, which class, who, read or resolved, the note."""
    lines = [t("office.checks.title", count=len(checks))]
    if not checks:
        lines.append(t("office.checks.none"))
    for c in checks:
        note = c.note if len(c.note) <= NOTE_LIMIT else c.note[: NOTE_LIMIT - 1] + "…"
        lines.append(
            t(
                "office.checks.entry",
                at=when(c.checked_at),
                cls=escape(c.class_name),
                who=escape(c.checked_by),
                state=check_state(t, c),
                note=escape(note),
            )
        )
    add = Button(t("office.checks.add"), OfficeCb(action="chk"))
    return long_screen(lines, ((add,), home_row(t)))


def check_saved_screen(t: Translator) -> Screen:
    listing = Button(t("office.checks.list"), CheckCb(action="list"))
    return text_screen(t("office.checks.saved"), ((listing,), home_row(t)), replace=False)


def check_too_long_screen(t: Translator, limit: int) -> Screen:
    return text_screen(t("office.checks.too_long", limit=limit), replace=False)
