"""Import of the school's registers: one file, one kind, all or nothing.

1. The file is read (CSV or XLSX) and its columns found by header.
2. Validation pass: every row is parsed and every reference resolved against the database and
   the rest of the file. Every problem is collected with its row number, column header and a
   locale key; if there is any, the file is rejected and nothing is written.
3. Apply pass, in the caller's transaction: rows matched by external id are updated, others
   created; persons get an account (``ensure_account``) and their roles; audit entries (one per
   created or updated person, one summary); one commit (or a rollback for a dry run).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.calendar import school_today
from services.enums import STAFF_ROLES, SUBJECT_TEACHERS, GuardianKind, Role
from services.errors import NotFound, ValidationFailed
from services.imports import reader
from services.imports.messages import t
from services.imports.specs import KINDS, ROLE_WORDS, WEEKDAY_WORDS, Kind, normalize_header
from services.models import (
    BellTime,
    Enrolment,
    Guardianship,
    Lesson,
    Person,
    PlanItem,
    RoleGrant,
    School,
    SchoolClass,
    SchoolYear,
    Subgroup,
    SubgroupMember,
    Subject,
    TeachingAssignment,
    TimetableEntry,
)
from services.people import subgroups as subgroup_stays
from services.people.accounts import ensure_account
from services.people.identity import Actor
from services.people.office_actor import ensure_admin, record
from services.school.school_year import current_year, parse_class_name
from services.timetable.plan_hours import timetable_hours

log = logging.getLogger(__name__)

Progress = Callable[[int, int], Awaitable[None] | None]
# ``stage(name, done, total)``: "read" once the file is read (total data rows), then "check"
# after every ``CHECK_BATCH`` rows checked.
Stage = Callable[[str, int, int], Awaitable[None] | None]
CHECK_BATCH = 200  # rows checked between two turns of the event loop

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
PERSON_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "phone", "email")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ImportIssue:
    """A problem in the file: row number as seen in the spreadsheet (0: the file as a whole),
    the column header as written in the file, and a locale key with its parameters."""

    row: int
    column: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "ru") -> str:
        text = t(lang, self.code, **self.params)
        if self.row <= 0:
            return t(lang, "import.file_only", message=text)
        if self.column:
            return t(lang, "import.row_column", row=self.row, column=self.column, message=text)
        return t(lang, "import.row_only", row=self.row, message=text)


@dataclass
class ImportResult:
    kind: str
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False
    # What the file may mean to fix though it is accepted (a thematic plan whose hours differ
    # from the timetable's): shown beside the counts.
    warnings: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self, lang: str = "ru") -> str:
        if self.errors:
            return t(lang, "import.rejected", count=len(self.errors))
        spec = KINDS[self.kind]
        title = spec.title_en if lang == "en" else spec.title_ru
        key = "import.summary_dry" if self.dry_run else "import.summary"
        return t(
            lang,
            key,
            title=title,
            rows=self.rows,
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
        )

    def error_lines(self, lang: str = "ru") -> list[str]:
        return [e.message(lang) for e in self.errors]

    def warning_lines(self, lang: str = "ru") -> list[str]:
        return [w.message(lang) for w in self.warnings]


# --------------------------------------------------------------------------- rows and parsing


@dataclass
class Row:
    number: int
    values: dict[str, Any]


class Context:
    def __init__(
        self,
        session: AsyncSession,
        actor: Actor,
        school: School,
        spec: Kind,
        headers: dict[str, str],
        result: ImportResult,
    ) -> None:
        self.session = session
        self.actor = actor
        self.school = school
        self.spec = spec
        self.headers = headers  # key -> header as written in the file
        self.result = result
        self.year: SchoolYear | None = None
        self.today = school_today(school)
        self.data: dict[str, Any] = {}

    # errors ---------------------------------------------------------------
    def err(self, row: Row, key: str | None, code: str, **params: Any) -> None:
        column = None
        if key is not None:
            column = self.headers.get(key) or self.spec.column(key).ru
        self.result.errors.append(ImportIssue(row.number, column, f"import.error.{code}", params))

    # cells ----------------------------------------------------------------
    def text(self, row: Row, key: str, *, required: bool = False, limit: int = 128) -> str | None:
        value = reader.cell_text(row.values.get(key))
        value = " ".join(value.split())  # tabs and line breaks become spaces
        if not value:
            if required:
                self.err(row, key, "required")
            return None
        bad = next((ch for ch in value if unicodedata.category(ch) == "Cc"), None)
        if bad is not None:
            # A NUL or another control character: invisible, and it breaks spreadsheets.
            self.err(row, key, "control_char", char=f"U+{ord(bad):04X}")
            return None
        if len(value) > limit:
            self.err(row, key, "too_long", limit=limit)
            return None
        return value

    def date(self, row: Row, key: str, *, required: bool = False) -> dt.date | None:
        raw = row.values.get(key)
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = self.text(row, key, required=required)
        if text is None:
            return None
        for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date only
            except ValueError:
                continue
        self.err(row, key, "bad_date", value=text)
        return None

    def time(self, row: Row, key: str, *, required: bool = False) -> dt.time | None:
        raw = row.values.get(key)
        if isinstance(raw, dt.time):
            return raw.replace(second=0, microsecond=0)
        if isinstance(raw, dt.datetime):
            return raw.time().replace(second=0, microsecond=0)
        if isinstance(raw, float) and 0 <= raw < 1:  # an Excel time as a day fraction
            minutes = round(raw * 24 * 60)
            return dt.time(minutes // 60, minutes % 60)
        text = self.text(row, key, required=required)
        if text is None:
            return None
        m = TIME_RE.match(text)
        if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
            return dt.time(int(m.group(1)), int(m.group(2)))
        self.err(row, key, "bad_time", value=text)
        return None

    def number(
        self, row: Row, key: str, low: int, high: int, *, required: bool = False
    ) -> int | None:
        text = self.text(row, key, required=required)
        if text is None:
            return None
        try:
            value = int(float(text.replace(",", ".")))
            if str(value) != text and float(text.replace(",", ".")) != value:
                raise ValueError
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            self.err(row, key, "bad_number", value=text, low=low, high=high)
            return None
        return value

    def email(self, row: Row, key: str) -> str | None:
        value = self.text(row, key, limit=255)
        if value is not None and not EMAIL_RE.match(value):
            self.err(row, key, "bad_email", value=value)
            return None
        return value

    def once(self, row: Row, key: str, value: Any, seen: dict[Any, int], shown: str) -> bool:
        """False (and an error) when ``value`` was already in an earlier row of the file."""
        if value in seen:
            self.err(row, key, "duplicate_in_file", value=shown, other_row=seen[value])
            return False
        seen[value] = row.number
        return True

    async def progress_step(self) -> None:
        self.data["done"] = self.data.get("done", 0) + 1
        cb: Progress | None = self.data.get("progress")
        if cb is not None:
            maybe = cb(self.data["done"], self.result.rows)
            if inspect.isawaitable(maybe):
                await maybe


def class_key(value: str) -> str:
    parsed = parse_class_name(value)
    if parsed is None:
        return normalize_header(value)
    return f"{parsed[0]}{parsed[1]}"


# --------------------------------------------------------------------------- lookups


async def _persons_by_ext(ctx: Context) -> dict[str, Person]:
    rows = await ctx.session.scalars(
        select(Person).where(Person.school_id == ctx.school.id, Person.external_id.is_not(None))
    )
    # Roles are read apart from ``Person.roles``: persons already in the session's identity
    # map may not have that collection loaded (and it must not load lazily here).
    roles: dict[int, set[Role]] = {}
    for person_id, role in await ctx.session.execute(
        select(RoleGrant.person_id, RoleGrant.role).where(RoleGrant.school_id == ctx.school.id)
    ):
        roles.setdefault(person_id, set()).add(Role(role))
    ctx.data["roles"] = roles
    return {p.external_id: p for p in rows if p.external_id}


def _roles(ctx: Context, person: Person) -> set[Role]:
    roles: set[Role] = ctx.data["roles"].setdefault(person.id, set())
    return roles


async def _classes_of_year(ctx: Context, year: SchoolYear) -> dict[str, SchoolClass]:
    rows = await ctx.session.scalars(select(SchoolClass).where(SchoolClass.year_id == year.id))
    return {class_key(c.name): c for c in rows}


async def _subjects(ctx: Context) -> tuple[dict[str, Subject], dict[str, Subject]]:
    rows = (
        await ctx.session.scalars(select(Subject).where(Subject.school_id == ctx.school.id))
    ).all()
    by_ext = {s.external_id.lower(): s for s in rows if s.external_id}
    by_name = {normalize_header(s.name): s for s in rows}
    return by_ext, by_name


def _subject_ref(ctx: Context, row: Row, key: str) -> Subject | None:
    value = ctx.text(row, key, required=True)
    if value is None:
        return None
    by_ext, by_name = ctx.data["subjects"]
    subject = by_ext.get(value.lower()) or by_name.get(normalize_header(value))
    if subject is None:
        ctx.err(row, key, "unknown_subject", value=value)
    return subject


def _class_ref(ctx: Context, row: Row, key: str) -> SchoolClass | None:
    value = ctx.text(row, key, required=True, limit=16)
    if value is None:
        return None
    cls = ctx.data["classes"].get(class_key(value))
    if cls is None:
        assert ctx.year is not None
        ctx.err(row, key, "unknown_class", value=value, year=ctx.year.name)
    return cls


def _staff_ref(ctx: Context, row: Row, key: str, *, required: bool = True) -> Person | None:
    value = ctx.text(row, key, required=required, limit=64)
    if value is None:
        return None
    person = ctx.data["persons"].get(value)
    if person is None:
        ctx.err(row, key, "unknown_staff", value=value)
        return None
    if not _roles(ctx, person) & STAFF_ROLES:
        ctx.err(row, key, "not_staff", value=value)
        return None
    return person


async def _need_year(ctx: Context, row: Row | None = None) -> SchoolYear | None:
    try:
        return await current_year(ctx.session, ctx.school)
    except NotFound:
        ctx.result.errors.append(ImportIssue(0, None, "import.error.no_year"))
        return None


async def _year_classes(ctx: Context) -> list[int] | None:
    """The current year and its classes into ``ctx``: the classes' ids (None without a year)."""
    year = await _need_year(ctx)
    if year is None:
        return None
    ctx.year = year
    ctx.data["classes"] = await _classes_of_year(ctx, year)
    return [c.id for c in ctx.data["classes"].values()]


