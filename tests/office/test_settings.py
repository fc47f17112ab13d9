"""The school's settings in the office: the admin switches the minimal personal data mode of
alerts and sees its state; the change is audited; nobody else may switch it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from i18n import translator
from screens.admin.actions import OfficeCb, SettingsCb
from screens.admin.message_settings import MsgSetCb
from screens.admin.settings import settings_screen
from screens.admin.warning_steps import WarnStepsCb
from screens.admin.weights import WeightsCb
from services.errors import AccessDenied
from services.models import AuditEntry, School
from services.school import settings
from services.school.settings import MINIMAL_ALERTS, AlertSettings
from tests.factories import NOW, SchoolWorld
from tests.office.conftest import Chat, open_tool


async def _flag(session: AsyncSession, world: SchoolWorld) -> bool:
    value = await session.scalar(select(School.minimal_alerts).where(School.id == world.school.id))
    return bool(value)


async def _entries(session: AsyncSession) -> list[AuditEntry]:
    found = await session.scalars(select(AuditEntry).where(AuditEntry.action == MINIMAL_ALERTS))
    return list(found)


async def test_only_the_admin_has_the_settings_in_the_menu(chat: Any, world: SchoolWorld) -> None:
    admin: Chat = chat("admin")
    await admin.send("/admin")
    assert OfficeCb(action="set").pack() in {data for _, data in admin.buttons()}
    deputy: Chat = chat("deputy")
    await deputy.send("/admin")
    assert OfficeCb(action="set").pack() not in {data for _, data in deputy.buttons()}


async def test_the_admin_switches_the_mode_and_sees_its_state(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    text = await open_tool(admin, "set")
    assert t("ru", "office.settings.minimal_off") in text
    assert admin.button("Включить") == SettingsCb(minimal="on").pack()

    await admin.press(SettingsCb(minimal="on"))
    assert t("ru", "office.settings.minimal_on") in admin.text
    assert t("ru", "office.settings.saved") in admin.text
    assert admin.button("Выключить") == SettingsCb(minimal="off").pack()
    assert await _flag(session, world) is True
    [entry] = await _entries(session)
    assert entry.before == {"minimal_alerts": False} and entry.after == {"minimal_alerts": True}
    assert entry.school_id == world.school.id and entry.entity_id == str(world.school.id)
    assert entry.actor_account_id == world.actors["admin"].account_id

    await admin.press(SettingsCb(minimal="off"))
    assert t("ru", "office.settings.minimal_off") in admin.text
    assert await _flag(session, world) is False
    assert len(await _entries(session)) == 2


async def test_the_state_is_shown_in_english(chat: Any, world: SchoolWorld) -> None:
    admin: Chat = chat("admin", "en")
    text = await open_tool(admin, "set")
    assert "Minimal personal data in alerts: <b>off</b>." in text


@pytest.mark.parametrize("who", ["deputy", "director", "teacher", "class_teacher", "parent"])
async def test_nobody_else_may_switch_it(
    chat: Any, world: SchoolWorld, session: AsyncSession, who: str
) -> None:
    user: Chat = chat(who)
    await user.press(SettingsCb(minimal="on"))
    await user.press(OfficeCb(action="set"))
    assert user.alerts() == [t("ru", "error.forbidden")] * 2
    assert await _flag(session, world) is False
    assert await _entries(session) == []


async def test_a_forged_value_is_refused(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    await admin.press("o_set:yes")
    assert admin.alerts() == [t("ru", "error.forbidden")]
    assert await _flag(session, world) is False


async def test_the_use_case_checks_the_role_and_records_only_a_change(
    session: AsyncSession, world: SchoolWorld
) -> None:
    admin = world.actors["admin"]
    with pytest.raises(AccessDenied):
        await settings.set_minimal_alerts(session, world.actors["deputy"], True, now=NOW)
    with pytest.raises(AccessDenied):
        await settings.alert_settings(session, world.actors["director"])
    assert await settings.alert_settings(session, admin) == AlertSettings(minimal_alerts=False)
    assert await settings.set_minimal_alerts(session, admin, False, now=NOW) == AlertSettings(False)
    assert await _entries(session) == []
    await settings.set_minimal_alerts(session, admin, True, now=NOW)
    await settings.set_minimal_alerts(session, admin, True, now=NOW)
    assert await settings.alert_settings(session, admin) == AlertSettings(minimal_alerts=True)
    assert len(await _entries(session)) == 1


def test_the_screen_says_the_state_and_offers_the_other_one() -> None:
    tr = translator("ru")
    off = settings_screen(tr, AlertSettings(minimal_alerts=False))
    assert tr("office.settings.minimal_off") in off.texts[0]
    assert tr("office.settings.saved") not in off.texts[0]
    assert [b.action for b in off.buttons] == [
        SettingsCb(minimal="on"),
        WeightsCb(),
        WarnStepsCb(),
        MsgSetCb(),
        OfficeCb(action="home"),
    ]
    on = settings_screen(tr, AlertSettings(minimal_alerts=True), saved=True)
    assert tr("office.settings.minimal_on") in on.texts[0]
    assert tr("office.settings.saved") in on.texts[0]
    assert on.buttons[0].action == SettingsCb(minimal="off")
    assert all(len(b.action.pack().encode()) <= 64 for b in on.buttons if b.action)
