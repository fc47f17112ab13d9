"""Texts of the family views (diary, homework, marks, attendance, timetable), from locale keys.

Pure functions over the family's read models (services.timetable.diary and timetable_reads,
services.marks.mark_reads, services.attendance.attendance_views, services.homework.assignments):
no database, no messenger, so a test can render them directly. Everything a teacher or a
parent typed (topics, homework, comments, reasons) and every name from the roster is escaped;
the markup is Telegram HTML.
A long answer is a list of messages split at day or subject boundaries below the limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from i18n import Translator
from services import richtext
from services.attendance.attendance_views import AttendancePage
from services.enums import AttendanceCode, WorkKind
from services.homework.assignments import HomeworkPage
from services.marks.mark_reads import FinalMarkView, MarksPage, SubjectReport
from services.models import StudyPeriod
from services.people.context import StudentRef
from services.people.family import Sections
from services.richtext import escape
from services.timetable.diary import (
    ControlWorkMark,
    DiaryDay,
    DiaryPage,
    LessonView,
    MarkView,
)
from services.timetable.timetable_reads import TimetableDay, TimetablePage

# Telegram: 4096 characters (UTF-16 code units) after the HTML is parsed. Keep a margin.
MESSAGE_LIMIT = 4000
INDENT = "    "


# --------------------------------------------------------------------------- splitting


def visible_length(text: str) -> int:
    """Length as Telegram counts it: tags removed, entities decoded, UTF-16 code units."""
    return richtext.visible_length(text)


def split_blocks(blocks: Sequence[str], limit: int = MESSAGE_LIMIT, sep: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as fit under ``limit``; a block that is too long by
    itself is split between lines, and a line too long by itself (a long homework text) at a
    word, its tags kept balanced (services.richtext)."""
    pieces: list[str] = []
    for block in blocks:
        if visible_length(block) <= limit:
            pieces.append(block)
            continue
        current: list[str] = []
        lines = [p for line in block.split("\n") for p in richtext.split_html(line, limit)]
        for line in lines:
            if current and visible_length("\n".join([*current, line])) > limit:
                pieces.append("\n".join(current))
                current = []
            current.append(line)
        if current:
            pieces.append("\n".join(current))
    messages: list[str] = []
    for piece in pieces:
        if messages and visible_length(messages[-1] + sep + piece) <= limit:
            messages[-1] = messages[-1] + sep + piece
        else:
            messages.append(piece)
    return messages or [""]


# --------------------------------------------------------------------------- small parts


def date_long(t: Translator, day: dt.date, *, mid: bool = False) -> str:
    """ "Среда, 18 ноября"; ``mid``: inside a sentence ("на среду…" keeps Russian lower case)."""
    weekday = t(f"diary.weekday.{day.isoweekday()}")
    if mid and t("diary.weekday_mid_case") == "lower":
        weekday = weekday.lower()
    return t("diary.date", weekday=weekday, day=day.day, month=t(f"diary.month.{day.month}"))


def date_short(t: Translator, day: dt.date) -> str:
    return t("diary.date_short", day=day.day, month=t(f"diary.month.{day.month}"))


def date_button(day: dt.date) -> str:
    return f"{day.day:02d}.{day.month:02d}"


def day_title(t: Translator, key: str, day: dt.date, today: dt.date) -> str:
    """A day's title ("Среда, 18 ноября"), marked when it is today."""
    title = t(key, date=date_long(t, day))
    return f"{title} {t('diary.today_mark')}" if day == today else title


def lesson_line(head: str, subject: str, extra: Sequence[str]) -> str:
    """ "2. 09:00–09:45 <b>subject</b> · room, teacher": the number and times, the subject (in
    markup), then what else there is to say."""
    line = head + f"<b>{subject}</b>"
    return f"{line} · {', '.join(extra)}" if extra else line


def number(t: Translator, value: Decimal | float) -> str:
    return f"{float(value):.2f}".replace(".", t("family.decimal_point"))


def header(t: Translator, student: StudentRef) -> str:
    if student.class_name:
        return t("family.header", name=escape(student.name), class_name=escape(student.class_name))
    return t("family.header_no_class", name=escape(student.name))