def _grant(ctx: Context, person: Person, role: Role) -> bool:
    roles = _roles(ctx, person)
    if role in roles:
        return False
    ctx.session.add(RoleGrant(school_id=person.school_id, person_id=person.id, role=role))
    roles.add(role)
    return True


def _grant_teaching(ctx: Context, person: Person) -> bool:
    """A teacher named by an assignment or a timetable row teaches: the teacher role, unless
    they teach already as a teacher of additional education or a tutor (their own role)."""
    if _roles(ctx, person) & SUBJECT_TEACHERS:
        return False
    return _grant(ctx, person, Role.TEACHER)


# --------------------------------------------------------------------------- persons


@dataclass
class PersonPlan:
    row: Row
    external_id: str
    fields: dict[str, Any]
    roles: set[Role]
    extra: dict[str, Any] = field(default_factory=dict)


def _person_fields(ctx: Context, row: Row, *, contacts: bool = True) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "last_name": ctx.text(row, "last_name", required=True),
        "first_name": ctx.text(row, "first_name", required=True),
        "middle_name": ctx.text(row, "middle_name"),
    }
    if "birth_date" in {c.key for c in ctx.spec.columns}:
        fields["birth_date"] = ctx.date(row, "birth_date")
    if contacts:
        fields["phone"] = ctx.text(row, "phone", limit=32)
        fields["email"] = ctx.email(row, "email")
    return fields


def _person_base(ctx: Context, row: Row, seen: dict[Any, int], *, student: bool) -> str | None:
    ext = ctx.text(row, "external_id", required=True, limit=64)
    if ext is None or not ctx.once(row, "external_id", ext, seen, ext):
        return None
    existing: Person | None = ctx.data["persons"].get(ext)
    if existing is not None:
        is_student = Role.STUDENT in _roles(ctx, existing)
        if is_student != student:
            ctx.err(row, "external_id", "student_conflict", value=ext)
            return None
    return ext


