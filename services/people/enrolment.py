"""Student movement: enrolment, withdrawal and transfer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.enums import Role
from services.errors import Conflict, ValidationFailed
from services.models import (
    Enrolment,
    Person,
    SchoolClass,
    SchoolYear,
)
from services.people import policy
from services.people.identity import Actor
from services.people.office_actor import clean_note, ensure_admin, has_role
from services.unit_of_work import UnitOfWork


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


async def _into_class(
    session: AsyncSession, actor: Actor, action: str, student_id: int, class_id: int, on: dt.date
) -> SchoolClass:
    """The admin's checks before a student joins a class on ``on``: the person is a student
    and the class's year holds the day and is not archived."""
    ensure_admin(actor, action)
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
    )
    session.add(enrolment)
    return enrolment


async def enrol_student(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    class_id: int,
    on: dt.date,
    *,
    note: str | None = None,
) -> Enrolment:
    """Arrival (прибытие): the student joins a class on ``on``."""
    async with UnitOfWork(session, actor) as uow:
        cls = await _into_class(session, actor, "enrol_student", student_id, class_id, on)
        if await _open_enrolment(session, student_id, on) is not None:
            raise Conflict("admin.already_enrolled")
        later = await session.scalar(
            select(Enrolment.arrived_on).where(
                Enrolment.student_id == student_id, Enrolment.arrived_on > on
            )
        )
        enrolment = _arrive(session, actor, student_id, cls, on, clean_note(note), left_on=later)
        uow.record(
            action="movement.arrive",
            entity="enrolment",
            entity_id=student_id,
            student_id=student_id,
            after={"class": cls.name, "arrived_on": on, "note": enrolment.arrival_note},
        )
        return enrolment


async def withdraw_student(
    session: AsyncSession, actor: Actor, student_id: int, on: dt.date, *, note: str | None = None
) -> Enrolment:
    """Departure (выбытие): the student's enrolment ends; ``on`` is the first day away."""
    async with UnitOfWork(session, actor) as uow:
        ensure_admin(actor, "withdraw_student")
        await _student(session, actor, student_id)
        current = await _open_enrolment(session, student_id, on - dt.timedelta(days=1))
        if current is None or (current.left_on is not None and current.left_on <= on):
            raise ValidationFailed("admin.not_enrolled")
        if on <= current.arrived_on:
            raise ValidationFailed("admin.departure_before_arrival", since=current.arrived_on)
        before = audit.snapshot(current, "left_on", "departure_note")
        current.left_on = on
        current.departure_note = clean_note(note)
        uow.record(
            action="movement.leave",
            entity="enrolment",
            entity_id=current.id,
            student_id=student_id,
            before=before,
            after=audit.snapshot(current, "left_on", "departure_note"),
        )
        return current


async def transfer_student(
    session: AsyncSession,
    actor: Actor,
    student_id: int,
    to_class_id: int,
    on: dt.date,
    *,
    note: str | None = None,
) -> Enrolment:
    """Transfer between classes on ``on``: the old enrolment ends, a new one starts."""
    async with UnitOfWork(session, actor) as uow:
        cls = await _into_class(session, actor, "transfer_student", student_id, to_class_id, on)
        current = await _open_enrolment(session, student_id, on)
        if current is None:
            raise ValidationFailed("admin.not_enrolled")
        if current.class_id == cls.id:
            raise Conflict("admin.same_class")
        if on <= current.arrived_on:
            raise ValidationFailed("admin.departure_before_arrival", since=current.arrived_on)
        old_class = await session.get(SchoolClass, current.class_id)
        text = clean_note(note)
        current.left_on, current.departure_note = on, text
        enrolment = _arrive(session, actor, student_id, cls, on, text)
        uow.record(
            action="movement.transfer",
            entity="enrolment",
            entity_id=student_id,
            student_id=student_id,
            before={"class": old_class.name if old_class else None},
            after={"class": cls.name, "on": on, "note": text},
        )
        return enrolment
