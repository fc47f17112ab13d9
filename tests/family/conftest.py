"""Handler tests of the family views: the real Dispatcher with a recording bot session over
the factories' school (tests/factories.py) with a recorded week (tests/family/helpers.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiogram import Dispatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.models import Account
from tests.factories import NOW, SchoolWorld, build_school, telegram_binding
from tests.family.helpers import fill_record
from tests.handlers.conftest import dp  # noqa: F401  (fixtures)

# Telegram user ids of the people of the world.
PARENT2 = 7001  # Петров Сергей: Петрова Анна (7А) and Чужой Кирилл (8Б)
PARENT = 7002  # Иванова Елена: Иванов Пётр (7А)
TRUSTED = 7003  # Бабушкина Вера: Иванов Пётр, marks only
STUDENT = 7004  # Иванов Пётр himself
TEACHER = 7005  # Учителев Иван
ANNA = 7006  # Петрова Анна herself
CLASS_TEACHER = 7007  # Классная Мария: 7А, English to group 1


@dataclass
class Family:
    world: SchoolWorld
    session_factory: async_sessionmaker[AsyncSession]


@pytest.fixture
async def family_world(
    session_factory: async_sessionmaker[AsyncSession],
    dp: Dispatcher,  # noqa: F811
) -> Family:
    async with session_factory() as s:
        world = await build_school(s)
        await fill_record(s, world)
        anna_account = await s.scalar(
            select(Account.id).where(Account.person_id == world.students[1].id)
        )
        accounts = {
            PARENT2: world.actors["parent2"].account_id,
            PARENT: world.actors["parent"].account_id,
            TRUSTED: world.actors["trusted"].account_id,
            STUDENT: world.actors["student"].account_id,
            TEACHER: world.actors["teacher"].account_id,
            ANNA: anna_account,
            CLASS_TEACHER: world.actors["class_teacher"].account_id,
        }
        for user_id, account_id in accounts.items():
            assert account_id is not None
            s.add(telegram_binding(world.school.id, account_id, user_id))
        await s.commit()
    dp["family_clock"] = lambda: NOW
    return Family(world, session_factory)
