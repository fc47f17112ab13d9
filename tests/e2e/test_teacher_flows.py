"""The teacher's journal end to end: the unchanged bot process against each messenger's local Bot
API server, on data built in the e2e database before the bot starts (today in the school's time
zone).

Every message sent and every button pressed is counted, and the bounds of the issue asserted:
three absent of 25 in at most five interactions after opening the lesson; five marks from one
typed message with a preview and a confirmation; a correction whose reason reaches the audit log;
the 1st-grade refusal; a locked lesson refused, then unlocked by a deputy.
"""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import t
from services.enums import AttendanceCode, Role, WorkKind
from services.models import Attendance, AuditEntry, Mark, SchoolClass
from tests.e2e.conftest import BotProcess, Chat, Front, start_bot
from tests.e2e.school import base_school
from tests.factories import person

pytestmark = pytest.mark.e2e

TEACHER, FIRST_TEACHER, DEPUTY = 7001, 7002, 7003
SURNAMES = [
    "Абрамов", "Белова", "Васильев", "Горелова", "Дмитриев", "Егорова", "Жуков", "Зайцева",
    "Ильин", "Козлова", "Лебедев", "Морозова", "Новиков", "Орлова", "Павлов", "Романова",
    "Соколов", "Тихонова", "Ульянов", "Фролова", "Харитонов", "Цветкова", "Чернов", "Шилова",
    "Яковлев",
]  # fmt: skip


@dataclass
class Data:
    lesson: int  # 7А maths today, 25 students
    old: int  # 7А maths 20 days ago: past the edit window
    first: int  # 1А today
    old_day: dt.date
    students: dict[str, int] = field(default_factory=dict)


async def build(factory: async_sessionmaker[AsyncSession], front: Front) -> Data:
    """The school, its 7А and 1А, today's lessons; the teachers and the deputy signed in to
    ``front``'s messenger."""
    async with factory() as s:
        e2e = await base_school(s, bells=7)
        school, cls, today = e2e.school, e2e.cls, e2e.today
        teacher = await person(s, school, "Учителева", "Ирина", Role.TEACHER)
        first_teacher = await person(
            s, school, "Начальная", "Нина", Role.TEACHER, Role.CLASS_TEACHER
        )
        deputy = await person(s, school, "Завучева", "Зоя", Role.DEPUTY)
        first = SchoolClass(
            school_id=school.id,
            year_id=e2e.year.id,
            grade=1,
            letter="А",
            name="1А",
            class_teacher_id=first_teacher.id,
        )
        s.add(first)
        await s.flush()
        students = {}
        for last in SURNAMES:
            p = await person(s, school, last, "Ученик", Role.STUDENT)
            students[last] = p.id
            e2e.enrol(p, cls)
        kid = await person(s, school, "Малышев", "Миша", Role.STUDENT)
        e2e.enrol(kid, first)
        e2e.assign(teacher, cls)
        e2e.assign(first_teacher, first)
        today_lesson = e2e.lesson(cls, teacher, today, 2)
        old_lesson = e2e.lesson(cls, teacher, today - dt.timedelta(days=20), 2)
        first_lesson = e2e.lesson(first, first_teacher, today, 1)
        await s.flush()
        await e2e.sign_in(
            front, ((teacher, TEACHER), (first_teacher, FIRST_TEACHER), (deputy, DEPUTY))
        )
        await s.commit()
        return Data(today_lesson.id, old_lesson.id, first_lesson.id, old_lesson.date, students)


