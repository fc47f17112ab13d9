"""The reports themselves: each builder reads the journal and returns a Document."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

import i18n
from services.calendar import school_now
from services.enums import ABSENCE_CODES, AttendanceCode, FinalMarkKind, Role
from services.models import (
    Account,
    Attendance,
    AuditEntry,
    Enrolment,
    Guardianship,
    Homework,
    Lesson,
    Mark,
    MessengerBinding,
    Person,
    RoleGrant,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subgroup,
    SubgroupMember,
    Subject,
)
from services.people.accounts import transliterate
from services.people.identity import Actor
from services.reports import data as q
from services.reports.document import Column, Document, Section, Table
from services.school.school_year import classes_of_year

log = logging.getLogger(__name__)


def catalog(lang: str) -> Mapping[str, object]:
    """The texts of a language by key (report labels: ``i18n/locales/<lang>/reports.ftl``)."""
    return i18n.catalog_of(lang).texts


def label(lang: str, key: str, **params: Any) -> str:
    return i18n.t(lang, key, **params)


@dataclass
class ReportContext:
    session: AsyncSession
    actor: Actor
    school: School
    lang: str
    cls: SchoolClass | None = None
    year: SchoolYear | None = None
    period: StudyPeriod | None = None
    subject: Subject | None = None
    subgroup: Subgroup | None = None
    student: Person | None = None
    month: tuple[int, int] | None = None
    day: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def L(self, key: str, **params: Any) -> str:
        return label(self.lang, key, **params)

    @property
    def footer(self) -> str:
        at = school_now(self.school).strftime("%d.%m.%Y %H:%M")
        return f"{self.school.name} · {self.L('report.generated', at=at)}"

    def filename(self, kind: str, *parts: object) -> str:
        bits = [kind]
        for part in parts:
            words = [transliterate(w) for w in re.split(r"[^\w]+", str(part or ""))]
            bits += [w for w in words if w]
        return "-".join(bits)

    def document(self, section: Section, kind: str, *parts: object) -> Document:
        """A one-section document titled by its section, its file named by ``filename``."""
        return Document(section.title, self.filename(kind, *parts), [section], self.footer)


async def _class_teacher_name(ctx: ReportContext, cls: SchoolClass) -> str:
    if cls.class_teacher_id is None:
        return ctx.L("report.nobody")
    p = await ctx.session.get(Person, cls.class_teacher_id)
    return p.full_name if p else ctx.L("report.nobody")


async def _class_year_lines(ctx: ReportContext, cls: SchoolClass, year: SchoolYear) -> list[str]:
    return [*await _class_lines(ctx, cls), ctx.L("report.year", name=year.name)]


async def _class_lines(ctx: ReportContext, cls: SchoolClass) -> list[str]:
    return [
        ctx.L("report.school", name=ctx.school.name),
        ctx.L("report.class", name=cls.name),
        ctx.L("report.class_teacher", name=await _class_teacher_name(ctx, cls)),
    ]


def _period_line(ctx: ReportContext, period: StudyPeriod) -> str:
    return ctx.L(
        "report.period", name=period.name, start=q.d(period.starts_on), end=q.d(period.ends_on)
    )


def _lead_columns(ctx: ReportContext) -> list[Column]:
    return [Column(ctx.L("report.n"), 7), Column(ctx.L("report.student"), 44, "L")]


# --------------------------------------------------------------------------- attendance, month


async def attendance_month(ctx: ReportContext) -> Document:
    assert ctx.cls is not None and ctx.month is not None
    cls, (year, month) = ctx.cls, ctx.month
    start, end = q.month_bounds(year, month)
    students = await q.class_students(ctx.session, cls.id, start, end)
    lessons = await q.class_lessons(ctx.session, cls.id, start, end)
    days = sorted({lesson.date for lesson in lessons})
    per_day: dict[tuple[int, dt.date], int] = Counter()
    per_code: dict[tuple[int, AttendanceCode], int] = Counter()
    for day, sid, code in await q.class_absences(ctx.session, cls.id, start, end):
        per_code[(sid, code)] += 1
        if code in ABSENCE_CODES:
            per_day[(sid, day)] += 1
    month_label = q.month_name(month, ctx.lang)
    cols = _lead_columns(ctx)
    cols += [Column(str(day.day), 6.5, group=ctx.L("report.attendance_month.days")) for day in days]
    miss = ctx.L("report.attendance_month.missed")
    cols += [
        Column(ctx.L(f"report.attendance_month.{k}"), 9, group=miss)
        for k in ("all", "ill", "excused", "absent")
    ]
    cols.append(Column(ctx.L("report.attendance_month.late"), 9))
    rows: list[list[Any]] = []
    day_totals: Counter[dt.date] = Counter()
    totals: Counter[str] = Counter()
    for i, s in enumerate(students, start=1):
        row: list[Any] = [i, s.name]
        for day in days:
            n = per_day.get((s.id, day), 0)
            day_totals[day] += n
            row.append(n or None)
        ill = per_code.get((s.id, AttendanceCode.ILL), 0)
        exc = per_code.get((s.id, AttendanceCode.EXCUSED), 0)
        absent = per_code.get((s.id, AttendanceCode.ABSENT), 0)
        late = per_code.get((s.id, AttendanceCode.LATE), 0)
        values = {"all": ill + exc + absent, "ill": ill, "excused": exc, "absent": absent}
        totals.update(values)
        totals["late"] += late
        row += [values["all"], ill, exc, absent, late]
        rows.append(row)
    rows.append(
        ["", ctx.L("report.total")]
        + [day_totals[day] or None for day in days]
        + [totals["all"], totals["ill"], totals["excused"], totals["absent"], totals["late"]]
    )
    section = Section(
        title=ctx.L("report.attendance_month.title"),
        sheet=ctx.L("report.attendance_month.sheet"),
        lines=[
            *await _class_lines(ctx, cls),
            ctx.L("report.month", name=month_label, year=year),
            ctx.L("report.attendance_month.lessons", count=len(lessons)),
        ],
        tables=[Table(cols, rows, frozen=2, bold_rows={len(rows) - 1})],
        notes=[ctx.L("report.attendance_month.legend")],
        signatures=[ctx.L("report.sign_class_teacher")],
        landscape=True,
    )
    return ctx.document(section, "attendance_month", cls.name, f"{year}-{month:02d}")


# --------------------------------------------------------------------------- class results


@dataclass
class ClassResults:
    students: list[q.StudentRow]
    subjects: list[Subject]
    cells: dict[tuple[int, int], q.SubjectResult]
    any_suggested: bool


async def _class_results(ctx: ReportContext, cls: SchoolClass, period: StudyPeriod) -> ClassResults:
    students = await q.class_students(ctx.session, cls.id, period.starts_on, period.ends_on)
    subjects = await q.class_subjects(ctx.session, cls, period.starts_on, period.ends_on)
    marks: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for _lesson, subject_id, sid, value, weight in await q.class_marks(
        ctx.session, cls.id, period.starts_on, period.ends_on
    ):
        marks[(sid, subject_id)].append((value, weight))
    finals = {
        (fm.student_id, fm.subject_id): fm
        for fm in await q.final_marks(ctx.session, [s.id for s in students], period.year_id)
        if fm.kind == FinalMarkKind.PERIOD and fm.period_id == period.id
    }
    cells: dict[tuple[int, int], q.SubjectResult] = {}
    any_suggested = False
    for s in students:
        for subj in subjects:
            ms = marks.get((s.id, subj.id), [])
            fm = finals.get((s.id, subj.id))
            if not ms and fm is None:
                continue
            res = q.subject_result(ms, fm, ctx.school)
            any_suggested = any_suggested or (not res.set_by_teacher and res.mark is not None)
            cells[(s.id, subj.id)] = res
    return ClassResults(students, subjects, cells, any_suggested)


def _categories(r: ClassResults) -> dict[str, list[q.StudentRow]]:
    out: dict[str, list[q.StudentRow]] = defaultdict(list)
    for s in r.students:
        res = [r.cells[(s.id, subj.id)] for subj in r.subjects if (s.id, subj.id) in r.cells]
        cat = q.category(
            [x.mark if x.special is None else None for x in res], [x.special for x in res]
        )
        if cat:
            out[cat].append(s)
    return out


CATEGORIES = ("excellent", "good", "one_three", "satisfactory", "failing", "not_certified")


def _category_table(ctx: ReportContext, r: ClassResults) -> tuple[Table, str]:
    cats = _categories(r)
    rows = [
        [
            ctx.L(f"report.class_results.{c}"),
            len(cats.get(c, [])),
            ", ".join(s.name for s in cats.get(c, [])),
        ]
        for c in CATEGORIES
    ]
    certified = sum(len(v) for k, v in cats.items() if k != "not_certified")
    quality = q.percent(len(cats.get("excellent", [])) + len(cats.get("good", [])), certified)
    success = q.percent(certified - len(cats.get("failing", [])), certified)
    table = Table(
        [
            Column(ctx.L("report.class_results.category"), 36, "L"),
            Column(ctx.L("report.class_results.count"), 16),
            Column(ctx.L("report.class_results.students"), 130, "L"),
        ],
        rows,
        title=ctx.L("report.class_results.summary"),
    )
    line = ctx.L(
        "report.class_results.class_quality",
        value=_pct(quality),
        success=_pct(success),
    )
    return table, line


def _tally(results: Iterable[q.SubjectResult | None]) -> tuple[Counter[int], list[Any]]:
    """Period results counted: the marks by value, and the cells a results table shows for
    them (fives, fours, threes, twos, "н/а", the mean of the averages)."""
    got = [x for x in results if x is not None]
    marks = Counter(x.mark for x in got if x.special is None and x.mark is not None)
    na = sum(1 for x in got if x.special == "н/а")
    avgs = [float(x.average) for x in got if x.average is not None]
    mean = round(sum(avgs) / len(avgs), 2) if avgs else None
    return marks, [marks[5], marks[4], marks[3], marks[2], na, mean]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _cell(res: q.SubjectResult | None) -> str:
    if res is None:
        return ""
    mark = res.special or (str(res.mark) if res.mark is not None else "")
    if res.mark is not None and not res.set_by_teacher:
        mark += "*"
    avg = f" ({res.average:.2f})".replace(".", ",") if res.average is not None else ""
    return f"{mark}{avg}".strip()


async def class_results(ctx: ReportContext) -> Document:
    assert ctx.cls is not None and ctx.period is not None
    cls, period = ctx.cls, ctx.period
    r = await _class_results(ctx, cls, period)
    teachers = await q.subject_teachers(ctx.session, cls.id)
    L = ctx.L
    subject_rows = []
    for subj in r.subjects:
        marks, tally = _tally(r.cells.get((s.id, subj.id)) for s in r.students)
        certified = sum(marks.values())
        subject_rows.append(
            [
                subj.name,
                teachers.get(subj.id, ""),
                certified,
                *tally,
                q.percent(marks[5] + marks[4], certified),
                q.percent(marks[5] + marks[4] + marks[3], certified),
            ]
        )
    by_subject = Table(
        [
            Column(L("report.class_results.subject"), 40, "L"),
            Column(L("report.class_results.teacher"), 34, "L"),
            *[
                Column(L(f"report.class_results.{k}"), 11)
                for k in ("certified", "n5", "n4", "n3", "n2", "na")
            ],
            Column(L("report.class_results.average"), 14),
            Column(L("report.class_results.quality"), 18),
            Column(L("report.class_results.success"), 20),
        ],
        subject_rows,
        title=L("report.class_results.by_subject"),
        frozen=1,
    )
    student_rows = []
    for i, s in enumerate(r.students, start=1):
        results: list[q.SubjectResult | None] = [
            r.cells.get((s.id, subj.id)) for subj in r.subjects
        ]
        counts = Counter(x.mark for x in results if x and x.special is None and x.mark)
        avgs = [float(x.average) for x in results if x and x.average is not None]
        student_rows.append(
            [i, s.name]
            + [_cell(x) for x in results]
            + [counts[5], counts[4], counts[3], counts[2]]
            + [round(sum(avgs) / len(avgs), 2) if avgs else None]
        )
    group = L("report.class_results.cell")
    by_student = Table(
        [
            *_lead_columns(ctx),
            *[Column(subj.short_name or subj.name, 19, group=group) for subj in r.subjects],
            *[Column(L(f"report.class_results.{k}"), 9) for k in ("n5", "n4", "n3", "n2")],
            Column(L("report.class_results.average"), 14),
        ],
        student_rows,
        title=L("report.class_results.by_student"),
        frozen=2,
    )
    cats, quality_line = _category_table(ctx, r)
    lines = [*await _class_lines(ctx, cls), _period_line(ctx, period)]
    notes = [quality_line]
    if r.any_suggested:
        notes.append(L("report.class_results.suggested_note"))
    section = Section(
        L("report.class_results.title"),
        L("report.class_results.sheet_subjects"),
        lines,
        [by_subject, cats, by_student],
        notes,
        [L("report.sign_class_teacher"), L("report.sign_deputy")],
        landscape=True,
    )
    return ctx.document(section, "class_results", cls.name, period.name)


# --------------------------------------------------------------------------- summary of marks


async def marks_summary(ctx: ReportContext) -> Document:
    assert ctx.cls is not None and ctx.year is not None
    cls, year = ctx.cls, ctx.year
    students = await q.class_students(ctx.session, cls.id, year.starts_on, year.ends_on)
    subjects = await q.class_subjects(ctx.session, cls, year.starts_on, year.ends_on)
    periods = await q.periods_of_year(ctx.session, year.id)
    finals = await q.final_marks(ctx.session, [s.id for s in students], year.id)
    by_key: dict[tuple[int, int, str], Any] = {}
    has_exam = has_final = False
    for fm in finals:
        slot = str(fm.period_id) if fm.kind == FinalMarkKind.PERIOD else str(fm.kind)
        by_key[(fm.student_id, fm.subject_id, slot)] = fm
        has_exam = has_exam or fm.kind == FinalMarkKind.EXAM
        has_final = has_final or fm.kind == FinalMarkKind.FINAL
    slots: list[tuple[str, str]] = [(str(p.id), _roman(p.number)) for p in periods]
    slots.append((str(FinalMarkKind.YEAR), ctx.L("report.marks_summary.year_mark")))
    if has_exam:
        slots.append((str(FinalMarkKind.EXAM), ctx.L("report.marks_summary.exam")))
    if has_final:
        slots.append((str(FinalMarkKind.FINAL), ctx.L("report.marks_summary.final")))
    cols = _lead_columns(ctx)
    for subj in subjects:
        cols += [Column(title, 7.5, group=subj.short_name or subj.name) for _, title in slots]
    rows = []
    for i, s in enumerate(students, start=1):
        row: list[Any] = [i, s.name]
        for subj in subjects:
            row += [q.final_text(by_key.get((s.id, subj.id, slot))) for slot, _ in slots]
        rows.append(row)
    section = Section(
        ctx.L("report.marks_summary.title"),
        ctx.L("report.marks_summary.sheet"),
        await _class_year_lines(ctx, cls, year),
        [Table(cols, rows, frozen=2, stretch=False)],
        signatures=[ctx.L("report.sign_class_teacher"), ctx.L("report.sign_deputy")],
        landscape=True,
    )
    return ctx.document(section, "marks_summary", cls.name, year.name)


def _roman(n: int) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(n, str(n))


# --------------------------------------------------------------------------- summary of attendance


async def attendance_summary(ctx: ReportContext) -> Document:
    assert ctx.cls is not None and ctx.year is not None
    cls, year = ctx.cls, ctx.year
    start, end = year.starts_on, year.ends_on
    students = await q.class_students(ctx.session, cls.id, start, end)
    counts: Counter[tuple[int, tuple[int, int], AttendanceCode]] = Counter()
    for day, sid, code in await q.class_absences(ctx.session, cls.id, start, end):
        counts[(sid, (day.year, day.month), code)] += 1
    months = q.months_between(start, end)
    codes = (AttendanceCode.ABSENT, AttendanceCode.ILL, AttendanceCode.EXCUSED)
    short = {
        c: ctx.L(f"report.attendance_month.{k}")
        for c, k in zip(codes, ("absent", "ill", "excused"), strict=True)
    }
    cols = _lead_columns(ctx)
    for _y, m in months:
        cols += [Column(short[c], 7, group=q.month_name(m, ctx.lang)) for c in codes]
    total = ctx.L("report.total")
    cols += [Column(short[c], 8, group=total) for c in codes]
    cols += [
        Column(ctx.L("report.attendance_summary.all"), 12, group=total),
        Column(ctx.L("report.attendance_month.late"), 9, group=total),
    ]
    rows = []
    grand: Counter[int] = Counter()
    for i, s in enumerate(students, start=1):
        row: list[Any] = [i, s.name]
        for ym in months:
            row += [counts.get((s.id, ym, c), 0) or None for c in codes]
        sums = [sum(counts.get((s.id, ym, c), 0) for ym in months) for c in codes]
        late = sum(counts.get((s.id, ym, AttendanceCode.LATE), 0) for ym in months)
        row += [*sums, sum(sums), late]
        rows.append(row)
    for row in rows:
        for k in range(2, len(row)):
            grand[k] += row[k] or 0
    rows.append(["", total] + [grand[k] or None for k in range(2, len(cols))])
    section = Section(
        ctx.L("report.attendance_summary.title"),
        ctx.L("report.attendance_summary.sheet"),
        await _class_year_lines(ctx, cls, year),
        [Table(cols, rows, frozen=2, bold_rows={len(rows) - 1}, stretch=False)],
        [ctx.L("report.attendance_summary.legend")],
        [ctx.L("report.sign_class_teacher")],
        landscape=True,
    )
    return ctx.document(section, "attendance_summary", cls.name, year.name)


# --------------------------------------------------------------------------- movement


async def movement(ctx: ReportContext) -> Document:
    assert ctx.date_from is not None and ctx.date_to is not None
    start, end = ctx.date_from, ctx.date_to
    L = ctx.L
    q_enrol = (
        select(Enrolment, Person, SchoolClass)
        .join(Person, Person.id == Enrolment.student_id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(Enrolment.school_id == ctx.school.id)
    )
    if ctx.year is not None:
        q_enrol = q_enrol.where(SchoolClass.year_id == ctx.year.id)
    all_rows = (await ctx.session.execute(q_enrol)).all()
    by_student: dict[int, list[tuple[Enrolment, SchoolClass]]] = defaultdict(list)
    people: dict[int, Person] = {}
    for e, p, c in all_rows:
        by_student[p.id].append((e, c))
        people[p.id] = p
    events: list[tuple[dt.date, str, str, str, str, str]] = []
    for sid, items in by_student.items():
        name = people[sid].full_name
        for e, c in items:
            if (
                ctx.cls is not None
                and c.id != ctx.cls.id
                and not any(x[1].id == ctx.cls.id for x in items)
            ):
                continue
            if start <= e.arrived_on <= end:
                prev = next(
                    (x for x in items if x[0].left_on == e.arrived_on and x[0] is not e), None
                )
                if prev is not None:
                    events.append(
                        (
                            e.arrived_on,
                            name,
                            L("report.movement.transfer"),
                            prev[1].name,
                            c.name,
                            e.arrival_note or "",
                        )
                    )
                elif e.arrived_on != (ctx.year.starts_on if ctx.year else None):
                    events.append(
                        (
                            e.arrived_on,
                            name,
                            L("report.movement.arrived"),
                            "",
                            c.name,
                            e.arrival_note or "",
                        )
                    )
            if e.left_on is not None and start <= e.left_on <= end:
                follows = any(x[0].arrived_on == e.left_on and x[0] is not e for x in items)
                if not follows:
                    events.append(
                        (
                            e.left_on,
                            name,
                            L("report.movement.left"),
                            c.name,
                            "",
                            e.departure_note or "",
                        )
                    )
    events.sort(key=lambda ev: (ev[0], ev[1]))
    event_table = Table(
        [
            Column(L("report.n"), 8),
            Column(L("report.movement.date"), 20),
            Column(L("report.movement.student"), 55, "L"),
            Column(L("report.movement.event"), 26, "L"),
            Column(L("report.movement.from"), 18),
            Column(L("report.movement.to"), 18),
            Column(L("report.movement.note"), 45, "L"),
        ],
        [[i, q.d(ev[0]), *ev[1:]] for i, ev in enumerate(events, start=1)],
        title=L("report.movement.events"),
    )
    classes_q = select(SchoolClass).where(SchoolClass.school_id == ctx.school.id)
    if ctx.year is not None:
        classes_q = classes_q.where(SchoolClass.year_id == ctx.year.id)
    if ctx.cls is not None:
        classes_q = classes_q.where(SchoolClass.id == ctx.cls.id)
    classes = (
        await ctx.session.scalars(classes_q.order_by(SchoolClass.grade, SchoolClass.letter))
    ).all()
    summary_rows: list[list[Any]] = []
    totals = [0, 0, 0, 0]
    for c in classes:
        members = [(e, p) for e, p, cc in all_rows if cc.id == c.id]

        def on(day: dt.date, items: list[tuple[Enrolment, Person]] = members) -> int:
            return len(
                {
                    p.id
                    for e, p in items
                    if e.arrived_on <= day and (e.left_on is None or e.left_on > day)
                }
            )

        came = sum(1 for e, _ in members if start < e.arrived_on <= end)
        went = sum(1 for e, _ in members if e.left_on is not None and start < e.left_on <= end)
        values = [on(start), came, went, on(end)]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        summary_rows.append([c.name, *values])
    summary_rows.append([L("report.total"), *totals])
    summary = Table(
        [
            Column(L("report.movement.class"), 20),
            *[
                Column(L(f"report.movement.{k}"), 22)
                for k in ("at_start", "came", "went", "at_end")
            ],
        ],
        summary_rows,
        title=L("report.movement.summary"),
        bold_rows={len(summary_rows) - 1},
        stretch=False,
    )
    lines = [
        L("report.school", name=ctx.school.name),
        L("report.dates", start=q.d(start), end=q.d(end)),
    ]
    if ctx.cls is not None:
        lines.append(L("report.class", name=ctx.cls.name))
    section = Section(
        L("report.movement.title"),
        L("report.movement.sheet"),
        lines,
        [event_table, summary] if events else [summary],
        [] if events else [L("report.movement.none")],
        [L("report.sign_deputy")],
    )
    return ctx.document(
        section, "movement", ctx.cls.name if ctx.cls else "", start.isoformat(), end.isoformat()
    )


# --------------------------------------------------------------------------- class teacher


async def class_teacher_report(ctx: ReportContext) -> Document:
    assert ctx.cls is not None and ctx.period is not None
    cls, period = ctx.cls, ctx.period
    L = ctx.L
    r = await _class_results(ctx, cls, period)
    counts: Counter[tuple[int, AttendanceCode]] = Counter()
    for _day, sid, code in await q.class_absences(
        ctx.session, cls.id, period.starts_on, period.ends_on
    ):
        counts[(sid, code)] += 1
    at_start = sum(1 for s in r.students if q.enrolled_on(s, period.starts_on))
    at_end = sum(1 for s in r.students if q.enrolled_on(s, period.ends_on))
    came = sum(1 for s in r.students if period.starts_on < s.arrived_on <= period.ends_on)
    went = sum(
        1
        for s in r.students
        if s.left_on is not None and period.starts_on < s.left_on <= period.ends_on
    )
    rows = []
    totals: Counter[str] = Counter()
    for i, s in enumerate(r.students, start=1):
        _marks, tally = _tally(r.cells.get((s.id, subj.id)) for subj in r.subjects)
        ill = counts[(s.id, AttendanceCode.ILL)]
        exc = counts[(s.id, AttendanceCode.EXCUSED)]
        absent = counts[(s.id, AttendanceCode.ABSENT)]
        late = counts[(s.id, AttendanceCode.LATE)]
        totals.update(
            {"all": ill + exc + absent, "ill": ill, "excused": exc, "absent": absent, "late": late}
        )
        rows.append(
            [
                i,
                s.name,
                *tally,
                ill + exc + absent,
                ill,
                exc,
                absent,
                late,
            ]
        )
    missed = L("report.class_teacher_report.missed")
    students_table = Table(
        [
            *_lead_columns(ctx),
            *[Column(L(f"report.class_results.{k}"), 9) for k in ("n5", "n4", "n3", "n2", "na")],
            Column(L("report.class_results.average"), 13),
            *[
                Column(L(f"report.class_teacher_report.{k}"), 16, group=missed)
                for k in ("all", "ill", "excused", "absent")
            ],
            Column(L("report.class_teacher_report.late"), 12),
        ],
        rows,
        title=L("report.class_teacher_report.students_table"),
        frozen=2,
    )
    cats, quality_line = _category_table(ctx, r)
    cats.title = L("report.class_teacher_report.results")
    section = Section(
        L("report.class_teacher_report.title"),
        L("report.class_teacher_report.sheet"),
        [
            *await _class_lines(ctx, cls),
            _period_line(ctx, period),
            L(
                "report.class_teacher_report.contingent",
                start=at_start,
                end=at_end,
                came=came,
                went=went,
            ),
        ],
        [cats, students_table],
        [
            quality_line,
            L(
                "report.class_teacher_report.attendance_total",
                **{k: totals[k] for k in ("all", "ill", "excused", "absent", "late")},
            ),
            *([L("report.class_results.suggested_note")] if r.any_suggested else []),
        ],
        [L("report.sign_class_teacher"), L("report.sign_deputy")],
    )
    return ctx.document(section, "class_teacher_report", cls.name, period.name)


# --------------------------------------------------------------------------- journal pages


async def journal_pages(ctx: ReportContext) -> Document:
    assert ctx.cls is not None and ctx.subject is not None
    assert ctx.date_from is not None and ctx.date_to is not None
    cls, subject, start, end = ctx.cls, ctx.subject, ctx.date_from, ctx.date_to
    L = ctx.L
    lessons = await q.class_lessons(
        ctx.session, cls.id, start, end, subject.id, ctx.subgroup.id if ctx.subgroup else None
    )
    students = await q.class_students(ctx.session, cls.id, start, end)
    if ctx.subgroup is not None:
        members = await q.subgroup_students(ctx.session, ctx.subgroup.id, start, end)
        students = [s for s in students if s.id in members]
    lesson_ids = [lesson.id for lesson in lessons]
    marks: dict[tuple[int, int], list[int]] = defaultdict(list)
    weighted: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for lesson_id, _subj, sid, value, weight in await q.class_marks(
        ctx.session, cls.id, start, end, subject.id
    ):
        if lesson_id in lesson_ids:
            marks[(sid, lesson_id)].append(value)
            weighted[sid].append((value, weight))
    codes: dict[tuple[int, int], AttendanceCode] = {}
    if lesson_ids:
        for lesson_id, sid, raw_code in await ctx.session.execute(
            select(Attendance.lesson_id, Attendance.student_id, Attendance.code).where(
                Attendance.lesson_id.in_(lesson_ids)
            )
        ):
            codes[(sid, lesson_id)] = AttendanceCode(raw_code)
    period_marks: dict[int, str] = {}
    if ctx.period is not None:
        for fm in await q.final_marks(ctx.session, [s.id for s in students], ctx.period.year_id):
            if fm.subject_id == subject.id and fm.period_id == ctx.period.id:
                period_marks[fm.student_id] = q.final_text(fm)
    cols = _lead_columns(ctx)
    cols += [Column(q.dm(lesson.date), 11.5) for lesson in lessons]
    cols += [
        Column(L("report.journal_pages.average"), 9),
        Column(L("report.journal_pages.period_mark"), 14),
    ]
    rows = []
    for i, s in enumerate(students, start=1):
        row: list[Any] = [i, s.name]
        for lesson in lessons:
            bits = []
            code = codes.get((s.id, lesson.id))
            if code is not None:
                bits.append(q.CODE_SHORT[code])
            bits += [str(v) for v in marks.get((s.id, lesson.id), [])]
            row.append(" ".join(bits))
        avg = q.weighted_average_or_none(weighted.get(s.id, []))
        row += [avg, period_marks.get(s.id, "")]
        rows.append(row)
    subs = await q.substitutes(ctx.session, lesson_ids)
    who = await q.names(ctx.session, {lesson.teacher_id for lesson in lessons} | set(subs.values()))
    homework: dict[int, list[str]] = defaultdict(list)
    if lesson_ids:
        for lesson_id, text in await ctx.session.execute(
            select(Homework.lesson_id, Homework.text)
            .where(Homework.lesson_id.in_(lesson_ids), Homework.student_id.is_(None))
            .order_by(Homework.id)
        ):
            homework[lesson_id].append(text)
    topic_rows = []
    for i, lesson in enumerate(lessons, start=1):
        teacher = who.get(lesson.teacher_id, "")
        if lesson.id in subs:
            teacher = L("report.journal_pages.substitute", name=who.get(subs[lesson.id], ""))
        topic_rows.append(
            [
                i,
                q.d(lesson.date),
                lesson.lesson_number,
                lesson.topic or "",
                "; ".join(homework[lesson.id]),
                teacher,
            ]
        )
    teachers = sorted({who.get(lesson.teacher_id, "") for lesson in lessons} - {""})
    lines = [
        L("report.school", name=ctx.school.name),
        L("report.class", name=cls.name),
        L("report.subject", name=subject.name),
        L("report.teacher", name=", ".join(teachers) or L("report.nobody")),
        _period_line(ctx, ctx.period)
        if ctx.period
        else L("report.dates", start=q.d(start), end=q.d(end)),
    ]
    if ctx.subgroup is not None:
        lines.append(L("report.journal_pages.group", name=ctx.subgroup.name))
    signatures = [L("report.sign_teacher"), L("report.sign_class_teacher"), L("report.sign_deputy")]
    marks_section = Section(
        L("report.journal_pages.title", cls=cls.name, subject=subject.name),
        L("report.journal_pages.sheet"),
        lines,
        [Table(cols, rows, frozen=2, stretch=False)],
        [L("report.journal_pages.legend")],
        signatures,
        landscape=True,
    )
    topics_section = Section(
        L("report.journal_pages.topics", cls=cls.name, subject=subject.name),
        L("report.journal_pages.topics_sheet"),
        lines,
        [
            Table(
                [
                    Column(L("report.n"), 8),
                    Column(L("report.journal_pages.date"), 20),
                    Column(L("report.journal_pages.lesson"), 12),
                    Column(L("report.journal_pages.topic"), 62, "L"),
                    Column(L("report.journal_pages.homework"), 52, "L"),
                    Column(L("report.journal_pages.who"), 30, "L"),
                ],
                topic_rows,
            )
        ],
        signatures=signatures,
    )
    return Document(
        marks_section.title,
        ctx.filename(
            "journal_pages",
            cls.name,
            subject.short_name or subject.name,
            ctx.period.name if ctx.period else start.isoformat(),
        ),
        [marks_section, topics_section],
        ctx.footer,
    )


# --------------------------------------------------------------------------- family, weekly


async def family_weekly(ctx: ReportContext) -> Document:
    assert ctx.student is not None and ctx.day is not None
    student, L = ctx.student, ctx.L
    monday = ctx.day - dt.timedelta(days=ctx.day.weekday())
    sunday = monday + dt.timedelta(days=6)
    class_ids = await _student_classes(ctx.session, student.id, monday, sunday)
    classes = {
        c.id: c
        for c in (
            await ctx.session.scalars(select(SchoolClass).where(SchoolClass.id.in_(class_ids)))
        ).all()
    }
    # The groups the child was in on each lesson's date (a move keeps past lessons).
    members = select(SubgroupMember.subgroup_id).where(
        SubgroupMember.student_id == student.id, SubgroupMember.during(Lesson.date)
    )
    lessons = (
        await ctx.session.scalars(
            select(Lesson)
            .where(
                Lesson.class_id.in_(class_ids),
                Lesson.date >= monday,
                Lesson.date <= sunday,
                Lesson.is_cancelled.is_(False),
                or_(Lesson.subgroup_id.is_(None), Lesson.subgroup_id.in_(members)),
            )
            .order_by(Lesson.date, Lesson.lesson_number)
        )
    ).all()
    lesson_ids = [lesson.id for lesson in lessons]
    subjects = {
        s.id: s
        for s in (
            await ctx.session.scalars(select(Subject).where(Subject.school_id == ctx.school.id))
        ).all()
    }
    marks: dict[int, list[str]] = defaultdict(list)
    codes: dict[int, str] = {}
    homework: dict[int, list[str]] = defaultdict(list)
    if lesson_ids:
        for lesson_id, value in await ctx.session.execute(
            select(Mark.lesson_id, Mark.value)
            .where(Mark.lesson_id.in_(lesson_ids), Mark.student_id == student.id)
            .order_by(Mark.id)
        ):
            marks[lesson_id].append(str(value))
        for lesson_id, code in await ctx.session.execute(
            select(Attendance.lesson_id, Attendance.code).where(
                Attendance.lesson_id.in_(lesson_ids), Attendance.student_id == student.id
            )
        ):
            codes[lesson_id] = q.CODE_SHORT[AttendanceCode(code)]
        for lesson_id, text in await ctx.session.execute(
            select(Homework.lesson_id, Homework.text)
            .where(
                Homework.lesson_id.in_(lesson_ids),
                or_(Homework.student_id.is_(None), Homework.student_id == student.id),
            )
            .order_by(Homework.id)
        ):
            homework[lesson_id].append(text)
    weekdays = (
        ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
        if ctx.lang != "en"
        else ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    )
    rows = [
        [
            f"{weekdays[lesson.date.weekday()]} {q.dm(lesson.date)}",
            lesson.lesson_number,
            subjects[lesson.subject_id].name if lesson.subject_id in subjects else "",
            lesson.topic or "",
            "; ".join(homework[lesson.id]),
            " ".join(marks[lesson.id]),
            codes.get(lesson.id, ""),
        ]
        for lesson in lessons
    ]
    tables = [
        Table(
            [
                Column(L("report.family_weekly.day"), 17, "L"),
                Column(L("report.family_weekly.lesson"), 10),
                Column(L("report.family_weekly.subject"), 32, "L"),
                Column(L("report.family_weekly.topic"), 50, "L"),
                Column(L("report.family_weekly.homework"), 50, "L"),
                Column(L("report.family_weekly.marks"), 16),
                Column(L("report.family_weekly.attendance"), 15),
            ],
            rows,
            font_size=8,
        )
    ]
    period = await _period_on(ctx.session, ctx.school.id, ctx.day)
    if period is not None and class_ids:
        per_subject: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for subject_id, value, weight in await ctx.session.execute(
            select(Lesson.subject_id, Mark.value, Mark.weight)
            .join(Lesson, Lesson.id == Mark.lesson_id)
            .where(
                Mark.student_id == student.id,
                Lesson.date >= period.starts_on,
                Lesson.date <= min(period.ends_on, sunday),
            )
            .order_by(Lesson.date, Mark.id)
        ):
            per_subject[subject_id].append((value, weight))
        period_rows = [
            [
                subjects[sid].name if sid in subjects else "",
                " ".join(str(v) for v, _ in ms),
                q.weighted_average_or_none(ms),
            ]
            for sid, ms in sorted(
                per_subject.items(),
                key=lambda kv: subjects[kv[0]].name if kv[0] in subjects else "",
            )
        ]
        tables.append(
            Table(
                [
                    Column(L("report.family_weekly.subject"), 50, "L"),
                    Column(L("report.family_weekly.all_marks"), 100, "L"),
                    Column(L("report.family_weekly.average"), 20),
                ],
                period_rows,
                title=L("report.family_weekly.period_marks", period=period.name),
            )
        )
    cls_names = ", ".join(c.name for c in classes.values())
    lines = [
        L("report.school", name=ctx.school.name),
        L("report.family_weekly.student", name=student.full_name),
        L("report.class", name=cls_names or L("report.nobody")),
        L("report.family_weekly.week", start=q.d(monday), end=q.d(sunday)),
    ]
    section = Section(
        L("report.family_weekly.title"),
        L("report.family_weekly.sheet"),
        lines,
        tables,
        ([] if rows else [L("report.family_weekly.no_lessons")])
        + [L("report.family_weekly.basis")],
        [L("report.sign_class_teacher"), L("report.sign_parent")],
    )
    return ctx.document(
        section, "family_weekly", student.external_id or student.id, monday.isoformat()
    )


async def _student_classes(
    session: AsyncSession, student_id: int, start: dt.date, end: dt.date
) -> list[int]:
    rows = await session.scalars(
        select(Enrolment.class_id).where(
            Enrolment.student_id == student_id,
            Enrolment.arrived_on <= end,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > start),
        )
    )
    return list(rows.all())


async def _period_on(session: AsyncSession, school_id: int, day: dt.date) -> StudyPeriod | None:
    from services.calendar import period_on

    return await period_on(session, school_id, day)


# --------------------------------------------------------------------------- activity


async def activity(ctx: ReportContext) -> Document:
    assert ctx.month is not None
    year_n, month = ctx.month
    start, end = q.month_bounds(year_n, month)
    L = ctx.L
    today = school_now(ctx.school).date()
    last = min(end, today)
    session = ctx.session
    lessons = (
        await session.execute(
            select(Lesson, SchoolClass.grade)
            .join(SchoolClass, SchoolClass.id == Lesson.class_id)
            .where(
                Lesson.school_id == ctx.school.id,
                Lesson.date >= start,
                Lesson.date <= last,
                Lesson.is_cancelled.is_(False),
            )
        )
    ).all()
    ids = [lesson.id for lesson, _ in lessons]
    subs = await q.substitutes(session, ids)
    with_homework: set[int] = set()
    mark_counts: Counter[int] = Counter()
    if ids:
        with_homework = set(
            (
                await session.scalars(select(Homework.lesson_id).where(Homework.lesson_id.in_(ids)))
            ).all()
        )
        for lesson_id, n in await session.execute(
            select(Mark.lesson_id, func.count())
            .where(Mark.lesson_id.in_(ids))
            .group_by(Mark.lesson_id)
        ):
            mark_counts[lesson_id] = n
    stats: dict[int, Counter[str]] = defaultdict(Counter)
    for lesson, grade in lessons:
        teacher = subs.get(lesson.id, lesson.teacher_id)
        st = stats[teacher]
        st["lessons"] += 1
        st["attendance"] += lesson.attendance_taken_at is not None
        st["topic"] += bool(lesson.topic)
        hw_needed = grade > 1
        st["homework"] += hw_needed and lesson.id in with_homework
        st["hw_needed"] += hw_needed
        st["marks"] += mark_counts[lesson.id]
    staff = (
        (
            await session.scalars(
                select(Person)
                .join(RoleGrant, RoleGrant.person_id == Person.id)
                .where(
                    Person.school_id == ctx.school.id,
                    RoleGrant.role.in_([Role.TEACHER, Role.CLASS_TEACHER]),
                )
                .order_by(Person.last_name, Person.first_name)
            )
        )
        .unique()
        .all()
    )
    teacher_rows: list[list[Any]] = []
    seen: set[int] = set()
    for p in staff:
        if p.id in seen:
            continue
        seen.add(p.id)
        st = stats.get(p.id, Counter())
        parts = st["lessons"] * 2 + st["hw_needed"]
        done = st["attendance"] + st["topic"] + st["homework"]
        teacher_rows.append(
            [
                len(teacher_rows) + 1,
                p.full_name,
                st["lessons"],
                st["attendance"],
                st["topic"],
                st["homework"],
                st["marks"],
                q.percent(done, parts),
            ]
        )
    teachers = Table(
        [
            Column(L("report.n"), 8),
            Column(L("report.activity.teacher"), 60, "L"),
            *[
                Column(L(f"report.activity.{k}"), 19)
                for k in ("lessons", "attendance", "topic", "homework", "marks")
            ],
            Column(L("report.activity.fill"), 20),
        ],
        teacher_rows,
        title=L("report.activity.teachers"),
    )
    # Families: bound (live binding), active this month (seen, or any action in the month).
    start_at = dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC)
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC)
    accounts = {
        a.person_id: a
        for a in (
            await session.scalars(select(Account).where(Account.school_id == ctx.school.id))
        ).all()
    }
    bound = await _account_ids(
        session,
        select(MessengerBinding.account_id).where(
            MessengerBinding.school_id == ctx.school.id, MessengerBinding.ended_at.is_(None)
        ),
    )
    acted = await _account_ids(
        session,
        select(AuditEntry.actor_account_id).where(
            AuditEntry.school_id == ctx.school.id,
            AuditEntry.at >= start_at,
            AuditEntry.at < end_at,
            AuditEntry.actor_account_id.is_not(None),
        ),
    )
    started = await _account_ids(
        session,
        select(MessengerBinding.account_id).where(
            MessengerBinding.school_id == ctx.school.id,
            MessengerBinding.created_at >= start_at,
            MessengerBinding.created_at < end_at,
        ),
    )

    def active(person_id: int) -> bool:
        a = accounts.get(person_id)
        if a is None:
            return False
        seen_in_month = a.last_seen_at is not None and start_at <= a.last_seen_at < end_at
        return seen_in_month or a.id in acted or a.id in started

    def connected(person_id: int) -> bool:
        a = accounts.get(person_id)
        return a is not None and a.id in bound

    year = await _year_on(ctx, start)
    classes = await classes_of_year(session, year.id) if year else []
    family_rows = []
    totals = [0] * 6
    for c in classes:
        students = [s.id for s in await q.class_students(session, c.id, start, end)]
        parents = sorted(
            set(
                (
                    await session.scalars(
                        select(Guardianship.guardian_id).where(
                            Guardianship.student_id.in_(students or [-1])
                        )
                    )
                ).all()
            )
        )
        values = [
            len(students),
            sum(connected(s) for s in students),
            sum(active(s) for s in students),
            len(parents),
            sum(connected(p) for p in parents),
            sum(active(p) for p in parents),
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        family_rows.append([c.name, *values, q.percent(values[5], values[3])])
    family_rows.append([L("report.total"), *totals, q.percent(totals[5], totals[3])])
    gs, gp = L("report.activity.group_students"), L("report.activity.group_parents")
    families = Table(
        [
            Column(L("report.activity.class"), 18),
            Column(L("report.activity.students"), 18, group=gs),
            Column(L("report.activity.connected"), 22, group=gs),
            Column(L("report.activity.active"), 20, group=gs),
            Column(L("report.activity.parents"), 18, group=gp),
            Column(L("report.activity.connected"), 22, group=gp),
            Column(L("report.activity.active"), 20, group=gp),
            Column(L("report.activity.share"), 24),
        ],
        family_rows,
        title=L("report.activity.families"),
        bold_rows={len(family_rows) - 1},
    )
    section = Section(
        L("report.activity.title"),
        L("report.activity.sheet_teachers"),
        [
            L("report.school", name=ctx.school.name),
            L("report.month", name=q.month_name(month, ctx.lang), year=year_n),
        ],
        [teachers, families],
        [L("report.activity.note")],
        [L("report.sign_deputy")],
    )
    return ctx.document(section, "activity", f"{year_n}-{month:02d}")


async def _account_ids(session: AsyncSession, query: Select[Any]) -> set[int]:
    return set((await session.scalars(query)).all())


async def _year_on(ctx: ReportContext, day: dt.date) -> SchoolYear | None:
    from services.calendar import year_on

    return await year_on(ctx.session, ctx.school.id, day) or ctx.year


__all__ = [
    "ReportContext",
    "activity",
    "attendance_month",
    "attendance_summary",
    "class_results",
    "class_teacher_report",
    "family_weekly",
    "journal_pages",
    "label",
    "marks_summary",
    "movement",
]
