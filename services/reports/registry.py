"""The report registry (kinds, their parameters, who may build them) and ``build_report``."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.calendar import school_today
from services.enums import Role
from services.errors import NotFound, ValidationFailed
from services.models import (
    Person,
    School,
    SchoolClass,
    SchoolYear,
    StudyPeriod,
    Subgroup,
    Subject,
)
from services.people import policy
from services.people.identity import Actor
from services.reports import builders
from services.reports.builders import ReportContext, catalog, label
from services.reports.document import Document
from services.reports.render_pdf import render_pdf
from services.reports.render_xlsx import render_xlsx
from services.school.school_year import current_year
from services.unit_of_work import UnitOfWork

Format = Literal["xlsx", "pdf"]
MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
MAX_RANGE_DAYS = 400


@dataclass(frozen=True)
class ReportFile:
    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class ParamSpec:
    name: str  # class, period, month, subject, subgroup, student, date, date_from, date_to, year
    required: bool = True

    def title(self, lang: str = "ru") -> str:
        return label(lang, f"report.param.{self.name}")


@dataclass(frozen=True)
class ReportKind:
    kind: str
    params: tuple[ParamSpec, ...]
    # school: admin, director, deputy, observer; class: + the class teacher; journal: + the
    # subject's teacher; student: + the student's class teacher.
    access: str
    builder: Callable[[ReportContext], Awaitable[Document]]
    landscape: bool = False

    def title(self, lang: str = "ru") -> str:
        """The menu title (a title with placeholders has a separate ``menu`` label)."""
        key = f"report.{self.kind}.menu"
        return label(lang, key if key in catalog(lang) else f"report.{self.kind}.title")


def _p(name: str, required: bool = True) -> ParamSpec:
    return ParamSpec(name, required)


REPORTS: dict[str, ReportKind] = {
    k.kind: k
    for k in (
        ReportKind(
            "attendance_month", (_p("class"), _p("month")), "class", builders.attendance_month
        ),
        ReportKind("class_results", (_p("class"), _p("period")), "class", builders.class_results),
        ReportKind(
            "marks_summary", (_p("class"), _p("year", False)), "class", builders.marks_summary
        ),
        ReportKind(
            "attendance_summary",
            (_p("class"), _p("year", False)),
            "class",
            builders.attendance_summary,
        ),
        ReportKind(
            "movement",
            (_p("date_from", False), _p("date_to", False), _p("class", False), _p("year", False)),
            "school_or_class",
            builders.movement,
        ),
        ReportKind(
            "class_teacher_report",
            (_p("class"), _p("period")),
            "class",
            builders.class_teacher_report,
        ),
        ReportKind(
            "journal_pages",
            (_p("class"), _p("subject"), _p("period"), _p("subgroup", False)),
            "journal",
            builders.journal_pages,
        ),
        ReportKind(
            "family_weekly", (_p("student"), _p("date", False)), "student", builders.family_weekly
        ),
        ReportKind("activity", (_p("month", False),), "school", builders.activity),
    )
}


def list_reports(lang: str = "ru") -> list[dict[str, Any]]:
    """For menus: kind, title, and parameters (name, title, required)."""
    return [
        {
            "kind": r.kind,
            "title": r.title(lang),
            "params": [
                {"name": p.name, "title": p.title(lang), "required": p.required} for p in r.params
            ],
        }
        for r in REPORTS.values()
    ]


async def available_reports(session: AsyncSession, actor: Actor) -> list[str]:
    """The kinds this actor can build for at least something (for the bot's menu). The
    administration and the read-only observers read every report of the school."""
    if policy.is_journal_reader(actor):
        return list(REPORTS)
    kinds: list[str] = []
    if actor.has(Role.CLASS_TEACHER):
        kinds += [k for k, r in REPORTS.items() if r.access in ("class", "student", "journal")]
        kinds.append("movement")
    if actor.has(Role.TEACHER) and "journal_pages" not in kinds:
        kinds.append("journal_pages")
    return [k for k in REPORTS if k in kinds]


# --------------------------------------------------------------------------- parameters


def _get(params: dict[str, Any], *names: str) -> Any:
    for name in names:
        value = params.get(name)
        if value not in (None, ""):
            return value
    return None


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValidationFailed("report.bad_param", param=name, value=text)


def _month(value: Any, today: dt.date) -> tuple[int, int]:
    if value is None:
        return today.year, today.month
    if isinstance(value, dt.date):
        return value.year, value.month
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", str(value).strip()) or re.fullmatch(
        r"(\d{1,2})\.(\d{4})", str(value).strip()
    )
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        year, month = (a, b) if a > 12 else (b, a)
        if 1 <= month <= 12:
            return year, month
    raise ValidationFailed("report.bad_param", param="month", value=str(value))


async def _year(ctx: ReportContext, params: dict[str, Any]) -> SchoolYear:
    value = _get(params, "year_id", "year")
    if value is None:
        return await current_year(ctx.session, ctx.school)
    if isinstance(value, int) or (str(value).isdigit() and "year_id" in params):
        return await policy.load(ctx.session, ctx.actor, SchoolYear, int(value))
    year = await ctx.session.scalar(
        select(SchoolYear).where(
            SchoolYear.school_id == ctx.school.id, SchoolYear.name == str(value).strip()
        )
    )
    if year is None:
        raise NotFound("report.not_found", what="year", value=str(value))
    return year


async def _class(ctx: ReportContext, params: dict[str, Any]) -> SchoolClass | None:
    if params.get("class_id") is not None:
        return await policy.load(ctx.session, ctx.actor, SchoolClass, int(params["class_id"]))
    name = _get(params, "class")
    if name is None:
        return None
    from services.imports.core import class_key

    year = ctx.year or await _year(ctx, params)
    classes = (
        await ctx.session.scalars(select(SchoolClass).where(SchoolClass.year_id == year.id))
    ).all()
    found = next((c for c in classes if class_key(c.name) == class_key(str(name))), None)
    if found is None:
        raise NotFound("report.not_found", what="class", value=str(name))
    return found


async def _period(ctx: ReportContext, params: dict[str, Any]) -> StudyPeriod | None:
    if params.get("period_id") is not None:
        return await policy.load(ctx.session, ctx.actor, StudyPeriod, int(params["period_id"]))
    value = _get(params, "period")
    if value is None:
        return None
    year_id = ctx.cls.year_id if ctx.cls else (ctx.year or await _year(ctx, params)).id
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("report.bad_param", param="period", value=str(value)) from None
    period = await ctx.session.scalar(
        select(StudyPeriod)
        .where(StudyPeriod.year_id == year_id, StudyPeriod.number == number)
        .order_by(StudyPeriod.starts_on)
        .limit(1)
    )
    if period is None:
        raise NotFound("report.not_found", what="period", value=str(value))
    return period


async def _subject(ctx: ReportContext, params: dict[str, Any]) -> Subject | None:
    if params.get("subject_id") is not None:
        return await policy.load(ctx.session, ctx.actor, Subject, int(params["subject_id"]))
    value = _get(params, "subject")
    if value is None:
        return None
    text = str(value).strip().casefold()
    # Compared in Python: SQLite's lower() knows only ASCII.
    subjects = (
        await ctx.session.scalars(select(Subject).where(Subject.school_id == ctx.school.id))
    ).all()
    subject = next(
        (
            s
            for s in subjects
            if text in {(s.name or "").casefold(), (s.external_id or "").casefold()}
            or text == (s.short_name or "").casefold()
        ),
        None,
    )
    if subject is None:
        raise NotFound("report.not_found", what="subject", value=str(value))
    return subject


async def _student(ctx: ReportContext, params: dict[str, Any]) -> Person | None:
    if params.get("student_id") is not None:
        return await policy.load(ctx.session, ctx.actor, Person, int(params["student_id"]))
    value = _get(params, "student")
    if value is None:
        return None
    person = await ctx.session.scalar(
        select(Person).where(
            Person.school_id == ctx.school.id, Person.external_id == str(value).strip()
        )
    )
    if person is None:
        raise NotFound("report.not_found", what="student", value=str(value))
    return person


async def _resolve(ctx: ReportContext, spec: ReportKind, params: dict[str, Any]) -> None:
    names = {p.name for p in spec.params}
    today = school_today(ctx.school)
    if names & {"year", "class", "period"} and _get(params, "year", "year_id") is not None:
        ctx.year = await _year(ctx, params)
    if "class" in names:
        ctx.cls = await _class(ctx, params)
        if ctx.cls is not None:
            ctx.year = await ctx.session.get(SchoolYear, ctx.cls.year_id)
    if "period" in names:
        ctx.period = await _period(ctx, params)
    if "subject" in names:
        ctx.subject = await _subject(ctx, params)
    if "subgroup" in names and ctx.cls is not None and _get(params, "subgroup"):
        ctx.subgroup = await ctx.session.scalar(
            select(Subgroup).where(
                Subgroup.class_id == ctx.cls.id, Subgroup.name == str(params["subgroup"]).strip()
            )
        )
        if ctx.subgroup is None:
            raise NotFound("report.not_found", what="subgroup", value=str(params["subgroup"]))
    if "student" in names:
        ctx.student = await _student(ctx, params)
    if "month" in names:
        ctx.month = _month(_get(params, "month"), today)
    if "date" in names:
        value = _get(params, "date")
        ctx.day = _date(value, "date") if value is not None else today
    for p in spec.params:
        if p.required and getattr(ctx, {"class": "cls", "date": "day"}.get(p.name, p.name)) is None:
            raise ValidationFailed("report.missing_param", param=p.name)
    if spec.kind == "journal_pages" and ctx.period is not None:
        ctx.date_from, ctx.date_to = ctx.period.starts_on, ctx.period.ends_on
    if spec.kind == "movement":
        if ctx.year is None:
            ctx.year = await _year(ctx, params)
        start = _get(params, "date_from")
        end = _get(params, "date_to")
        ctx.date_from = _date(start, "date_from") if start else ctx.year.starts_on
        ctx.date_to = _date(end, "date_to") if end else min(ctx.year.ends_on, today)
        if ctx.date_to < ctx.date_from or (ctx.date_to - ctx.date_from).days > MAX_RANGE_DAYS:
            raise ValidationFailed("report.bad_param", param="date_to", value=str(ctx.date_to))
    if ctx.year is None and spec.kind in ("marks_summary", "attendance_summary", "activity"):
        ctx.year = await _year(ctx, params)


# --------------------------------------------------------------------------- access


async def _is_class_teacher_of(session: AsyncSession, actor: Actor, cls: SchoolClass) -> bool:
    return actor.has(Role.CLASS_TEACHER) and cls.class_teacher_id == actor.person_id


async def _ensure_access(ctx: ReportContext, spec: ReportKind) -> None:
    actor, session = ctx.actor, ctx.session
    # A report only reads: the observers read the whole school's journal like the office.
    if policy.is_journal_reader(actor):
        return
    cls = ctx.cls
    if (
        spec.access in ("class", "school_or_class", "journal")
        and cls is not None
        and await _is_class_teacher_of(session, actor, cls)
    ):
        return
    if spec.access == "journal" and cls is not None and ctx.subject is not None:
        # The subject's teacher in that class (raises like every other refusal).
        await policy.ensure_can_set_final_marks(session, actor, cls.id, ctx.subject.id)
        return
    if spec.access == "student" and ctx.student is not None and actor.has(Role.CLASS_TEACHER):
        for class_id in await policy.student_class_ids(session, ctx.student.id):
            c = await session.get(SchoolClass, class_id)
            if c is not None and await _is_class_teacher_of(session, actor, c):
                return
    raise policy.deny(actor, f"report_{spec.kind}")


async def build_report(
    session: AsyncSession,
    actor: Actor,
    kind: str,
    params: dict[str, Any],
    fmt: Format | str,
) -> ReportFile:
    """Build one report as XLSX or PDF. ``params`` take ids (``class_id``, ``period_id``,
    ``subject_id``, ``student_id``, ``year_id``) or names (``class`` "7А", ``period`` 2,
    ``subject``, ``student`` external id, ``year`` "2026/2027", ``month`` "2026-11", ``date``,
    ``date_from``, ``date_to``, ``subgroup``) and ``lang`` ("ru" by default)."""
    spec = REPORTS.get(kind)
    if spec is None:
        raise ValidationFailed("report.unknown_kind", kind=kind)
    if fmt not in MIME:
        raise ValidationFailed("report.unknown_format")
    school = await session.get(School, actor.school_id)
    if school is None:
        raise policy.deny(actor, "report")
    lang = str(params.get("lang") or "ru")
    ctx = ReportContext(session=session, actor=actor, school=school, lang=lang)
    await _resolve(ctx, spec, params)
    await _ensure_access(ctx, spec)
    doc = await spec.builder(ctx)
    # Laying out the file is CPU work: a worker thread, so that the event loop keeps serving
    # other users meanwhile.
    data = await asyncio.to_thread(render_xlsx if fmt == "xlsx" else render_pdf, doc)
    # Reading personal data is logged (152-ФЗ); the session is the caller's, commit once.
    async with UnitOfWork(session, actor) as uow:
        uow.record(
            action="report.build",
            entity="report",
            entity_id=kind,
            student_id=ctx.student.id if ctx.student else None,
            after={k: str(v) for k, v in params.items()} | {"format": fmt},
        )
    return ReportFile(f"{doc.filename}.{fmt}", MIME[fmt], data)