class Person_:
    """A user of the messenger's local Bot API server, counting what they do."""

    def __init__(self, front: Front, user_id: int) -> None:
        self.front = front
        self.user: Chat = front.user(user_id, first_name="Учитель")
        self.id = user_id
        self.interactions = 0
        self.message: Any | None = None

    async def wait(
        self,
        predicate: Callable[[Any], bool],
        timeout: float = 30,  # noqa: ASYNC109
    ) -> Any:
        self.message = await self.front.wait_for(self.id, predicate, timeout=timeout)
        return self.message

    async def command(self, text: str, args: str | None = None) -> None:
        self.interactions += 1
        await self.user.command(text, args)

    async def send(self, text: str) -> None:
        self.interactions += 1
        await self.user.send(text)

    async def press(self, contains: str) -> str:
        """Press the button whose label contains ``contains`` on the latest message."""
        assert self.message is not None
        labels = [b for b in self.message.buttons if "callback_data" in b]
        match = [b for b in labels if contains in b["text"]]
        assert match, f"no button {contains!r} in {[b['text'] for b in labels]}"
        self.interactions += 1
        return await self.user.press(self.message, match[0]["callback_data"])

    async def alert(self, query_id: str) -> str:
        return (await self.front.answer(query_id)).text


def has(*parts: str) -> Callable[[Any], bool]:
    return lambda m: all(p in m.content for p in parts)


async def test_teacher_flows_end_to_end(
    front: Front,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    data = await build(session_factory, front)
    bot = await start_bot(front.env(db_url), tmp_path)
    try:
        # No wait for the first long poll to end: the first command waits for the bot instead.
        await _attendance(front, data, session_factory, bot)
        await _quick_marks_and_correction(front, data, session_factory)
        await _first_grade(front, data)
        await _locked_and_unlocked(front, data, session_factory)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.log()
    assert '"outcome": "error"' not in bot.log().replace("'", '"'), bot.log()


async def _open_lesson(me: Person_, label: str, first_wait: float = 15) -> None:
    await me.command("/today")
    await me.wait(has("Мои уроки"), timeout=first_wait)
    await me.press(label)
    await me.wait(has("Математика", "Посещаемость"))


async def _attendance(
    server: Front, data: Data, factory: async_sessionmaker[AsyncSession], bot: BotProcess
) -> None:
    me = Person_(server, TEACHER)
    try:
        await _open_lesson(me, "2. 7А", first_wait=90)  # the bot process is starting
    except TimeoutError as exc:
        raise AssertionError(f"the bot did not answer:\n{bot.log()}") from exc
    me.interactions = 0
    await me.press(t("ru", "teacher.btn.attendance"))
    await me.wait(has("Нажимайте на ученика"))

    def marked_absent(surname: str) -> Callable[[Any], bool]:
        return lambda m: any(surname in b["text"] and "❌" in b["text"] for b in m.buttons)

    for surname in ("Белова", "Жуков", "Соколов"):
        await me.press(surname)
        await me.wait(marked_absent(surname))
    await me.press(t("ru", "teacher.att.save"))
    await me.wait(has("Посещаемость сохранена"))
    assert me.interactions <= 5, me.interactions
    async with factory() as s:
        rows = (
            await s.execute(
                select(Attendance.student_id, Attendance.code).where(
                    Attendance.lesson_id == data.lesson
                )
            )
        ).all()
    assert sorted(rows) == sorted(
        (data.students[x], AttendanceCode.ABSENT) for x in ("Белова", "Жуков", "Соколов")
    )


async def _quick_marks_and_correction(
    server: Front, data: Data, factory: async_sessionmaker[AsyncSession]
) -> None:
    me = Person_(server, TEACHER)
    await _open_lesson(me, "2. 7А")
    me.interactions = 0
    await me.press(t("ru", "teacher.btn.quick"))
    await me.wait(has("одним сообщением"))
    await me.send("Абрамов 5, Васил 4 кр, Горелва 3, Дмитриев 5 дз, Егорова 4")
    preview = await me.wait(has("Проверьте"))
    assert "Горелова" in preview.content and "опечатка" in preview.content
    await me.press("Сохранить (5)")
    await me.wait(has("Сохранено: отметок 5"))
    assert me.interactions == 3, me.interactions  # open ✍️, one message, confirm
    async with factory() as s:
        marks = {
            sid: (value, kind)
            for sid, value, kind in (
                await s.execute(select(Mark.student_id, Mark.value, Mark.work_kind))
            ).all()
        }
    st = data.students
    assert marks == {
        st["Абрамов"]: (5, WorkKind.ANSWER),
        st["Васильев"]: (4, WorkKind.CONTROL),
        st["Горелова"]: (3, WorkKind.ANSWER),
        st["Дмитриев"]: (5, WorkKind.HOMEWORK),
        st["Егорова"]: (4, WorkKind.ANSWER),
    }

    # A correction by taps, with its reason typed: it reaches the audit log.
    me.interactions = 0
    await me.press(t("ru", "teacher.btn.marks"))
    await me.wait(has("Выберите вид работы"))
    await me.press(t("ru", "teacher.kind.answer"))
    await me.wait(has("Выберите ученика"))
    await me.press("Горелова")
    await me.wait(has("Горелова", "Выберите отметку"))
    await me.press("✏️ 3")
    await me.wait(has("На какую исправить"))
    await me.press("→ 4")
    await me.wait(has("Укажите причину"))
    await me.send("Работа проверена повторно")
    await me.wait(has("исправлена на 4"))
    assert me.interactions <= 7, me.interactions
    async with factory() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "mark.change"))
    assert entry is not None and entry.reason == "Работа проверена повторно"
    assert entry.before is not None and entry.before["value"] == 3
    assert entry.after is not None and entry.after["value"] == 4