async def _upsert_person(ctx: Context, plan: PersonPlan) -> tuple[Person, str]:
    session = ctx.session
    person: Person | None = ctx.data["persons"].get(plan.external_id)
    # Columns absent from the file leave the stored value alone.
    present = {k: v for k, v in plan.fields.items() if k in ctx.headers}

    def audited(person: Person, action: str, **change: Any) -> None:
        record(
            session,
            ctx.actor,
            action=action,
            entity="person",
            entity_id=person.id,
            student_id=person.id if Role.STUDENT in plan.roles else None,
            source=_source(ctx.actor),
            **change,
        )

    if person is None:
        person = Person(school_id=ctx.school.id, external_id=plan.external_id, **present)
        person.roles = [RoleGrant(school_id=ctx.school.id, role=r) for r in sorted(plan.roles)]
        session.add(person)
        await session.flush()
        await ensure_account(session, person)
        ctx.data["persons"][plan.external_id] = person
        ctx.data["roles"][person.id] = set(plan.roles)
        audited(
            person,
            "import.person_create",
            after={**present, "external_id": plan.external_id, "roles": sorted(plan.roles)},
        )
        return person, CREATED
    before = audit.snapshot(person, *present)
    changed = {k: v for k, v in present.items() if getattr(person, k) != v}
    for k, v in changed.items():
        setattr(person, k, v)
    added = [r for r in sorted(plan.roles) if _grant(ctx, person, r)]
    if not changed and not added:
        return person, UNCHANGED
    await session.flush()
    await ensure_account(session, person)
    audited(
        person,
        "import.person_update",
        before={k: before[k] for k in changed} | ({"roles": []} if added else {}),
        after={k: audit.snapshot(person, k)[k] for k in changed}
        | ({"roles": added} if added else {}),
    )
    return person, UPDATED


def _source(actor: Actor) -> str:
    return getattr(actor, "source", "bot")


def _update(
    ctx: Context, row: SchoolClass | Subject, wanted: dict[str, Any], *, entity: str, action: str
) -> str:
    """A row the file names again takes the file's values; the audit entry holds what changed."""
    changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
    if not changed:
        return UNCHANGED
    before = audit.snapshot(row, *changed)
    for k, v in changed.items():
        setattr(row, k, v)
    record(
        ctx.session,
        ctx.actor,
        action=action,
        entity=entity,
        entity_id=row.id,
        before=before,
        after=changed,
        source=_source(ctx.actor),
    )
    return UPDATED


# --------------------------------------------------------------------------- kinds


class Handler:
    async def prepare(self, ctx: Context) -> bool:
        ctx.data["persons"] = await _persons_by_ext(ctx)
        return True

    def check(self, ctx: Context, row: Row) -> Any:
        raise NotImplementedError

    async def apply(self, ctx: Context, plan: Any) -> str:
        raise NotImplementedError


class StaffHandler(Handler):
    def check(self, ctx: Context, row: Row) -> Any:
        ext = _person_base(ctx, row, ctx.data.setdefault("seen", {}), student=False)
        fields = _person_fields(ctx, row)
        roles: set[Role] = set()
        raw = ctx.text(row, "roles", required=True, limit=255)
        for word in re.split(r"[,;/]+", raw or ""):
            word = normalize_header(word)
            if not word:
                continue
            role = ROLE_WORDS.get(word)
            if role is None:
                ctx.err(row, "roles", "bad_role", value=word)
            else:
                roles.add(role)
        if ext is None or not roles:
            return None
        return PersonPlan(row, ext, fields, roles)

    async def apply(self, ctx: Context, plan: PersonPlan) -> str:
        return (await _upsert_person(ctx, plan))[1]


class StudentsHandler(Handler):
    async def prepare(self, ctx: Context) -> bool:
        await super().prepare(ctx)
        class_ids = await _year_classes(ctx)
        if class_ids is None:
            return False
        rows = await ctx.session.scalars(
            select(Enrolment).where(
                Enrolment.school_id == ctx.school.id,
                Enrolment.class_id.in_(class_ids),
                Enrolment.left_on.is_(None),
            )
        )
        ctx.data["open"] = {e.student_id: e for e in rows}
        return True

    def check(self, ctx: Context, row: Row) -> Any:
        assert ctx.year is not None
        ext = _person_base(ctx, row, ctx.data.setdefault("seen", {}), student=True)
        fields = _person_fields(ctx, row)
        cls = _class_ref(ctx, row, "class")
        arrived = ctx.date(row, "arrived_on")
        if arrived is not None and not ctx.year.starts_on <= arrived <= ctx.year.ends_on:
            ctx.err(row, "arrived_on", "date_outside_year", value=arrived, year=ctx.year.name)
            return None
        if ext is None or cls is None:
            return None
        existing: Person | None = ctx.data["persons"].get(ext)
        if existing is not None:
            current: Enrolment | None = ctx.data["open"].get(existing.id)
            if current is not None and current.class_id != cls.id:
                on = arrived or max(min(ctx.today, ctx.year.ends_on), ctx.year.starts_on)
                if on <= current.arrived_on:
                    ctx.err(row, "arrived_on", "transfer_date", value=on, since=current.arrived_on)
                    return None
        return PersonPlan(row, ext, fields, {Role.STUDENT}, {"class": cls, "arrived": arrived})

    async def apply(self, ctx: Context, plan: PersonPlan) -> str:
        assert ctx.year is not None
        person, status = await _upsert_person(ctx, plan)
        cls: SchoolClass = plan.extra["class"]
        arrived: dt.date | None = plan.extra["arrived"]
        current: Enrolment | None = ctx.data["open"].get(person.id)
        if current is not None and current.class_id == cls.id:
            if arrived is not None and arrived != current.arrived_on:
                before = current.arrived_on
                current.arrived_on = arrived
                self._audit(ctx, person, "import.enrolment_update", before, cls, arrived)
                return UPDATED
            return status
        if current is not None:
            on = arrived or max(min(ctx.today, ctx.year.ends_on), ctx.year.starts_on)
            current.left_on = on
            current.departure_note = "перевод (импорт)"
            enrol = Enrolment(
                school_id=ctx.school.id,
                student_id=person.id,
                class_id=cls.id,
                arrived_on=on,
                arrival_note="перевод (импорт)",
            )
        else:
            enrol = Enrolment(
                school_id=ctx.school.id,
                student_id=person.id,
                class_id=cls.id,
                arrived_on=arrived or ctx.year.starts_on,
            )
        ctx.session.add(enrol)
        ctx.data["open"][person.id] = enrol
        self._audit(ctx, person, "import.enrolment_create", None, cls, enrol.arrived_on)
        return UPDATED if status == UNCHANGED else status

    def _audit(
        self,
        ctx: Context,
        person: Person,
        action: str,
        before: dt.date | None,
        cls: SchoolClass,
        on: dt.date,
    ) -> None:
        record(
            ctx.session,
            ctx.actor,
            action=action,
            entity="enrolment",
            entity_id=person.id,
            student_id=person.id,
            before={"arrived_on": before} if before else None,
            after={"class": cls.name, "arrived_on": on},
            source=_source(ctx.actor),
        )


