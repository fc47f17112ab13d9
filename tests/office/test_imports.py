"""Import by sending the file to the bot: the dry run's counts or errors, then "Apply";
templates; progress; refusals."""

from __future__ import annotations

from typing import Any

from aiogram.methods import EditMessageText
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from handlers.admin.imports import Progress
from screens.admin.actions import ImportCb, OfficeCb
from screens.admin.imports import MAX_ERRORS_SHOWN
from services.models import Person
from tests.admin.helpers import count, csv_bytes, xlsx_bytes
from tests.factories import SchoolWorld
from tests.office.conftest import Chat, Held, open_tool

HEADER = ["Табельный номер", "Фамилия", "Имя", "Отчество", "Дата рождения", "Роли"]
STAFF = [
    HEADER,
    ["T-101", "Новикова", "Ольга", "", "", "учитель"],
    ["T-102", "Новиков", "Олег", "", "", "учитель, классный руководитель"],
]


async def _to_file_prompt(admin: Chat, kind: str = "staff") -> None:
    await open_tool(admin, "imp")
    await admin.press(ImportCb(action="kind", kind=kind))


async def test_admin_imports_staff_after_a_dry_run(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    await _to_file_prompt(admin)
    assert "CSV или XLSX" in admin.text
    await admin.upload("f-staff", "staff.csv", csv_bytes(STAFF))
    assert "Будет создано: 2" in admin.text
    # Nothing written by the dry run.
    assert await count(session, Person, Person.last_name.like("Новиков%")) == 0
    await admin.press(admin.button("Загрузить"))
    assert "загружено" in admin.text and "Создано: 2" in admin.text
    assert await count(session, Person, Person.last_name.like("Новиков%")) == 2
    # A second tap on the old "Apply" applies nothing twice.
    await admin.press(ImportCb(action="apply"))
    assert admin.alerts()[-1] == t("ru", "office.import.expired")


async def test_xlsx_file_works_too_and_reimport_is_unchanged(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    await _to_file_prompt(admin)
    await admin.upload("f-x1", "staff.xlsx", xlsx_bytes(STAFF))
    await admin.press(admin.button("Загрузить"))
    await _to_file_prompt(admin)
    await admin.upload("f-x2", "staff.xlsx", xlsx_bytes(STAFF))
    assert "без изменений: 2" in admin.text


async def test_file_with_errors_applies_nothing(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    admin: Chat = chat("admin")
    await _to_file_prompt(admin)
    bad = [HEADER] + [[f"T-{i}", "", "Имя", "", "", "учитель"] for i in range(45)]
    await admin.upload("f-bad", "staff.csv", csv_bytes(bad))
    texts = "\n".join(admin.texts())
    assert "файл не принят" in texts and "Ошибок: 45" in texts
    assert texts.count("• ") == MAX_ERRORS_SHOWN
    assert t("ru", "office.import.more_errors", count=45 - MAX_ERRORS_SHOWN) in texts
    assert all(len(x) <= 4096 for x in admin.texts())
    assert not any("Загрузить" in text for text, _ in admin.buttons())
    assert await count(session, Person, Person.external_id.like("T-%")) == 0
    # Forged "Apply" after a rejected check: nothing to apply.
    await admin.press(ImportCb(action="apply"))
    assert admin.alerts()[-1] == t("ru", "office.import.expired")
    # A corrected file can be sent at once (still waiting for a file).
    await admin.upload("f-good", "staff.csv", csv_bytes(STAFF))
    assert "Будет создано: 2" in admin.text


async def test_wrong_file_type_and_template(chat: Any, world: SchoolWorld) -> None:
    admin: Chat = chat("admin")
    await _to_file_prompt(admin, "students")
    await admin.upload("f-doc", "list.docx", b"not a table")
    assert admin.text == t("ru", "office.import.bad_type")
    await admin.press(ImportCb(action="tpl", kind="students"))
    name, data = admin.documents()[-1]
    assert name == "students.xlsx" and data.startswith(b"PK")


async def test_deputy_may_import_only_the_timetable_bells_and_plan(
    chat: Any, world: SchoolWorld
) -> None:
    deputy: Chat = chat("deputy")
    await open_tool(deputy, "imp")
    kinds = {data for _, data in deputy.buttons() if data.startswith("o_imp")}
    # The timetable, the bells and the thematic plan: the deputy's part of the school's records.
    assert kinds == {
        ImportCb(action="kind", kind="timetable").pack(),
        ImportCb(action="kind", kind="bells").pack(),
        ImportCb(action="kind", kind="plan").pack(),
    }
    await deputy.press(ImportCb(action="kind", kind="staff"))
    await deputy.press(ImportCb(action="tpl", kind="staff"))
    assert deputy.alerts() == [t("ru", "error.forbidden")] * 2
    assert not deputy.documents()


async def test_teacher_and_parent_are_refused_everything(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    for name in ("parent", "class_teacher", "director"):
        user: Chat = chat(name)
        await user.send("/admin")
        assert user.text == t("ru", "error.forbidden")
        for data in (
            OfficeCb(action="imp"),
            ImportCb(action="kind", kind="staff"),
            ImportCb(action="tpl", kind="staff"),
            ImportCb(action="apply"),
        ):
            await user.press(data)
        # No file prompt, no state: a document is just an unknown message.
        await user.upload(f"f-{name}", "staff.csv", csv_bytes(STAFF))
        assert not user.documents()
    assert await count(session, Person, Person.external_id.like("T-%")) == 0


async def status_message(chat: Any) -> tuple[Chat, Message]:
    """The admin's chat, and a message the bot sent there for a ``Progress`` to edit."""
    admin: Chat = chat("admin")
    await admin.send("/start")
    return admin, await admin.bot.send_message(admin.user_id, "…")


async def test_progress_edits_every_tenth_at_most_every_two_seconds(
    chat: Any, world: SchoolWorld
) -> None:
    admin, status = await status_message(chat)
    clock = [0.0]
    progress = Progress(status, lambda d, n: f"{d}/{n}", monotonic=lambda: clock[0])
    admin.bot.session.clear()
    for done in range(1, 101):
        clock[0] += 0.1  # 10 seconds for 100 rows
        await progress(done, 100)
    edits = admin.bot.session.requests_of(EditMessageText)
    # Every ~10% would be 9 edits; 2 seconds apart leaves at most 5.
    assert len(edits) == progress.edits and 3 <= progress.edits <= 5
    fast = Progress(status, lambda d, n: f"{d}/{n}", monotonic=lambda: clock[0])
    for done in range(1, 1001):
        clock[0] += 1.0
        await fast(done, 1000)
    assert fast.edits == 9  # 10%, 20% … 90%: never more than one a tenth


async def test_import_menu_buttons_follow_the_stated_order(chat: Any, world: SchoolWorld) -> None:
    admin: Chat = chat("admin")
    await open_tool(admin, "imp")
    kinds = [ImportCb.unpack(data).kind for _, data in admin.buttons() if data.startswith("o_imp")]
    order = ["staff", "subjects", "classes", "students", "parents", "assignments", "timetable"]
    # Then what may come at any time: subgroup membership, the bells, the thematic plan.
    assert kinds[: len(order)] == order
    assert set(kinds[len(order) :]) == {"subgroup_members", "bells", "plan"}
    # The same order as the text above the buttons states.
    stated = t("ru", "office.import.pick").lower()
    words = ["сотрудник", "предмет", "класс", "ученик|обучающ", "родител", "нагрузк", "расписани"]
    positions = [
        min(i for i in (stated.find(w) for w in alts.split("|")) if i >= 0) for alts in words
    ]
    assert positions == sorted(positions)


async def test_other_users_are_answered_while_a_file_is_parsed(
    chat: Any, world: SchoolWorld, monkeypatch: Any
) -> None:
    """The parser waits until the parent's /help has been answered: that can only happen if
    the file is parsed off the event loop (on the loop, the wait would time out)."""
    from services.imports import reader

    held_read = Held(reader.read)
    monkeypatch.setattr(reader, "read", held_read)
    admin: Chat = chat("admin")
    parent: Chat = chat("parent")
    await _to_file_prompt(admin)
    upload = admin.upload("f-held", "staff.csv", csv_bytes(STAFF))
    answered = await held_read.answered_meanwhile(upload, parent)
    assert held_read.waited == [True]
    assert answered
    assert "Будет создано: 2" in admin.text


async def test_progress_tells_when_the_file_is_read_and_rows_checked(
    chat: Any, world: SchoolWorld
) -> None:
    admin, status = await status_message(chat)
    clock = [0.0]
    progress = Progress(
        status,
        lambda d, n: f"written {d}/{n}",
        render_stage=lambda name, d, n: f"{name} {d}/{n}",
        monotonic=lambda: clock[0],
    )
    admin.bot.session.clear()
    clock[0] += 3.0  # reading took three seconds
    await progress.stage("read", 1000, 1000)
    for done in range(200, 1000, 200):
        clock[0] += 3.0
        await progress.stage("check", done, 1000)
    clock[0] += 3.0
    await progress(500, 1000)
    texts = [str(r.text) for r in admin.bot.session.requests_of(EditMessageText)]
    assert texts == [
        "read 1000/1000",
        "check 200/1000",
        "check 400/1000",
        "check 600/1000",
        "check 800/1000",
        "written 500/1000",
    ]
