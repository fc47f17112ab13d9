"""Trusted persons and student movement over HTTP: the real bot process against each
messenger's local Bot API server, on the demo school.

A parent names a nanny for the chosen child with homework only, the nanny signs in by the link
and is refused the marks; the parent revokes her and her chat is told at once. The admin records
a student's departure under an order from the student's card; the student's signed-in chat is
told and the bot no longer knows them."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Front, demo_credentials, invite_token, start_bot, wait_front
from tests.e2e.test_family_flows import ask, press_button, sign_in

pytestmark = pytest.mark.e2e

WAIT = 20.0


@pytest.mark.demo_school
async def test_a_parent_names_and_revokes_a_nanny(
    front: Front, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = front.env(db_url)
    creds = await demo_credentials(env)
    parent_cred = next(c for c in creds if c["role"] == "parent")
    bot = await start_bot(env, tmp_path)
    try:
        await wait_front(front, bot)
        parent = await sign_in(front, 8401, parent_cred)
        listing = await ask(front, parent, "/trusted", lambda m: "Доверенные лица" in m.content)
        prompt = await press_button(
            front, parent, listing, "➕", lambda m: "фамилию и имя" in m.content
        )
        assert prompt.message_id == listing.message_id
        await parent.send("Нянина Ольга")
        choice = await parent.wait(lambda m: "Что будет видеть" in m.content, timeout=WAIT)
        ticked = await press_button(
            front, parent, choice, "⬜ домашнее", lambda m: any("✅ Создать" in b["text"]
                                                               for b in m.buttons)
        )  # fmt: skip
        issued = await press_button(
            front, parent, ticked, "✅ Создать", lambda m: "start=" in m.content
        )
        token = issued.content.split("start=")[1].split()[0]

        nanny = front.user(8402, first_name="Ольга")
        await nanny.start(token)
        await nanny.wait(lambda m: "Ольга" in m.content, timeout=WAIT)
        marks = await ask(front, nanny, "/marks", lambda m: "недоступен" in m.content)
        assert "отметки" in marks.content

        listing = await ask(front, parent, "/trusted", lambda m: "Нянина Ольга" in m.content)
        card = await press_button(
            front, parent, listing, "Нянина Ольга", lambda m: "Видит:" in m.content
        )
        sure = await press_button(front, parent, card, "🚫", lambda m: "Отозвать" in m.content)
        await press_button(front, parent, sure, "Да", lambda m: "отозван" in m.content)
        told = await nanny.wait(lambda m: "завершила ваш вход" in m.content, timeout=WAIT)
        assert told is not None
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()


@pytest.mark.demo_school
async def test_the_office_records_a_departure(
    front: Front, db_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = front.env(db_url)
    creds = await demo_credentials(env)
    admin_cred = next(c for c in creds if c["role"] == "admin")
    student_cred = next(c for c in creds if c["role"] == "student")
    surname = student_cred["name"].split()[0]
    bot = await start_bot(env, tmp_path)
    try:
        await wait_front(front, bot)
        student = await sign_in(front, 8411, student_cred)
        admin = front.user(8410, first_name="Админ")
        await admin.start(invite_token(admin_cred))
        await admin.wait(lambda m: admin_cred["name"].split()[1] in m.content, timeout=WAIT)
        menu = await ask(front, admin, "/admin", lambda m: len(m.buttons) >= 3)
        await press_button(front, admin, menu, "👤 Найти", lambda m: "фамили" in m.content.lower())
        if not front.is_max:
            await asyncio.sleep(1.05)
        await admin.send(surname)
        found = await admin.wait(lambda m: surname in str(m.buttons), timeout=WAIT)
        full = " ".join(student_cred["name"].split()[:2])
        pick = next(b for b in found.buttons if full in b["text"])  # "✅ Фамилия Имя Отчество"
        await admin.press(found, pick["callback_data"])
        card = await admin.wait(lambda m: "🚚" in str(m.buttons), timeout=WAIT)
        moves = await press_button(front, admin, card, "🚚", lambda m: "Класс:" in m.content)
        await press_button(front, admin, moves, "🚪", lambda m: "приказа" in m.content)
        await admin.send("03.12.2026; № 45-у; переезд")
        await admin.wait(lambda m: "по приказу № 45-у записано" in m.content, timeout=WAIT)
        await student.wait(lambda m: "завершила ваш вход" in m.content, timeout=WAIT)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