class ParentsHandler(Handler):
    async def prepare(self, ctx: Context) -> bool:
        await super().prepare(ctx)
        rows = await ctx.session.execute(
            select(Guardianship.guardian_id, Guardianship.student_id).where(
                Guardianship.school_id == ctx.school.id
            )
        )
        ctx.data["links"] = {(g, s) for g, s in rows}
        return True

    def check(self, ctx: Context, row: Row) -> Any:
        ext = _person_base(ctx, row, ctx.data.setdefault("seen", {}), student=False)
        fields = _person_fields(ctx, row)
        children: list[Person] = []
        raw = ctx.text(row, "children", required=True, limit=1000)
        for value in re.split(r"[,;\s]+", raw or ""):
            if not value:
                continue
            child: Person | None = ctx.data["persons"].get(value)
            if child is None or Role.STUDENT not in _roles(ctx, child):
                ctx.err(row, "children", "unknown_student", value=value)
            else:
                children.append(child)
        if ext is None or not children:
            return None
        return PersonPlan(row, ext, fields, {Role.PARENT}, {"children": children})

    async def apply(self, ctx: Context, plan: PersonPlan) -> str:
        person, status = await _upsert_person(ctx, plan)
        added = False
        for child in plan.extra["children"]:
            if (person.id, child.id) in ctx.data["links"]:
                continue
            ctx.session.add(
                Guardianship(
                    school_id=ctx.school.id,
                    guardian_id=person.id,
                    student_id=child.id,
                    kind=GuardianKind.PARENT,
                )
            )
            ctx.data["links"].add((person.id, child.id))
            record(
                ctx.session,
                ctx.actor,
                action="import.guardianship_create",
                entity="guardianship",
                entity_id=f"{person.id}:{child.id}",
                student_id=child.id,
                after={"guardian_id": person.id, "student_id": child.id},
                source=_source(ctx.actor),
            )
            added = True
        return UPDATED if added and status == UNCHANGED else status


class ClassesHandler(Handler):
    async def prepare(self, ctx: Context) -> bool:
        await super().prepare(ctx)
        years = (
            await ctx.session.scalars(
                select(SchoolYear).where(SchoolYear.school_id == ctx.school.id)
            )
        ).all()
        ctx.data["years"] = {normalize_header(y.name): y for y in years}
        ctx.data["classes_by_year"] = {}
        for y in years:
            ctx.data["classes_by_year"][y.id] = await _classes_of_year(ctx, y)
        ctx.year = await _need_year(ctx)
        return ctx.year is not None

    def check(self, ctx: Context, row: Row) -> Any:
        assert ctx.year is not None
        year = ctx.year
        year_name = ctx.text(row, "year", limit=32)
        if year_name is not None:
            found = ctx.data["years"].get(normalize_header(year_name))
            if found is None:
                ctx.err(row, "year", "unknown_year", value=year_name)
                return None
            year = found
        ext = ctx.text(row, "external_id", limit=64)
        name = ctx.text(row, "name", required=True, limit=16)
        parsed = parse_class_name(name) if name else None
        if name is not None and parsed is None:
            ctx.err(row, "name", "bad_class_name", value=name)
        teacher = _staff_ref(ctx, row, "class_teacher", required=False)
        if parsed is None:
            return None
        key = (year.id, f"{parsed[0]}{parsed[1]}")
        if not ctx.once(row, "name", key, ctx.data.setdefault("seen", {}), name or ""):
            return None
        if ext and not ctx.once(
            row, "external_id", (year.id, ext), ctx.data.setdefault("seen_ext", {}), ext
        ):
            return None
        if ctx.text(row, "class_teacher") and teacher is None:
            return None
        return {
            "year": year,
            "ext": ext,
            "grade": parsed[0],
            "letter": parsed[1],
            "teacher": teacher,
        }

    async def apply(self, ctx: Context, plan: dict[str, Any]) -> str:
        year: SchoolYear = plan["year"]
        classes: dict[str, SchoolClass] = ctx.data["classes_by_year"][year.id]
        name = f"{plan['grade']}{plan['letter']}"
        cls = None
        if plan["ext"]:
            cls = next((c for c in classes.values() if c.external_id == plan["ext"]), None)
        cls = cls or classes.get(name)
        teacher: Person | None = plan["teacher"]
        wanted: dict[str, Any] = {"grade": plan["grade"], "letter": plan["letter"], "name": name}
        if "class_teacher" in ctx.headers:
            wanted["class_teacher_id"] = teacher.id if teacher else None
        if plan["ext"]:
            wanted["external_id"] = plan["ext"]
        if teacher is not None:
            _grant(ctx, teacher, Role.CLASS_TEACHER)
        if cls is not None:
            return _update(ctx, cls, wanted, entity="class", action="import.class_update")
        cls = SchoolClass(school_id=ctx.school.id, year_id=year.id, **wanted)
        ctx.session.add(cls)
        await ctx.session.flush()
        classes[name] = cls
        return CREATED


