"""Student movement: enrolment, withdrawal and transfer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.enums import GuardianKind, Role
from services.errors import Conflict, ValidationFailed
from services.models import (
    Account,
    Enrolment,
    Guardianship,
    Person,
    SchoolClass,
    SchoolYear,
)
from services.people import policy
from services.people.access_end import end_access, has_other_reason
from services.people.accounts import (
    EndedBinding,
    IssuedCredentials,
    ensure_account,
    issue_credentials,
    live_binding,
)
from services.people.identity import Actor
from services.people.office_actor import clean_note, has_role
from services.unit_of_work import UnitOfWork, clean_text


async def _open_enrolment(session: AsyncSession, student_id: int, on: dt.date) -> Enrolment | None:
    return await session.scalar(
        select(Enrolment)
        .where(
            Enrolment.student_id == student_id,
            Enrolment.arrived_on <= on,
            or_(Enrolment.left_on.is_(None), Enrolment.left_on > on),
        )
        .order_by(Enrolment.arrived_on.desc())
        .limit(1)
    )


async def _student(session: AsyncSession, actor: Actor, student_id: int) -> Person:
    person = await policy.load(session, actor, Person, student_id)
    if not await has_role(session, person.id, Role.STUDENT):
        raise ValidationFailed("admin.not_a_student")
    return person


async def _class_for(
    session: AsyncSession, actor: Actor, class_id: int, on: dt.date
) -> SchoolClass:
    cls = await policy.load(session, actor, SchoolClass, class_id)
    year = await session.get(SchoolYear, cls.year_id)
    assert year is not None
    if not year.starts_on <= on <= year.ends_on:
        raise ValidationFailed("admin.date_outside_year", date=on, year=year.name)
    if year.archived_at is not None:
        raise ValidationFailed("admin.year_archived", year=year.name)
    return cls


def clean_order(order: str | None) -> str | None:
    """An order's number and date as the office writes it (``№ 45-у от 20.11.2026``)."""
    return clean_text(order, 64, "order")


async def _into_class(
    session: AsyncSession, actor: Actor, action: str, student_id: int, class_id: int, on: dt.date
) -> SchoolClass:
    """The admin's checks before a student joins a class on ``on``: the person is a student
    and the class's year holds the day and is not archived."""
    policy.ensure_can_move_students(actor)
    await _student(session, actor, student_id)
    return await _class_for(session, actor, class_id, on)


def _arrive(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    cls: SchoolClass,
    on: dt.date,
    note: str | None,
    *,
    left_on: dt.date | None = None,
    order: str | None = None,
) -> Enrolment:
    """The student's new enrolment in ``cls`` from ``on`` (until ``left_on`` when a later
    one already starts then)."""
    enrolment = Enrolment(
        school_id=actor.school_id,
        student_id=student_id,
        class_id=cls.id,
        arrived_on=on,
        left_on=left_on,
        arrival_note=note,
        arrival_order=order,
    )
    session.add(enrolment)
    return enrolment


@dataclass
class Arrival:
    """A student enrolled: the enrolment, and the sign-ins issued to the student and the
    guardians not signed in yet (person id, credentials)."""

    enrolment: Enrolment
    issued: list[tuple[int, IssuedCredentials]] = field(default_factory=list)


@dataclass
class Departure:
    """A student withdrawn: the ended enrolment and the chats that lost access (the student's,
    and a guardian's who follows no other child)."""

    enrolment: Enrolment
    ended: list[EndedBinding] = field(default_factory=list)
    guardians_unlinked: int = 0