def hidden_note(t: Translator, sections: Sections, wanted: Iterable[str]) -> str | None:
    hidden = [t(f"family.section.{s}") for s in wanted if not getattr(sections, s)]
    if not hidden:
        return None
    return t("family.hidden", sections=", ".join(hidden))


def not_available(t: Translator, section: str) -> str:
    return t("family.not_available", section=t(f"family.section.{section}"))


def _times(start: dt.time | None, end: dt.time | None) -> str:
    if start is None or end is None:
        return ""
    return f"{start:%H:%M}–{end:%H:%M} "


def period_title(t: Translator, period: StudyPeriod) -> str:
    return t(
        "family.period",
        name=escape(period.name),
        start=date_short(t, period.starts_on),
        end=date_short(t, period.ends_on),
    )


def period_button(t: Translator, period: StudyPeriod) -> str:
    return t(f"family.period_short.{period.kind.value}", n=period.number)


def final_mark(t: Translator, mark: FinalMarkView) -> str:
    if mark.value is not None:
        return str(mark.value)
    return t(f"family.special.{mark.special.value if mark.special else 'na'}")


# --------------------------------------------------------------------------- diary


def _mark(t: Translator, m: MarkView) -> str:
    kind = t(f"diary.work.{m.work_kind.value}")
    key = "diary.mark_weighted" if m.weight > 1 else "diary.mark"
    text = t(key, value=m.value, kind=kind, weight=m.weight)
    if m.comment:
        text += " " + t("diary.mark_comment", comment=escape(m.comment))
    return text


def work_mark(t: Translator, work: ControlWorkMark) -> str:
    """A control work on its lesson: "📝 Контрольная работа: <title>" (untitled: its kind,
    unless a plain control work)."""
    if work.title:
        return t("works.diary.mark", title=escape(work.title))
    if work.kind != WorkKind.CONTROL:
        return t("works.diary.mark", title=t(f"works.kind.{work.kind.value}"))
    return t("works.diary.mark_untitled")


def lesson_lines(t: Translator, lesson: LessonView, sections: Sections) -> list[str]:
    subject = escape(lesson.subject)
    head = f"{lesson.number}. {_times(lesson.starts_at, lesson.ends_at)}"
    if lesson.cancelled:
        return [head + t("diary.cancelled", subject=subject)]
    extra = []
    if lesson.room:
        extra.append(t("diary.room", room=escape(lesson.room)))
    if lesson.substituted:
        extra.append(t("diary.substitute", teacher=escape(lesson.teacher)))
    if lesson.distance:
        extra.append(t("distance.mark"))
    lines = [lesson_line(head, subject, extra)]
    if lesson.control_work is not None:
        lines.append(INDENT + work_mark(t, lesson.control_work))
    if lesson.topic:
        lines.append(INDENT + t("diary.topic", topic=escape(lesson.topic)))
    for hw in lesson.homework:
        key = "diary.homework_individual" if hw.individual else "diary.homework"
        text = INDENT + t(key, text=escape(hw.text))
        if hw.due_date is not None and hw.due_date != lesson.date:
            text += " " + t("diary.due", date=date_short(t, hw.due_date))
        if hw.files:
            text += " " + t("diary.files", n=len(hw.files))
        lines.append(text)
    if lesson.marks:
        lines.append(INDENT + t("diary.marks", marks=", ".join(_mark(t, m) for m in lesson.marks)))
    if lesson.attendance is not None:
        text = t(f"diary.att.{lesson.attendance.value}")
        if lesson.announced_absence and lesson.attendance != AttendanceCode.LATE:
            text += " " + t("diary.announced_suffix")
        lines.append(INDENT + text)
    elif lesson.announced_absence:
        lines.append(INDENT + t("diary.announced"))
    return lines


def day_block(
    t: Translator, day: DiaryDay, page: DiaryPage, *, title_key: str = "diary.day_title"
) -> str:
    lines = [day_title(t, title_key, day.date, page.today)]
    for event in day.events:
        if event.all_day:
            lines.append(t("works.diary.event_day", title=escape(event.title)))
        else:
            lines.append(
                t("works.diary.event", title=escape(event.title), time=f"{event.at:%H:%M}")
            )
    for reason in page.notices.get(day.date, []):
        lines.append(t("diary.notice", reason=escape(reason)))
    if day.holiday:
        lines.append(t("diary.holiday", name=escape(day.holiday)))
    elif not day.lessons:
        lines.append(t("diary.weekend") if day.weekend else t("diary.no_lessons"))
    for lesson in day.lessons:
        lines.extend(lesson_lines(t, lesson, page.sections))
    return "\n".join(lines)