class SubjectsHandler(Handler):
    async def prepare(self, ctx: Context) -> bool:
        ctx.data["subjects"] = await _subjects(ctx)
        return True

    def check(self, ctx: Context, row: Row) -> Any:
        ext = ctx.text(row, "external_id", required=True, limit=64)
        name = ctx.text(row, "name", required=True, limit=128)
        short = ctx.text(row, "short_name", limit=32)
        if ext is None or name is None:
            return None
        ok = ctx.once(row, "external_id", ext.lower(), ctx.data.setdefault("seen", {}), ext)
        ok = (
            ctx.once(row, "name", normalize_header(name), ctx.data.setdefault("seen_n", {}), name)
            and ok
        )
        if not ok:
            return None
        by_ext, by_name = ctx.data["subjects"]
        target = by_ext.get(ext.lower())
        same_name = by_name.get(normalize_header(name))
        if (
            same_name is not None
            and same_name is not target
            and (target is not None or (same_name.external_id and same_name.external_id != ext))
        ):
            ctx.err(row, "name", "name_taken", value=name)
            return None
        return {"ext": ext, "name": name, "short": short, "target": target or same_name}

    async def apply(self, ctx: Context, plan: dict[str, Any]) -> str:
        subject: Subject | None = plan["target"]
        wanted = {"external_id": plan["ext"], "name": plan["name"]}
        if "short_name" in ctx.headers:
            wanted["short_name"] = plan["short"]
        if subject is None:
            ctx.session.add(Subject(school_id=ctx.school.id, **wanted))
            return CREATED
        return _update(ctx, subject, wanted, entity="subject", action="import.subject_update")


class _ClassWork(Handler):
    """Assignments and timetable: classes of the current year, subjects, staff, subgroups."""

    async def prepare(self, ctx: Context) -> bool:
        await super().prepare(ctx)
        ctx.data["subjects"] = await _subjects(ctx)
        class_ids = await _year_classes(ctx)
        if class_ids is None:
            return False
        rows = await ctx.session.scalars(select(Subgroup).where(Subgroup.class_id.in_(class_ids)))
        ctx.data["subgroups"] = {(g.class_id, normalize_header(g.name)): g for g in rows}
        return True

    async def subgroup(
        self, ctx: Context, cls: SchoolClass, name: str | None, subject: Subject | None
    ) -> Subgroup | None:
        if not name:
            return None
        key = (cls.id, normalize_header(name))
        group: Subgroup | None = ctx.data["subgroups"].get(key)
        if group is None:
            group = Subgroup(
                school_id=ctx.school.id,
                class_id=cls.id,
                subject_id=subject.id if subject else None,
                name=name,
            )
            ctx.session.add(group)
            await ctx.session.flush()
            ctx.data["subgroups"][key] = group
        return group


class AssignmentsHandler(_ClassWork):
    async def prepare(self, ctx: Context) -> bool:
        if not await super().prepare(ctx):
            return False
        class_ids = [c.id for c in ctx.data["classes"].values()]
        rows = await ctx.session.scalars(
            select(TeachingAssignment).where(TeachingAssignment.class_id.in_(class_ids))
        )
        ctx.data["existing"] = {
            (a.teacher_id, a.class_id, a.subject_id, a.subgroup_id): a for a in rows
        }
        return True

    def check(self, ctx: Context, row: Row) -> Any:
        teacher = _staff_ref(ctx, row, "teacher")
        cls = _class_ref(ctx, row, "class")
        subject = _subject_ref(ctx, row, "subject")
        group = ctx.text(row, "subgroup", limit=64)
        hours = ctx.number(row, "hours", 0, 40)
        if teacher is None or cls is None or subject is None:
            return None
        key = (teacher.id, cls.id, subject.id, normalize_header(group or ""))
        shown = f"{teacher.external_id} {cls.name} {subject.name} {group or ''}".strip()
        if not ctx.once(row, "subject", key, ctx.data.setdefault("seen", {}), shown):
            return None
        return {"teacher": teacher, "cls": cls, "subject": subject, "group": group, "hours": hours}

    async def apply(self, ctx: Context, plan: dict[str, Any]) -> str:
        teacher: Person = plan["teacher"]
        cls: SchoolClass = plan["cls"]
        subject: Subject = plan["subject"]
        group = await self.subgroup(ctx, cls, plan["group"], subject)
        granted = _grant_teaching(ctx, teacher)
        key = (teacher.id, cls.id, subject.id, group.id if group else None)
        existing: TeachingAssignment | None = ctx.data["existing"].get(key)
        if existing is None:
            ta = TeachingAssignment(
                school_id=ctx.school.id,
                teacher_id=teacher.id,
                class_id=cls.id,
                subject_id=subject.id,
                subgroup_id=group.id if group else None,
                hours_per_week=plan["hours"],
            )
            ctx.session.add(ta)
            ctx.data["existing"][key] = ta
            return CREATED
        if "hours" in ctx.headers and existing.hours_per_week != plan["hours"]:
            existing.hours_per_week = plan["hours"]
            return UPDATED
        return UPDATED if granted else UNCHANGED