async def _link_guardians(
    session: AsyncSession, actor: Actor, student_id: int, guardian_ids: list[int]
) -> list[Person]:
    """The parents (existing persons of the school with the parent role) linked to the child;
    a parent's blocked account (their last child had left) is opened again."""
    linked: list[Person] = []
    for guardian_id in dict.fromkeys(guardian_ids):
        guardian = await policy.load(session, actor, Person, guardian_id)
        if guardian_id == student_id or not await has_role(session, guardian_id, Role.PARENT):
            raise ValidationFailed("movement.not_a_parent", name=guardian.last_name)
        link = await policy.guardianship(session, guardian_id, student_id)
        if link is None:
            session.add(
                Guardianship(
                    school_id=actor.school_id,
                    guardian_id=guardian_id,
                    student_id=student_id,
                    kind=GuardianKind.PARENT,
                )
            )
        elif link.kind != GuardianKind.PARENT:
            link.kind, link.permissions = GuardianKind.PARENT, None
        await _unblock(session, guardian_id)
        linked.append(guardian)
    return linked


async def _unblock(session: AsyncSession, person_id: int) -> None:
    account = await session.scalar(select(Account).where(Account.person_id == person_id))
    if account is not None and account.is_blocked:
        account.is_blocked = False


async def _issue(
    session: AsyncSession, actor: Actor, people: list[Person], now: dt.datetime
) -> list[tuple[int, IssuedCredentials]]:
    """A one-time sign-in for each of ``people`` not signed in anywhere yet."""
    issued = []
    for person in people:
        account = await ensure_account(session, person)
        if await live_binding(session, account.id) is None:
            creds = await issue_credentials(session, account, actor=actor, now=now)
            issued.append((person.id, creds))
    return issued


async def enrol_student(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    class_id: int,
    on: dt.date,
    *,
    note: str | None = None,
    order: str | None = None,
) -> Enrolment:
    """Arrival (прибытие): the student joins a class on ``on``."""
    arrival = await arrive(session, actor, student_id, class_id, on, note=note, order=order)
    return arrival.enrolment


async def arrive(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    class_id: int,
    on: dt.date,
    *,
    note: str | None = None,
    order: str | None = None,
    guardian_ids: list[int] | None = None,
    issue: bool = False,
    now: dt.datetime | None = None,
) -> Arrival:
    """Arrival (прибытие): the student joins a class on ``on`` under an order; the parents
    named are linked to the child; a returning student's account is opened again; with
    ``issue``, the student and the parents not signed in get their one-time sign-ins."""
    async with UnitOfWork(session, actor, now) as uow:
        cls = await _into_class(session, actor, "enrol_student", student_id, class_id, on)
        text, order_text = clean_note(note), clean_order(order)
        if await _open_enrolment(session, student_id, on) is not None:
            raise Conflict("admin.already_enrolled")
        later = await session.scalar(
            select(Enrolment.arrived_on).where(
                Enrolment.student_id == student_id, Enrolment.arrived_on > on
            )
        )
        enrolment = _arrive(
            session, actor, student_id, cls, on, text, left_on=later, order=order_text
        )
        guardians = await _link_guardians(session, actor, student_id, guardian_ids or [])
        await _unblock(session, student_id)
        uow.record(
            action="movement.arrive",
            entity="enrolment",
            entity_id=student_id,
            student_id=student_id,
            after={
                "class": cls.name,
                "arrived_on": on,
                "note": enrolment.arrival_note,
                "order": order_text,
                "guardians": [g.id for g in guardians],
            },
        )
        student = await session.get(Person, student_id)
        assert student is not None
        issued = await _issue(session, actor, [student, *guardians], uow.now) if issue else []
        return Arrival(enrolment, issued)


async def withdraw_student(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    on: dt.date,
    *,
    note: str | None = None,
    order: str | None = None,
) -> Enrolment:
    """Departure (выбытие): the student's enrolment ends; ``on`` is the first day away."""
    departure = await leave_school(session, actor, student_id, on, note=note, order=order)
    return departure.enrolment