def diary_messages(t: Translator, page: DiaryPage, *, week: bool) -> list[str]:
    top = [header(t, page.student)]
    if week:
        top.append(
            t(
                "diary.week_title",
                start=date_short(t, page.date_from),
                end=date_short(t, page.date_to),
            )
        )
    note = hidden_note(t, page.sections, ("homework", "attendance", "marks"))
    if note:
        top.append(note)
    blocks = ["\n".join(top)]
    days = page.days
    if week:
        # Weekend days without lessons add nothing to a week.
        days = [d for d in days if d.lessons or d.holiday or not d.weekend]
        blocks.extend(day_block(t, d, page, title_key="diary.week_day_title") for d in days)
    else:
        blocks.extend(day_block(t, d, page) for d in days)
    return split_blocks(blocks)


# --------------------------------------------------------------------------- homework


def homework_messages(t: Translator, page: HomeworkPage) -> list[str]:
    top = [
        header(t, page.student),
        t("family.homework.title", date=date_long(t, page.day, mid=True)),
    ]
    if not page.available:
        top.append(not_available(t, "homework"))
        return split_blocks(["\n".join(top)])
    blocks = ["\n".join(top)]
    if page.holiday:
        blocks.append(t("diary.holiday", name=escape(page.holiday)))
    elif not page.subjects:
        blocks.append(t("diary.weekend") if page.weekend else t("diary.no_lessons"))
    lines: list[str] = []
    for item in page.items:
        key = "family.homework.item_individual" if item.individual else "family.homework.item"
        text = t(key, subject=escape(item.subject), text=escape(item.text))
        text += " " + t("family.homework.set_on", date=date_short(t, item.set_on))
        if item.files:
            text += " " + t("diary.files", n=len(item.files))
        lines.append(text)
    if lines:
        blocks.append("\n".join(lines))
    elif page.subjects:
        blocks.append(t("family.homework.none"))
    with_homework = {i.subject for i in page.items}
    free = [s for s in page.subjects if s not in with_homework]
    if page.items and free:
        blocks.append(t("family.homework.without", subjects=escape(", ".join(free))))
    return split_blocks(blocks)


# --------------------------------------------------------------------------- marks


def _mark_values(marks: Sequence[MarkView]) -> str:
    return " ".join(f"<b>{m.value}</b>" if m.weight > 1 else str(m.value) for m in marks)


def subject_block(t: Translator, report: SubjectReport) -> str:
    subject = escape(report.subject)
    if not report.marks:
        lines = [t("family.marks.subject_empty", subject=subject)]
    else:
        lines = [t("family.marks.subject", subject=subject, marks=_mark_values(report.marks))]
        if report.average is not None and report.suggested is not None:
            text = t(
                "family.marks.average",
                average=number(t, report.average),
                mark=report.suggested,
            )
            if not report.enough_marks:
                text += " " + t("family.marks.few")
            lines.append(INDENT + text)
    if report.advice is not None:
        n = report.advice.fives
        lines.append(INDENT + t.plural("family.marks.need", n, mark=report.advice.target))
    if report.period_mark is not None:
        lines.append(INDENT + t("family.marks.period_mark", mark=final_mark(t, report.period_mark)))
    if report.year_mark is not None:
        lines.append(INDENT + t("family.marks.year_mark", mark=final_mark(t, report.year_mark)))
    return "\n".join(lines)


def period_top(
    t: Translator, page: MarksPage | AttendancePage, area: str, title_key: str
) -> tuple[str, bool]:
    """The first block of a period's marks or attendance (the child, the period) and whether
    the page goes on: not before the year's first period, nor where ``area`` is not shown."""
    top = [header(t, page.student)]
    if page.period is None:
        top.append(t("family.no_period"))
        return "\n".join(top), False
    top.append(t(title_key, period=period_title(t, page.period)))
    if not page.available:
        top.append(not_available(t, area))
        return "\n".join(top), False
    return "\n".join(top), True