async def _first_grade(server: Front, data: Data) -> None:
    me = Person_(server, FIRST_TEACHER)
    await _open_lesson(me, "1. 1А")
    assert t("ru", "teacher.card.first_grade") in (me.message.content if me.message else "")
    query = await me.press(t("ru", "teacher.btn.marks"))
    assert await me.alert(query) == t("ru", "journal.first_grade_no_marks")
    query = await me.press(t("ru", "teacher.btn.homework"))
    assert await me.alert(query) == t("ru", "journal.first_grade_no_homework")


async def _locked_and_unlocked(
    server: Front, data: Data, factory: async_sessionmaker[AsyncSession]
) -> None:
    me = Person_(server, TEACHER)
    await me.command("/today", f"{data.old_day:%d.%m}")  # the day of the old lesson
    await me.wait(has("Мои уроки", f"{data.old_day:%d.%m}"))
    await me.press("2. 7А")
    card = await me.wait(has("🔒"))
    assert "заместитель директора" in card.content
    query = await me.press(t("ru", "teacher.btn.attendance"))
    assert "закрыт для изменений" in await me.alert(query)

    dep = Person_(server, DEPUTY)
    await dep.command("/today", f"Учителева {data.old_day:%d.%m.%Y}")
    await dep.wait(has("Учителева И.", f"{data.old_day:%d.%m}"))
    await dep.press("2. 7А")
    await dep.wait(has("🔒"))
    await dep.press(t("ru", "teacher.btn.unlock"))
    await dep.wait(has("Укажите причину"))
    await dep.press(t("ru", "teacher.unlock.reason_outage"))
    await dep.wait(has("Урок открыт для исправлений"))

    await me.press(t("ru", "teacher.btn.day"))
    await me.wait(has("Мои уроки"))
    await me.press("2. 7А")
    await me.wait(has("🔓"))
    await me.press(t("ru", "teacher.btn.attendance"))
    await me.wait(has("Нажимайте на ученика"))
    await me.press("Ильин")
    await me.wait(lambda m: any("Ильин" in b["text"] and "❌" in b["text"] for b in m.buttons))
    await me.press(t("ru", "teacher.att.save"))
    await me.wait(has("Посещаемость сохранена"))
    async with factory() as s:
        code = await s.scalar(
            select(Attendance.code).where(
                Attendance.lesson_id == data.old, Attendance.student_id == data.students["Ильин"]
            )
        )
        unlock = await s.scalar(select(AuditEntry).where(AuditEntry.action == "lesson.unlock"))
    assert code == AttendanceCode.ABSENT
    assert unlock is not None and unlock.reason == t("ru", "teacher.unlock.reason_outage")
