"""/reports through the Dispatcher: the menu of what the actor may build, parameters by
buttons from the school's data, the file as a document; refusals and forged buttons."""

from __future__ import annotations

from typing import Any

from aiogram.methods import SendChatAction, SendDocument
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from screens.admin.actions import ReportCb
from screens.admin.reports import KINDS
from tests.factories import SchoolWorld
from tests.office.conftest import Chat, Held


def k(kind: str) -> int:
    return KINDS.index(kind)


async def test_admin_builds_attendance_month_as_pdf(chat: Any, world: SchoolWorld) -> None:
    admin: Chat = chat("admin")
    await admin.send("/reports")
    assert admin.text == t("ru", "office.reports.pick")
    titles = [text for text, _ in admin.buttons()]
    assert len(titles) == len(KINDS)
    await admin.press(ReportCb(k=k("attendance_month")))
    # Every class of the year, by buttons.
    assert {"7А", "8Б", "1А"} <= {text for text, _ in admin.buttons()}
    await admin.press_text("7А")
    assert "месяц" in admin.text
    await admin.press_text("11.2026")
    await admin.press_text("PDF")
    docs = admin.documents()
    assert len(docs) == 1
    name, data = docs[0]
    assert data.startswith(b"%PDF") and name.endswith(".pdf")
    requests = admin.bot.session.requests
    action = next(i for i, r in enumerate(requests) if isinstance(r, SendChatAction))
    sent = next(i for i, r in enumerate(requests) if isinstance(r, SendDocument))
    assert action < sent
    assert requests[action].action == "upload_document"  # type: ignore[attr-defined]


async def test_class_teacher_gets_their_class_only_as_xlsx(chat: Any, world: SchoolWorld) -> None:
    ct: Chat = chat("class_teacher")
    await ct.send("/reports")
    kinds = {data for _, data in ct.buttons()}
    assert ReportCb(k=k("activity")).pack() not in kinds
    await ct.press(ReportCb(k=k("class_results")))
    # One class: taken without asking; the periods of its year are offered.
    assert {text for text, _ in ct.buttons()} >= {"1 четверть", "2 четверть"}
    await ct.press_text("2 четверть")
    await ct.press_text("XLSX")
    (name, data), *_ = ct.documents()
    assert data.startswith(b"PK") and name.endswith(".xlsx")


async def test_teacher_journal_pages_offers_only_their_subjects(
    chat: Any, world: SchoolWorld
) -> None:
    teacher = Chat(chat("admin").dp, chat("admin").bot, 303)
    await teacher.send("/reports")
    assert [data for _, data in teacher.buttons()] == [ReportCb(k=k("journal_pages")).pack()]
    await teacher.press(ReportCb(k=k("journal_pages")))
    assert {text for text, _ in teacher.buttons() if "⬅" not in text} == {"7А", "8Б"}
    await teacher.press_text("7А")
    # Maths is the teacher's only subject in 7А: picked without asking; then the period.
    assert "период" in teacher.text
    await teacher.press_text("2 четверть")
    await teacher.press_text("PDF")
    assert teacher.documents()[0][1].startswith(b"%PDF")


async def test_parent_is_refused(chat: Any, world: SchoolWorld) -> None:
    parent: Chat = chat("parent")
    await parent.send("/reports")
    assert parent.text == t("ru", "error.forbidden")
    await parent.press(ReportCb(k=k("attendance_month"), cls=world.cls.id, mon=202611, fmt="pdf"))
    assert parent.alerts() == [t("ru", "error.forbidden")]
    assert not parent.documents()


async def test_forged_report_buttons_are_refused(
    chat: Any, world: SchoolWorld, other: SchoolWorld
) -> None:
    ct: Chat = chat("class_teacher")
    # Another class of the same school.
    await ct.press(ReportCb(k=k("attendance_month"), cls=world.other_cls.id, mon=202611, fmt="pdf"))
    # A report the class teacher may not build at all.
    await ct.press(ReportCb(k=k("activity"), mon=202611, fmt="pdf"))
    admin: Chat = chat("admin")
    # Another school's class and period.
    await admin.press(ReportCb(k=k("class_results"), cls=other.cls.id, per=other.q2.id, fmt="pdf"))
    await admin.press(ReportCb(k=k("class_results"), cls=world.cls.id, per=other.q2.id, fmt="pdf"))
    # Nonsense.
    await admin.press(ReportCb(k=99, fmt="pdf"))
    assert not ct.documents() and not admin.documents()
    # (alerts of both chats, in order)
    assert admin.alerts() == [t("ru", "error.forbidden")] * 4 + [t("ru", "error.invalid")]


async def test_other_users_are_answered_while_a_report_is_laid_out(
    chat: Any, world: SchoolWorld, monkeypatch: Any
) -> None:
    """The XLSX renderer waits until the parent's /help has been answered: only possible when
    the file is laid out off the event loop."""
    from services.reports import registry

    held_render = Held(registry.render_xlsx)
    monkeypatch.setattr(registry, "render_xlsx", held_render)
    ct: Chat = chat("class_teacher")
    parent: Chat = chat("parent")
    await ct.send("/reports")
    await ct.press(ReportCb(k=k("class_results")))
    await ct.press_text("2 четверть")
    answered = await held_render.answered_meanwhile(ct.press_text("XLSX"), parent)
    assert held_render.waited == [True] and answered
    (name, data), *_ = ct.documents()
    assert data.startswith(b"PK") and name.endswith(".xlsx")


async def test_the_observer_reads_the_schools_reports_and_changes_nothing(
    chat: Any, world: SchoolWorld, session: AsyncSession
) -> None:
    from handlers.common.commands import command_specs_for
    from screens.admin.actions import OfficeCb
    from screens.admin.periods import PeriodCb
    from services.enums import Role
    from tests.factories import actor, person, telegram_binding

    inspector = await person(session, world.school, "Смотров", "Олег", Role.OBSERVER)
    account_id = (await actor(session, inspector)).account_id
    session.add(telegram_binding(world.school.id, account_id, 399))
    await session.commit()
    assert "reports" in {spec.name for spec in command_specs_for([Role.OBSERVER])}
    observer = Chat(chat("admin").dp, chat("admin").bot, 399)
    await observer.send("/reports")
    # Every report of the school, as the office has them.
    assert observer.text == t("ru", "office.reports.pick")
    assert [data for _, data in observer.buttons()] == [
        ReportCb(k=i).pack() for i in range(len(KINDS))
    ]
    # Any class of the school, and the whole school where a report may be school-wide.
    await observer.press(ReportCb(k=k("class_results")))
    assert {"7А", "8Б", "1А"} <= {text for text, _ in observer.buttons()}
    await observer.press_text("8Б")
    await observer.press_text("2 четверть")
    await observer.press_text("XLSX")
    (name, data), *_ = observer.documents()
    assert data.startswith(b"PK") and name.endswith(".xlsx")
    await observer.press(ReportCb(k=k("movement")))
    assert t("ru", "office.reports.whole_school") in [text for text, _ in observer.buttons()]
    # A student of any class for the weekly family report.
    await observer.press(ReportCb(k=k("family_weekly")))
    await observer.press_text("7А")
    assert world.students[0].last_name in observer.text + str(observer.buttons())
    # The office's tools stay closed: /admin and /periods, and their forged buttons.
    for command in ("/admin", "/periods"):
        await observer.send(command)
        assert observer.text == t("ru", "error.forbidden")
    await observer.press(OfficeCb(action="sub"))
    await observer.press(PeriodCb(action="council_off"))
    assert observer.alerts() == [t("ru", "error.forbidden")] * 2