class TimetableHandler(_ClassWork):
    async def prepare(self, ctx: Context) -> bool:
        if not await super().prepare(ctx):
            return False
        assert ctx.year is not None
        rows = await ctx.session.scalars(
            select(TimetableEntry).where(
                TimetableEntry.year_id == ctx.year.id, TimetableEntry.valid_to.is_(None)
            )
        )
        ctx.data["open"] = {
            (e.class_id, e.subgroup_id, e.weekday, e.lesson_number): e for e in rows
        }
        return True

    def check(self, ctx: Context, row: Row) -> Any:
        assert ctx.year is not None
        cls = _class_ref(ctx, row, "class")
        group = ctx.text(row, "subgroup", limit=64)
        weekday = None
        raw_day = ctx.text(row, "weekday", required=True, limit=16)
        if raw_day is not None:
            weekday = WEEKDAY_WORDS.get(normalize_header(raw_day).rstrip("."))
            if weekday is None:
                ctx.err(row, "weekday", "bad_weekday", value=raw_day)
        number = ctx.number(row, "lesson_number", 0, 12, required=True)
        subject = _subject_ref(ctx, row, "subject")
        teacher = _staff_ref(ctx, row, "teacher")
        room = ctx.text(row, "room", limit=32)
        valid_from = ctx.date(row, "valid_from")
        if valid_from is not None and not ctx.year.starts_on <= valid_from <= ctx.year.ends_on:
            ctx.err(row, "valid_from", "date_outside_year", value=valid_from, year=ctx.year.name)
            return None
        if cls is None or weekday is None or number is None or subject is None or teacher is None:
            return None
        slot = (cls.id, normalize_header(group or ""), weekday, number)
        shown = f"{cls.name} {group or ''} {raw_day} {number}".replace("  ", " ")
        if not ctx.once(row, "lesson_number", slot, ctx.data.setdefault("seen", {}), shown):
            return None
        busy = ctx.data.setdefault("busy", {})
        if (teacher.id, weekday, number) in busy:
            ctx.err(row, "teacher", "teacher_busy", other_row=busy[(teacher.id, weekday, number)])
            return None
        busy[(teacher.id, weekday, number)] = row.number
        return {
            "cls": cls,
            "group": group,
            "weekday": weekday,
            "number": number,
            "subject": subject,
            "teacher": teacher,
            "room": room,
            "valid_from": valid_from or ctx.year.starts_on,
        }

    async def apply(self, ctx: Context, plan: dict[str, Any]) -> str:
        cls: SchoolClass = plan["cls"]
        subject: Subject = plan["subject"]
        teacher: Person = plan["teacher"]
        group = await self.subgroup(ctx, cls, plan["group"], subject)
        _grant_teaching(ctx, teacher)
        key = (cls.id, group.id if group else None, plan["weekday"], plan["number"])
        existing: TimetableEntry | None = ctx.data["open"].get(key)
        valid_from: dt.date = plan["valid_from"]
        wanted = {"subject_id": subject.id, "teacher_id": teacher.id, "room": plan["room"]}
        if existing is not None:
            if all(getattr(existing, k) == v for k, v in wanted.items()):
                return UNCHANGED
            if existing.valid_from >= valid_from:
                for k, v in wanted.items():
                    setattr(existing, k, v)
                existing.valid_from = valid_from
                return UPDATED
            existing.valid_to = valid_from - dt.timedelta(days=1)
        assert ctx.year is not None
        entry = TimetableEntry(
            school_id=ctx.school.id,
            year_id=ctx.year.id,
            class_id=cls.id,
            subgroup_id=group.id if group else None,
            weekday=plan["weekday"],
            lesson_number=plan["number"],
            valid_from=valid_from,
            **wanted,
        )
        ctx.session.add(entry)
        ctx.data["open"][key] = entry
        return CREATED if existing is None else UPDATED


class BellsHandler(Handler):
    async def prepare(self, ctx: Context) -> bool:
        rows = await ctx.session.scalars(
            select(BellTime).where(BellTime.school_id == ctx.school.id)
        )
        ctx.data["bells"] = {(b.shift, b.number): b for b in rows}
        return True

    def check(self, ctx: Context, row: Row) -> Any:
        shift = ctx.number(row, "shift", 1, 3) or 1
        number = ctx.number(row, "number", 0, 12, required=True)
        starts = ctx.time(row, "starts_at", required=True)
        ends = ctx.time(row, "ends_at", required=True)
        if starts is not None and ends is not None and starts >= ends:
            ctx.err(row, "ends_at", "time_order")
            return None
        if number is None or starts is None or ends is None:
            return None
        if not ctx.once(
            row, "number", (shift, number), ctx.data.setdefault("seen", {}), str(number)
        ):
            return None
        return (shift, number, starts, ends)

    async def apply(self, ctx: Context, plan: tuple[int, int, dt.time, dt.time]) -> str:
        shift, number, starts, ends = plan
        bell: BellTime | None = ctx.data["bells"].get((shift, number))
        if bell is None:
            ctx.session.add(
                BellTime(
                    school_id=ctx.school.id,
                    shift=shift,
                    number=number,
                    starts_at=starts,
                    ends_at=ends,
                )
            )
            return CREATED
        if (bell.starts_at, bell.ends_at) == (starts, ends):
            return UNCHANGED
        bell.starts_at, bell.ends_at = starts, ends
        return UPDATED


class PlanHandler(_ClassWork):
    """The thematic plan (КТП) of a class in a subject: numbered topics with their hours.

    A file replaces the plans of the classes and subjects it names: a line is matched by its
    number (topic and hours updated), lines of those plans missing from the file are removed
    unless a lesson took them already (then they stay). Each plan's hours are checked against
    the lessons the timetable gives that class in that subject over the year: more or fewer
    is reported (the plan is accepted: the timetable may be loaded later)."""

    async def prepare(self, ctx: Context) -> bool:
        if not await super().prepare(ctx):
            return False
        class_ids = [c.id for c in ctx.data["classes"].values()]
        rows = await ctx.session.scalars(select(PlanItem).where(PlanItem.class_id.in_(class_ids)))
        ctx.data["items"] = {(p.class_id, p.subject_id, p.number): p for p in rows}
        ctx.data["numbers"] = {}
        return True

    def check(self, ctx: Context, row: Row) -> Any:
        cls = _class_ref(ctx, row, "class")
        subject = _subject_ref(ctx, row, "subject")
        number = ctx.number(row, "number", 1, 999, required=True)
        topic = ctx.text(row, "topic", required=True, limit=500)
        hours = ctx.number(row, "hours", 1, 99)
        if cls is None or subject is None or number is None or topic is None:
            return None
        key = (cls.id, subject.id, number)
        shown = f"{cls.name} {subject.name} {number}"
        if not ctx.once(row, "number", key, ctx.data.setdefault("seen", {}), shown):
            return None
        ctx.data["numbers"].setdefault((cls.id, subject.id), {})[number] = hours or 1
        return {"cls": cls, "subject": subject, "number": number, "topic": topic, "hours": hours}

    async def _once(self, ctx: Context) -> None:
        """Before the first row: the lines the file drops, and the hours against the timetable."""
        ctx.data["started"] = True
        plans: dict[tuple[int, int], dict[int, int]] = ctx.data["numbers"]
        taken = set(
            await ctx.session.scalars(
                select(Lesson.plan_item_id).where(
                    Lesson.school_id == ctx.school.id,
                    Lesson.class_id.in_([c for c, _ in plans]),
                    Lesson.plan_item_id.is_not(None),
                )
            )
        )
        items: dict[tuple[int, int, int], PlanItem] = ctx.data["items"]
        for (class_id, subject_id, number), item in list(items.items()):
            numbers = plans.get((class_id, subject_id))
            if numbers is None or number in numbers or item.id in taken:
                continue
            await ctx.session.delete(item)
            del items[(class_id, subject_id, number)]
        assert ctx.year is not None
        given = await timetable_hours(ctx.session, ctx.school, ctx.year, {c for c, _ in plans})
        classes = {c.id: c for c in ctx.data["classes"].values()}
        subjects = {s.id: s for found in ctx.data["subjects"] for s in found.values()}
        for (class_id, subject_id), numbers in sorted(plans.items()):
            planned = sum(numbers.values())
            timetable = given.get((class_id, subject_id), 0)
            if planned != timetable:
                ctx.result.warnings.append(
                    ImportIssue(
                        0,
                        None,
                        "import.warning.plan_hours",
                        {
                            "class_name": classes[class_id].name,
                            "subject": subjects[subject_id].name,
                            "planned": planned,
                            "timetable": timetable,
                            "year": ctx.year.name,
                        },
                    )
                )

    async def apply(self, ctx: Context, plan: dict[str, Any]) -> str:
        if not ctx.data.get("started"):
            await self._once(ctx)
        cls: SchoolClass = plan["cls"]
        subject: Subject = plan["subject"]
        key = (cls.id, subject.id, plan["number"])
        hours = plan["hours"] or 1
        item: PlanItem | None = ctx.data["items"].get(key)
        if item is None:
            item = PlanItem(
                school_id=ctx.school.id,
                class_id=cls.id,
                subject_id=subject.id,
                number=plan["number"],
                topic=plan["topic"],
                hours=hours,
            )
            ctx.session.add(item)
            ctx.data["items"][key] = item
            return CREATED
        if (item.topic, item.hours) == (plan["topic"], hours):
            return UNCHANGED
        item.topic, item.hours = plan["topic"], hours
        return UPDATED