def marks_messages(t: Translator, page: MarksPage) -> list[str]:
    top, shown = period_top(t, page, "marks", "family.marks.title")
    if not shown:
        return split_blocks([top])
    blocks = [top]
    if page.first_grade:
        blocks.append(t("family.marks.first_grade"))
    elif not page.subjects:
        blocks.append(t("family.marks.none"))
    blocks.extend(subject_block(t, s) for s in page.subjects)
    if any(m.weight > 1 for s in page.subjects for m in s.marks):
        blocks.append(t("family.marks.legend"))
    return split_blocks(blocks)


# --------------------------------------------------------------------------- attendance


def attendance_messages(t: Translator, page: AttendancePage) -> list[str]:
    top, shown = period_top(t, page, "attendance", "family.attendance.title")
    if not shown:
        return split_blocks([top])
    summary = [
        t("family.attendance.missed", missed=page.missed, lessons=page.lessons),
        INDENT + t("family.attendance.absent", n=page.counts[AttendanceCode.ABSENT]),
        INDENT + t("family.attendance.ill", n=page.counts[AttendanceCode.ILL]),
        INDENT + t("family.attendance.excused", n=page.counts[AttendanceCode.EXCUSED]),
        t("family.attendance.late", n=page.counts[AttendanceCode.LATE]),
    ]
    blocks = [top, "\n".join(summary)]
    if page.entries:
        lines = [t("family.attendance.list")]
        for e in page.entries:
            text = t(
                "family.attendance.entry",
                date=date_short(t, e.date),
                number=e.number,
                subject=escape(e.subject),
                code=t(f"family.attendance.code.{e.code.value}"),
            )
            if e.announced and e.code != AttendanceCode.LATE:
                text += " " + t("diary.announced_suffix")
            lines.append(text)
        blocks.append("\n".join(lines))
    else:
        blocks.append(t("family.attendance.none"))
    return split_blocks(blocks)


# --------------------------------------------------------------------------- timetable


def timetable_day_block(t: Translator, day: TimetableDay, today: dt.date) -> str:
    lines = [day_title(t, "family.timetable.day_title", day.date, today)]
    if day.holiday:
        lines.append(t("diary.holiday", name=escape(day.holiday)))
    elif not day.slots:
        lines.append(t("diary.weekend") if day.weekend else t("diary.no_lessons"))
    for s in day.slots:
        head = f"{s.number}. {_times(s.starts_at, s.ends_at)}"
        subject = escape(s.subject)
        if s.class_name:
            subject = f"{escape(s.class_name)} {subject}"
        if s.cancelled:
            lines.append(head + t("diary.cancelled", subject=subject))
            continue
        extra = []
        if s.substituted:
            if s.class_name is not None:
                extra.append(t("family.timetable.you_substitute"))
            else:
                extra.append(t("diary.substitute", teacher=escape(s.teacher or "")))
        elif s.teacher:
            extra.append(escape(s.teacher))
        if s.room:
            extra.append(t("diary.room", room=escape(s.room)))
        if s.distance:
            extra.append(t("distance.mark"))
        lines.append(lesson_line(head, subject, extra))
    return "\n".join(lines)


def timetable_messages(t: Translator, page: TimetablePage, *, week: bool) -> list[str]:
    if page.student is not None:
        top = [header(t, page.student)]
    elif page.class_name is not None:
        top = [t("family.timetable.class", name=escape(page.class_name))]
    else:
        top = [t("family.timetable.own")]
    if week and page.days:
        top.append(
            t(
                "family.timetable.week_title",
                start=date_short(t, page.days[0].date),
                end=date_short(t, page.days[-1].date),
            )
        )
    if not page.available:
        if not week and page.days:
            top.append(t("family.timetable.day_title", date=date_long(t, page.days[0].date)))
        top.append(not_available(t, "timetable"))
        return split_blocks(["\n".join(top)])
    days = page.days
    if week:
        days = [d for d in days if d.slots or d.holiday or not d.weekend]
    return split_blocks(["\n".join(top), *(timetable_day_block(t, d, page.today) for d in days)])
