"""Fixtures of the people's tests (movement, trusted persons): the factories' school."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import SchoolWorld, build_school


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    return await build_school(session)