class SubgroupMembersHandler(_ClassWork):
    """Who is in which subgroup (a class split for a language, IT, labour). A student named in
    a group of a subject while in another group of that subject moves: the old stay ends and
    the new one begins on "valid from" (empty: today); history is kept (see
    services.people.subgroups). A student already in the group is unchanged."""

    async def prepare(self, ctx: Context) -> bool:
        if not await super().prepare(ctx):
            return False
        class_ids = [c.id for c in ctx.data["classes"].values()]
        ctx.data["enrolled"] = {
            (student_id, class_id)
            for student_id, class_id in await ctx.session.execute(
                select(Enrolment.student_id, Enrolment.class_id).where(
                    Enrolment.class_id.in_(class_ids), Enrolment.left_on.is_(None)
                )
            )
        }
        return True

    def check(self, ctx: Context, row: Row) -> Any:
        assert ctx.year is not None
        ext = ctx.text(row, "student", required=True, limit=64)
        cls = _class_ref(ctx, row, "class")
        group = ctx.text(row, "subgroup", required=True, limit=64)
        subject = _subject_ref(ctx, row, "subject") if ctx.text(row, "subject") else None
        valid_from = ctx.date(row, "valid_from")
        if valid_from is not None and not ctx.year.starts_on <= valid_from <= ctx.year.ends_on:
            ctx.err(row, "valid_from", "date_outside_year", value=valid_from, year=ctx.year.name)
            return None
        if ext is None or cls is None or group is None:
            return None
        student: Person | None = ctx.data["persons"].get(ext)
        if student is None or Role.STUDENT not in _roles(ctx, student):
            ctx.err(row, "student", "unknown_student", value=ext)
            return None
        if (student.id, cls.id) not in ctx.data["enrolled"]:
            ctx.err(row, "class", "student_not_in_class", value=ext, cls=cls.name)
            return None
        key = (student.id, cls.id, normalize_header(group))
        if not ctx.once(row, "subgroup", key, ctx.data.setdefault("seen", {}), f"{ext} {group}"):
            return None
        # A new group needs its subject, in this row or an earlier one of the file.
        named: set[tuple[int, str]] = ctx.data.setdefault("named", set())
        group_key = (cls.id, normalize_header(group))
        if subject is not None:
            named.add(group_key)
        elif group_key not in ctx.data["subgroups"] and group_key not in named:
            ctx.err(row, "subject", "group_needs_subject", value=group)
            return None
        return {
            "student": student,
            "cls": cls,
            "group": group,
            "subject": subject,
            "valid_from": valid_from,
        }

    async def apply(self, ctx: Context, plan: dict[str, Any]) -> str:
        assert ctx.year is not None
        student: Person = plan["student"]
        cls: SchoolClass = plan["cls"]
        key = (cls.id, normalize_header(plan["group"]))
        group: Subgroup | None = ctx.data["subgroups"].get(key)
        if group is None:
            group = await self.subgroup(ctx, cls, plan["group"], plan["subject"])
            assert group is not None
        stays = (
            await ctx.session.scalars(
                select(SubgroupMember).where(
                    SubgroupMember.student_id == student.id,
                    SubgroupMember.subgroup_id.in_(
                        select(Subgroup.id).where(Subgroup.class_id == cls.id)
                    ),
                )
            )
        ).all()
        if any(s.subgroup_id == group.id and s.left_on is None for s in stays):
            return UNCHANGED
        groups = {g.id: g for g in ctx.data["subgroups"].values()}
        today = max(min(ctx.today, ctx.year.ends_on), ctx.year.starts_on)
        valid_from: dt.date | None = plan["valid_from"]
        if valid_from is None and any(s.subgroup_id == group.id for s in stays):
            valid_from = today  # back in a group left before: from today
        before = None
        for stay in stays:
            other = groups.get(stay.subgroup_id)
            if stay.left_on is not None or other is None or other.subject_id is None:
                continue
            if other.subject_id != group.subject_id:
                continue
            on = valid_from or today
            await subgroup_stays.end_stay(ctx.session, other, student.id, on)
            valid_from, before = on, {"group": other.name}
        await subgroup_stays.add_stay(ctx.session, ctx.school.id, group, student.id, valid_from)
        record(
            ctx.session,
            ctx.actor,
            action="import.subgroup_move" if before else "import.subgroup_join",
            entity="subgroup",
            entity_id=group.id,
            student_id=student.id,
            before=before,
            after={"group": group.name, "class": cls.name, "from": valid_from},
            source=_source(ctx.actor),
        )
        return CREATED