async def leave_school(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    on: dt.date,
    *,
    note: str | None = None,
    order: str | None = None,
    now: dt.datetime | None = None,
) -> Departure:
    """Departure (выбытие) under an order: the enrolment ends (``on`` is the first day away;
    the journal keeps the student's marks and attendance of the days before), the student's
    sign-in ends, the guardians lose this child (their other children stay; one who follows no
    other child and holds no staff role loses the sign-in too). The links are kept in the audit
    entry, so a return can restore them."""
    async with UnitOfWork(session, actor, now) as uow:
        policy.ensure_can_move_students(actor)
        await _student(session, actor, student_id)
        text, order_text = clean_note(note), clean_order(order)
        current = await _open_enrolment(session, student_id, on - dt.timedelta(days=1))
        if current is None or (current.left_on is not None and current.left_on <= on):
            raise ValidationFailed("admin.not_enrolled")
        if on <= current.arrived_on:
            raise ValidationFailed("admin.departure_before_arrival", since=current.arrived_on)
        before = audit.snapshot(current, "left_on", "departure_note", "departure_order")
        current.left_on = on
        current.departure_note = text
        current.departure_order = order_text
        departure = Departure(current)
        later = await session.scalar(
            select(Enrolment.id).where(
                Enrolment.student_id == student_id, Enrolment.arrived_on >= on
            )
        )
        links: list[dict[str, object]] = []
        if later is None:
            departure.ended += await end_access(session, student_id, uow.now)
            rows = (
                await session.scalars(
                    select(Guardianship).where(Guardianship.student_id == student_id)
                )
            ).all()
            links = [
                {"guardian_id": g.guardian_id, "kind": g.kind, "permissions": g.permissions}
                for g in rows
            ]
            await session.execute(delete(Guardianship).where(Guardianship.student_id == student_id))
            for g in rows:
                if not await has_other_reason(session, g.guardian_id):
                    departure.ended += await end_access(session, g.guardian_id, uow.now)
            departure.guardians_unlinked = len(rows)
        uow.record(
            action="movement.leave",
            entity="enrolment",
            entity_id=current.id,
            student_id=student_id,
            before={**before, "guardians": links},
            after=audit.snapshot(current, "left_on", "departure_note", "departure_order"),
        )
        return departure


async def transfer_student(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    to_class_id: int,
    on: dt.date,
    *,
    note: str | None = None,
    order: str | None = None,
    now: dt.datetime | None = None,
) -> Enrolment:
    """Transfer between classes on ``on``: the old enrolment ends (the old class's journal
    shows the student until the day before), a new one starts (the new class's journal from
    ``on``); the family keeps its access."""
    async with UnitOfWork(session, actor, now) as uow:
        cls = await _into_class(session, actor, "transfer_student", student_id, to_class_id, on)
        text, order_text = clean_note(note), clean_order(order)
        current = await _open_enrolment(session, student_id, on)
        if current is None:
            raise ValidationFailed("admin.not_enrolled")
        if current.class_id == cls.id:
            raise Conflict("admin.same_class")
        if on <= current.arrived_on:
            raise ValidationFailed("admin.departure_before_arrival", since=current.arrived_on)
        old_class = await session.get(SchoolClass, current.class_id)
        current.left_on, current.departure_note = on, text
        current.departure_order = order_text
        enrolment = _arrive(session, actor, student_id, cls, on, text, order=order_text)
        uow.record(
            action="movement.transfer",
            entity="enrolment",
            entity_id=student_id,
            student_id=student_id,
            before={"class": old_class.name if old_class else None},
            after={"class": cls.name, "on": on, "note": text, "order": order_text},
        )
        return enrolment


@dataclass(frozen=True)
class MovementCard:
    """A student as the office's movement screen shows them: the class on ``on`` (None: not
    enrolled)."""

    student_id: int
    name: str
    class_id: int | None
    class_name: str | None


async def movement_card(
    session: AsyncSession, actor: Actor, student_id: int, on: dt.date
) -> MovementCard:
    policy.ensure_can_move_students(actor)
    student = await _student(session, actor, student_id)
    current = await _open_enrolment(session, student_id, on)
    cls = await session.get(SchoolClass, current.class_id) if current is not None else None
    name = f"{student.last_name} {student.first_name}"
    return MovementCard(student_id, name, cls.id if cls else None, cls.name if cls else None)
