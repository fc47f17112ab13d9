"""What one update reads: the chat's chosen role and child come with the identity, a school's
holidays are read once per session, and neither outlives a change (counted statements, no
timing)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.enums import HolidayKind, Messenger
from services.models import Holiday, MessengerBinding, School
from services.people import context
from services.people.identity import Actor, resolve_actor
from services.school.calendar import load_calendar
from tests.family.conftest import PARENT, PARENT2, TEACHER, Family, family_world  # noqa: F401
from tests.handlers.conftest import dp  # noqa: F401
from tests.handlers.test_identity_once import diary_statements, statements  # noqa: F401

HOLIDAYS = "FROM holidays"


async def test_diary_reads_the_holidays_once(
    diary_statements: list[str],  # noqa: F811
) -> None:
    sql = diary_statements
    assert len([s for s in sql if HOLIDAYS in s]) == 1  # the diary's and its "◀ ▶"'s


async def test_context_comes_with_the_identity_and_follows_a_change(
    engine: AsyncEngine,
    family_world: Family,  # noqa: F811
) -> None:
    async with family_world.session_factory() as session:
        with statements(engine) as sql:
            actor = await resolve_actor(session, Messenger.TELEGRAM, str(PARENT2))
            assert isinstance(actor, Actor)
            first = await context.chat_context(session, actor)
        assert len([s for s in sql if "messenger_bindings" in s]) == 1  # the identity's
        assert len(first.students) == 2
        other = next(s for s in first.students if s != first.student)
        await context.set_student(session, actor, other.id)
        assert (await context.chat_context(session, actor)).student == other
        # A new update (a new session) reads the choice with the identity.
    async with family_world.session_factory() as session:
        actor = await resolve_actor(session, Messenger.TELEGRAM, str(PARENT2))
        assert actor is not None
        assert (await context.chat_context(session, actor)).student == other


async def test_an_unbinding_takes_effect_at_the_next_update(
    family_world: Family,  # noqa: F811
) -> None:
    async with family_world.session_factory() as session:
        actor = await resolve_actor(session, Messenger.TELEGRAM, str(TEACHER))
        assert actor is not None
        binding = await session.scalar(
            select(MessengerBinding).where(
                MessengerBinding.account_id == actor.account_id,
                MessengerBinding.ended_at.is_(None),
            )
        )
        assert binding is not None
        binding.ended_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        await session.commit()
    async with family_world.session_factory() as session:
        assert await resolve_actor(session, Messenger.TELEGRAM, str(TEACHER)) is None


async def test_holidays_are_read_again_after_a_change(
    engine: AsyncEngine,
    family_world: Family,  # noqa: F811
) -> None:
    async with family_world.session_factory() as session:
        school = await session.get(School, family_world.world.school.id)
        assert school is not None
        with statements(engine) as sql:
            first = await load_calendar(session, school)
            again = await load_calendar(session, school)
        assert again == first and len(sql) == 1
        day = dt.date(2026, 5, 12)
        assert first.holiday_on(day) is None
        session.add(
            Holiday(
                school_id=school.id,
                year_id=family_world.world.year.id,
                starts_on=day,
                ends_on=day,
                kind=HolidayKind.DAY_OFF,
                name="Субботник",
            )
        )
        # Sessions do not autoflush: unflushed, it is not read, as before the memo.
        assert (await load_calendar(session, school)).holiday_on(day) is None
        await session.flush()
        assert (await load_calendar(session, school)).holiday_on(day) is not None
        await session.rollback()
        school = await session.get(School, family_world.world.school.id)
        assert school is not None
        assert (await load_calendar(session, school)).holiday_on(day) is None