HANDLERS: dict[str, type[Handler]] = {
    "subgroup_members": SubgroupMembersHandler,
    "staff": StaffHandler,
    "classes": ClassesHandler,
    "students": StudentsHandler,
    "parents": ParentsHandler,
    "subjects": SubjectsHandler,
    "assignments": AssignmentsHandler,
    "timetable": TimetableHandler,
    "bells": BellsHandler,
    "plan": PlanHandler,
}


# --------------------------------------------------------------------------- entry


async def _tell(stage: Stage | None, name: str, done: int, total: int) -> None:
    if stage is not None:
        maybe = stage(name, done, total)
        if inspect.isawaitable(maybe):
            await maybe


def _db_message(exc: IntegrityError) -> str:
    return str(exc.orig).splitlines()[0] if exc.orig is not None else ""


def _constraint_name(exc: IntegrityError) -> str | None:
    """The constraint's name (PostgreSQL) or its columns (SQLite): names, never values."""
    message = _db_message(exc)
    m = re.search(r'constraint "([A-Za-z0-9_]+)"', message)
    if m:
        return m.group(1)
    m = re.match(r"(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed: ([\w.,\s]+)$", message)
    if m:
        return f"{m.group(1)}: {m.group(2).strip()}"
    return None


def _refused_column(ctx: Context, exc: IntegrityError) -> str | None:
    """The file's column the refused constraint is about, when one of them is named in it."""
    names = _constraint_name(exc) or ""
    found = [key for key in ctx.headers if key in names]
    return max(found, key=len) if found else None


def _map_columns(spec: Kind, header: list[str], result: ImportResult) -> dict[str, int]:
    """Column key -> index in the row; header problems go to ``result.errors`` (row 1)."""
    lookup: dict[str, str] = {}
    for c in spec.columns:
        for name in (c.key, c.ru, c.en):
            lookup[normalize_header(name)] = c.key
    found: dict[str, int] = {}
    for i, title in enumerate(header):
        key = lookup.get(normalize_header(title))
        if key is None:
            continue  # unknown columns are ignored (documented)
        if key in found:
            result.errors.append(ImportIssue(1, title, "import.error.duplicate_column"))
            continue
        found[key] = i
    for c in spec.columns:
        if c.required and c.key not in found:
            result.errors.append(ImportIssue(1, c.ru, "import.error.missing_column"))
    return found


async def import_file(
    session: AsyncSession,
    actor: Actor,
    kind: str,
    filename: str,
    data: bytes,
    *,
    progress: Progress | None = None,
    stage: Stage | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import one file of one kind (see ``KINDS``); all or nothing.

    Returns the counts, or the list of errors when the file is rejected (then nothing is
    written). ``progress(done, total)`` is called after each applied row (sync or async);
    ``stage(name, done, total)`` when the file is read and while rows are checked.
    With ``dry_run`` the changes are made and rolled back, so the counts are exact.
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise ValidationFailed("import.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    ensure_admin(actor, f"import_{kind}", *spec.also)
    school = await session.get(School, actor.school_id)
    assert school is not None
    result = ImportResult(kind=kind, filename=filename, dry_run=dry_run)
    try:
        # Parsing is CPU work: a worker thread, so that the event loop keeps answering others.
        sheet = await asyncio.to_thread(reader.read, filename, data)
    except reader.UnreadableFile as exc:
        result.errors.append(ImportIssue(0, None, exc.code, exc.params))
        return result
    columns = _map_columns(spec, sheet.header, result)
    if result.errors:
        return result
    headers = {key: sheet.header[i] for key, i in columns.items()}
    rows = [
        Row(number, {key: (cells[i] if i < len(cells) else None) for key, i in columns.items()})
        for number, cells in sheet.rows
    ]
    result.rows = len(rows)
    if not rows:
        result.errors.append(ImportIssue(0, None, "import.error.no_rows"))
        return result
    await _tell(stage, "read", len(rows), len(rows))

    ctx = Context(session, actor, school, spec, headers, result)
    handler = HANDLERS[kind]()
    plans: list[tuple[Row, Any]] = []
    if await handler.prepare(ctx):
        for index, row in enumerate(rows, start=1):
            if index % CHECK_BATCH == 0:
                await _tell(stage, "check", index, len(rows))
                await asyncio.sleep(0)  # let other updates in between batches of checks
            plan = handler.check(ctx, row)
            if plan is not None:
                plans.append((row, plan))
    if result.errors:
        await session.rollback()
        return result

    ctx.data["progress"] = progress
    applying: Row | None = None
    try:
        for row, plan in plans:
            applying = row
            status = await handler.apply(ctx, plan)
            # Each row's changes reach the database before the next row: a refusal names
            # the row that caused it.
            await session.flush()
            setattr(result, status, getattr(result, status) + 1)
            await ctx.progress_step()
        record(
            session,
            actor,
            action="import",
            entity="import",
            entity_id=kind,
            after={
                "kind": kind,
                "filename": filename,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
            source=_source(actor),
        )
        applying = None  # the audit entry and the last flush belong to no single row
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        # Neither the log nor the message carries the values (children's names, phones,
        # e-mails): the row, the column when the constraint names one, the constraint.
        column = _refused_column(ctx, exc)
        constraint = _constraint_name(exc)
        log.warning(
            "import refused by the database",
            extra={
                "kind": kind,
                "row": applying.number if applying else None,
                "column_key": column,
                "constraint": constraint,
                "error": type(exc.orig).__name__ if exc.orig is not None else "IntegrityError",
            },
        )
        header = headers.get(column) if column else None
        row_number = applying.number if applying is not None else 0
        result.errors.append(ImportIssue(row_number, header, "import.error.database"))
        result.created = result.updated = result.unchanged = 0
        return result
    if dry_run:
        await session.rollback()
    else:
        await session.commit()
        result.applied = True
    return result
