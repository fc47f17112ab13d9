"""The school year over HTTP: the real bot process against each messenger's local Bot API
server, on the demo school. The admin opens the next year from /admin with the region's
trimesters: the dry run first (nothing kept), then the confirmation."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from screens.admin.actions import OfficeCb
from services.enums import PeriodKind
from services.models import SchoolYear, StudyPeriod
from tests.e2e.conftest import Front, demo_credentials, invite_token, start_bot, wait_front

pytestmark = pytest.mark.e2e

WAIT = 20.0
USER = 8311


def button(message: Any, text: str) -> str:
    for b in message.buttons:
        if text in str(b.get("text", "")):
            return str(b["callback_data"])
    raise AssertionError(f"no button {text!r} in {message.buttons}")


async def _years(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list(await conn.scalars(select(SchoolYear.name).order_by(SchoolYear.starts_on)))


@pytest.mark.demo_school
async def test_admin_opens_the_next_year(
    front: Front, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = front.env(db_url)
    admin = next(c for c in await demo_credentials(env) if c["role"] == "admin")
    years = await _years(engine)
    bot = await start_bot(env, tmp_path)
    try:
        await wait_front(front, bot)
        user = front.user(USER, first_name="Админ")
        await user.start(invite_token(admin))
        await user.wait(lambda m: admin["name"].split()[1] in m.content, timeout=WAIT)

        await asyncio.sleep(1.05)  # one message a second per chat, as Telegram
        await user.command("/admin")
        menu = await user.wait(
            lambda m: OfficeCb(action="year").pack() in [b["callback_data"] for b in m.buttons],
            timeout=WAIT,
        )
        await user.press(menu, OfficeCb(action="year").pack())
        listed = await user.wait(lambda m: "Учебные годы школы" in m.content, timeout=WAIT)
        assert "идёт" in listed.content
        await user.press(listed, button(listed, "Открыть"))
        calendars = await user.wait(lambda m: "Выберите календарь" in m.content, timeout=WAIT)
        await user.press(calendars, button(calendars, "Триместры"))
        plan = await user.wait(lambda m: "Пока ничего не изменено" in m.content, timeout=WAIT)
        assert "• 3 триместр:" in plan.content
        assert await _years(engine) == years  # the dry run kept nothing
        await user.press(plan, button(plan, "Открыть год"))
        await user.wait(lambda m: "✅ Учебный год" in m.content, timeout=WAIT)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    after = await _years(engine)
    assert len(after) == len(years) + 1
    async with engine.connect() as conn:
        kinds = list(
            await conn.scalars(
                select(StudyPeriod.kind)
                .join(SchoolYear, SchoolYear.id == StudyPeriod.year_id)
                .where(SchoolYear.name == after[-1])
            )
        )
    assert kinds == [PeriodKind.TRIMESTER] * 3
