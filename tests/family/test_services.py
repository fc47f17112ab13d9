"""The family's read models and advance notices, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import translator
from screens.family import render
from services.attendance import attendance_views, notices
from services.enums import AttendanceCode, HolidayKind, Role
from services.errors import AccessDenied, Conflict, ValidationFailed
from services.homework import assignments
from services.marks import charts, mark_reads
from services.marks.mark_reads import Advice
from services.models import (
    AbsenceNotice,
    Attendance,
    AuditEntry,
    Holiday,
    OutboxMessage,
    School,
)
from services.people import family
from services.school import school_days
from services.timetable import diary, timetable_reads
from tests.factories import NOW, TODAY, SchoolWorld, absent_today, at, build_school, count
from tests.family.helpers import fill_record

RU = translator("ru")
EN = translator("en")


@pytest.fixture
async def world(session: AsyncSession) -> SchoolWorld:
    w = await build_school(session)
    await fill_record(session, w)
    return w


# --------------------------------------------------------------------------- pure rules


def test_fives_needed() -> None:
    school = School(threshold_3=250, threshold_4=350, threshold_5=450)
    # 4, 4, 5: 4.33 → «4»; one five gives 4.50 → «5».
    assert mark_reads.fives_needed([(4, 1), (4, 1), (5, 1)], school, 10) == Advice(5, 1)
    # Ten threes: 3.00 → «3»; four fives give 3.57 → «4» (three give 3.46).
    assert mark_reads.fives_needed([(3, 1)] * 10, school, 10) == Advice(4, 4)
    # Out of reach in the lessons left: nothing is promised.
    assert mark_reads.fives_needed([(3, 1)] * 10, school, 3) is None
    # A control work 2 (weight 3) and a 3: 2.25 → «2»; one five gives 2.80 → «3».
    assert mark_reads.fives_needed([(2, 3), (3, 1)], school, 5) == Advice(3, 1)
    assert mark_reads.fives_needed([], school, 10) is None
    assert mark_reads.fives_needed([(5, 1), (4, 1)], school, 10) is None  # already «5»
    # The school's own thresholds count: with «5» from 4.8, 4,4,5 needs more.
    strict = School(threshold_3=250, threshold_4=350, threshold_5=480)
    assert mark_reads.fives_needed([(4, 1), (4, 1), (5, 1)], strict, 10) == Advice(5, 7)


def test_plural_forms() -> None:
    assert [RU.plural("family.marks.need", n, mark=5) for n in (1, 2, 5, 11, 21)] == [
        "для «5» нужна ещё 1 пятёрка",
        "для «5» нужны ещё 2 пятёрки",
        "для «5» нужно ещё 5 пятёрок",
        "для «5» нужно ещё 11 пятёрок",
        "для «5» нужна ещё 21 пятёрка",
    ]
    assert EN.plural("family.marks.need", 1, mark=5) == "1 more 5 would make it “5”"
    assert EN.plural("family.marks.need", 2, mark=5) == "2 more 5s would make it “5”"


def test_split_keeps_days_whole_and_under_the_limit() -> None:
    blocks = [
        "\n".join([f"<b>День {n}</b>"] + ["x" * 90 + " &amp;" for _ in range(12)]) for n in range(7)
    ]
    messages = render.split_blocks(blocks)
    assert len(messages) > 1
    assert all(render.visible_length(m) <= render.MESSAGE_LIMIT for m in messages)
    assert sum(m.count("<b>") for m in messages) == 7
    # A single block longer than the limit is split between lines.
    huge = "\n".join("строка " * 20 for _ in range(60))
    parts = render.split_blocks([huge])
    assert len(parts) > 1 and all(render.visible_length(p) <= render.MESSAGE_LIMIT for p in parts)


def test_visible_length_counts_utf16_without_tags() -> None:
    assert render.visible_length("<b>&lt;ab&gt;</b>") == 4
    assert render.visible_length("📔") == 2


# --------------------------------------------------------------------------- time


async def test_today_follows_the_schools_time_zone(session: AsyncSession) -> None:
    world = await build_school(session)
    world.school.timezone = "Asia/Vladivostok"
    await session.commit()
    parent = world.actors["parent2"]
    late_utc = dt.datetime(2026, 11, 18, 23, 30, tzinfo=dt.UTC)  # 09:30 on the 19th there
    assert await family.today_for(session, parent, late_utc) == dt.date(2026, 11, 19)
    evening = dt.datetime(2026, 11, 18, 13, 30, tzinfo=dt.UTC)  # 23:30 on the 18th there
    assert await family.today_for(session, parent, evening) == dt.date(2026, 11, 18)
    # The diary's "today" and the next school day move with it.
    page = await diary.diary_page(
        session,
        parent,
        world.students[1].id,
        dt.date(2026, 11, 19),
        dt.date(2026, 11, 19),
        late_utc,
    )
    assert page.today == dt.date(2026, 11, 19)
    assert await school_days.next_school_day_for(session, parent, late_utc) == dt.date(2026, 11, 20)
    assert await school_days.next_school_day_for(session, parent, evening) == dt.date(2026, 11, 19)


async def test_next_school_day_skips_weekends_and_holidays(session: AsyncSession) -> None:
    world = await build_school(session)
    calendar = await school_days.school_calendar(session, world.actors["parent"])
    assert school_days.next_school_day(calendar, dt.date(2026, 11, 20)) == dt.date(2026, 11, 23)
    # Friday before the autumn holidays (25.10–4.11): the next school day is 5 November.
    assert school_days.next_school_day(calendar, dt.date(2026, 10, 23)) == dt.date(2026, 11, 5)
    assert school_days.previous_school_day(calendar, dt.date(2026, 11, 5)) == dt.date(2026, 10, 23)


# --------------------------------------------------------------------------- diary


async def test_diary_day_shows_the_record_escaped(
    session: AsyncSession, world: SchoolWorld
) -> None:
    page = await diary.diary_page(
        session, world.actors["parent2"], world.students[1].id, TODAY, TODAY, NOW
    )
    (text,) = render.diary_messages(RU, page, week=False)
    assert text.startswith("👤 <b>Петрова Анна</b>, 7А")
    assert "Среда, 18 ноября</b> — сегодня" in text
    assert "08:00–08:45 <b>Русский язык</b>" in text
    assert "Тема: Линейные уравнения &lt;x&gt;" in text
    assert "ДЗ: № 125, 126 &lt;i&gt;&amp;&lt;/i&gt; 📎 1" in text
    assert "<b>4</b> (работа на уроке) — <i>&lt;b&gt;молодец&lt;/b&gt;</i>" in text
    assert "<b>3</b> (контрольная, вес 3)" in text
    assert "ОП — опоздание" in text and "Н — отсутствие на уроке" in text
    assert "🔄 замена: Учителев И." in text
    assert "Работа над ошибками" not in text  # another student's personal homework
    assert page.files == [("document", f"file-{world.lesson_today.id}-0", "задание-1.pdf")]


async def test_week_across_the_holidays(session: AsyncSession, world: SchoolWorld) -> None:
    start, end = school_days.week_of(dt.date(2026, 11, 4))
    assert (start, end) == (dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    page = await diary.diary_page(
        session, world.actors["parent2"], world.students[1].id, start, end, NOW
    )
    assert [d.holiday for d in page.days[:3]] == ["Осенние каникулы"] * 3
    assert page.days[3].holiday is None and not page.days[3].weekend
    assert page.days[5].weekend and page.days[6].weekend
    (text,) = render.diary_messages(RU, page, week=True)
    assert "Дневник на неделю 2 ноября – 8 ноября" in text
    assert text.count("🏖 Осенние каникулы") == 3
    assert "Четверг, 5 ноября</b>\nУроков нет" in text
    assert "Суббота" not in text  # weekend days without lessons add nothing
    # A day off in the middle of a week reads as such.
    session.add(
        Holiday(
            school_id=world.school.id,
            year_id=world.year.id,
            kind=HolidayKind.DAY_OFF,
            name="День народного единства",
            starts_on=dt.date(2026, 11, 19),
            ends_on=dt.date(2026, 11, 19),
        )
    )
    await session.commit()
    start, end = school_days.week_of(TODAY)
    page = await diary.diary_page(
        session, world.actors["parent2"], world.students[1].id, start, end, NOW
    )
    (text,) = render.diary_messages(RU, page, week=True)
    assert "Четверг, 19 ноября</b>\n🏖 День народного единства" in text


async def test_long_week_is_split_by_day(session: AsyncSession, world: SchoolWorld) -> None:
    lesson = world.lesson_today
    from tests.family.helpers import homework

    for i in range(6):
        session.add(homework(world, lesson, f"Задача {i}: " + "решить и оформить. " * 40))
    await session.commit()
    start, end = school_days.week_of(TODAY)
    page = await diary.diary_page(
        session, world.actors["parent2"], world.students[1].id, start, end, NOW
    )
    messages = render.diary_messages(RU, page, week=True)
    assert len(messages) >= 2
    assert all(render.visible_length(m) <= 4096 for m in messages)
    assert messages[0].startswith("👤 <b>Петрова Анна</b>")


async def test_forged_child_is_refused(session: AsyncSession, world: SchoolWorld) -> None:
    with pytest.raises(AccessDenied):
        await diary.diary_page(
            session, world.actors["parent2"], world.students[0].id, TODAY, TODAY, NOW
        )
    with pytest.raises(AccessDenied):
        await mark_reads.marks_page(session, world.actors["student"], world.students[1].id)
    with pytest.raises(AccessDenied):
        await assignments.homework_page(
            session, world.actors["parent"], world.other_student.id, TODAY
        )


async def test_trusted_person_sees_only_what_the_parent_allowed(
    session: AsyncSession, world: SchoolWorld
) -> None:
    trusted, ivanov = world.actors["trusted"], world.students[0].id
    marks = await mark_reads.marks_page(session, trusted, ivanov, None, NOW)
    assert marks.available
    assert [s.subject for s in marks.subjects if s.marks] == ["Математика"]
    homework = await assignments.homework_page(session, trusted, ivanov, TODAY, NOW)
    assert not homework.available
    assert "недоступен" in render.homework_messages(RU, homework)[0]
    attendance = await attendance_views.attendance_page(session, trusted, ivanov, None, NOW)
    assert not attendance.available
    timetable = await timetable_reads.family_timetable(session, trusted, ivanov, TODAY, TODAY, NOW)
    assert not timetable.available and not timetable.days[0].slots
    page = await diary.diary_page(session, trusted, ivanov, TODAY, TODAY, NOW)
    (text,) = render.diary_messages(RU, page, week=False)
    assert "Родитель не открыл вам доступ к разделам: домашнее задание, посещаемость." in text
    assert "Работа над ошибками" not in text and "ДЗ:" not in text
    assert "<b>2</b> (ответ)" in text


# --------------------------------------------------------------------------- homework


async def test_homework_for_the_next_school_day(session: AsyncSession, world: SchoolWorld) -> None:
    parent = world.actors["parent2"]
    day = await school_days.next_school_day_for(session, parent, NOW)
    assert day == TODAY + dt.timedelta(days=1)
    page = await assignments.homework_page(session, parent, world.students[1].id, day, NOW)
    assert [(i.subject, i.text) for i in page.items] == [
        ("Математика", "№ 125, 126 <i>&</i>"),
        ("Русский язык", "Упр. 45"),
    ]
    text = "\n".join(render.homework_messages(RU, page))
    assert "Домашнее задание — <b>четверг, 19 ноября</b>" in text
    assert (
        "<b>Математика</b>: № 125, 126 &lt;i&gt;&amp;&lt;/i&gt; <i>(задано 18 ноября)</i> 📎 1"
        in text
    )
    assert len(page.files) == 1
    # Ivanov also gets his personal homework.
    mine = await assignments.homework_page(
        session, world.actors["parent"], world.students[0].id, day
    )
    assert ("Математика", "Работа над ошибками", True) in [
        (i.subject, i.text, i.individual) for i in mine.items
    ]
    # A weekend: nothing due, said so.
    sunday = await assignments.homework_page(
        session, parent, world.students[1].id, dt.date(2026, 11, 22), NOW
    )
    assert sunday.weekend and not sunday.items
    assert "Выходной" in render.homework_messages(RU, sunday)[0]


# --------------------------------------------------------------------------- marks


async def test_marks_page_with_advice_and_final_marks(
    session: AsyncSession, world: SchoolWorld
) -> None:
    page = await mark_reads.marks_page(
        session, world.actors["parent2"], world.students[1].id, None, NOW
    )
    assert page.period is not None and page.period.id == world.q2.id
    by_subject = {s.subject: s for s in page.subjects}
    maths = by_subject["Математика"]
    assert maths.average == Decimal("4.33") and maths.suggested == 4
    assert maths.advice == Advice(5, 1)  # one maths lesson is left (tomorrow)
    russian = by_subject["Русский язык"]
    assert russian.average == Decimal("3.25") and russian.suggested == 3
    assert russian.advice is None  # no Russian lessons left: nothing is promised
    english = by_subject["Английский язык"]
    assert english.period_mark is not None and english.period_mark.value == 5
    assert english.advice is None
    text = "\n".join(render.marks_messages(RU, page))
    assert "📊 Отметки — <b>2 четверть (5 ноября – 27 декабря)</b>" in text
    assert "<b>Математика</b>: 4 4 5\n    средний балл 4,33 → «4»" in text
    assert "для «5» нужна ещё 1 пятёрка" in text
    assert "<b>Русский язык</b>: <b>3</b> 4" in text
    assert "отметка за период: <b>5</b>" in text and "годовая отметка: <b>5</b>" in text
    en = "\n".join(render.marks_messages(EN, page))
    assert "average 4.33 → “4”" in en and "1 more 5 would make it “5”" in en


async def test_first_grade_marks_say_once_that_grade_1_has_no_marks(
    session: AsyncSession, world: SchoolWorld
) -> None:
    student = world.first_student.id
    page = await mark_reads.marks_page(session, world.actors["first_student"], student, None, NOW)
    assert page.first_grade and page.subjects == []
    for t in (RU, EN):
        text = "\n".join(render.marks_messages(t, page))
        assert text.count(t("family.marks.first_grade")) == 1
        assert t("family.marks.none") not in text
    # An older class is unchanged.
    other = await mark_reads.marks_page(
        session, world.actors["parent2"], world.students[1].id, None, NOW
    )
    assert not other.first_grade and other.subjects


async def test_marks_in_the_holidays_show_the_period_just_ended(
    session: AsyncSession, world: SchoolWorld
) -> None:
    page = await mark_reads.marks_page(
        session, world.actors["parent2"], world.students[1].id, None, at(dt.date(2026, 10, 28))
    )
    assert page.period is not None and page.period.id == world.q1.id
    assert all(s.advice is None for s in page.subjects)


async def test_chart_is_a_png(session: AsyncSession, world: SchoolWorld, tmp_path: Path) -> None:
    page = await mark_reads.marks_page(
        session, world.actors["parent2"], world.students[1].id, None, NOW
    )
    png = charts.marks_chart_png(
        [charts.SubjectBar(s.subject, s.average, s.suggested, len(s.marks)) for s in page.subjects]
        + [charts.SubjectBar("Изобразительное искусство", None, None, 0)],
        title="Петрова Анна — 2 четверть",
        xlabel="Средний балл (взвешенный)",
        no_marks="нет оценок",
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    (tmp_path / "chart.png").write_bytes(png)


# --------------------------------------------------------------------------- attendance


async def test_attendance_by_reason(session: AsyncSession, world: SchoolWorld) -> None:
    page = await attendance_views.attendance_page(
        session, world.actors["parent2"], world.students[1].id, None, NOW
    )
    assert page.counts[AttendanceCode.ABSENT] == 1
    assert page.counts[AttendanceCode.ILL] == 1
    assert page.counts[AttendanceCode.LATE] == 1
    assert page.missed == 2
    assert page.lessons == 5  # 9 Nov maths; today Russian, maths, English, Russian
    text = "\n".join(render.attendance_messages(RU, page))
    assert "Пропущено уроков: <b>2</b> из 5" in text
    assert "Опозданий (ОП): <b>1</b>" in text
    assert "18 ноября, 5 урок, Русский язык — Н" in text
    # The student sees the same about themself; not about a classmate.
    own = await attendance_views.attendance_page(
        session, world.actors["student"], world.students[0].id
    )
    assert own.missed == 0
    assert "Пропусков и опозданий нет" in render.attendance_messages(RU, own)[-1]


# --------------------------------------------------------------------------- timetable


async def test_family_timetable_keeps_to_the_childs_groups(
    session: AsyncSession, world: SchoolWorld
) -> None:
    world.lesson_colleague.is_cancelled = True
    await session.commit()
    anna = await timetable_reads.family_timetable(
        session, world.actors["parent2"], world.students[1].id, TODAY, TODAY, NOW
    )
    assert [(s.number, s.subject, s.substituted, s.cancelled) for s in anna.days[0].slots] == [
        (1, "Русский язык", False, True),
        (2, "Математика", False, False),
        (4, "Английский язык", False, False),
        (5, "Русский язык", True, False),
    ]
    text = render.timetable_messages(RU, anna, week=False)[0]
    assert "<s>Русский язык</s> — ❌ урок отменён" in text
    assert "🔄 замена: Учителев И." in text
    oleg = await timetable_reads.family_timetable(
        session, world.actors["student"], world.students[0].id, TODAY, TODAY, NOW
    )
    assert len(oleg.days[0].slots) == 4
    # Not in the English group: no English lesson.
    sidorov_parent = world.actors["admin"]
    with pytest.raises(AccessDenied):
        await timetable_reads.family_timetable(
            session, sidorov_parent, world.students[2].id, TODAY, TODAY, NOW
        )


async def test_staff_timetable_is_their_own_lessons(
    session: AsyncSession, world: SchoolWorld
) -> None:
    page = await timetable_reads.staff_timetable(
        session, world.actors["teacher"], TODAY, TODAY, NOW
    )
    assert [(s.number, s.class_name, s.substituted) for s in page.days[0].slots] == [
        (2, "7А", False),
        (3, "8Б", False),
        (5, "7А", True),
    ]
    text = render.timetable_messages(RU, page, week=False)[0]
    assert "🕘 <b>Ваши уроки</b>" in text and "🔄 вы замещаете" in text
    with pytest.raises(AccessDenied):
        await timetable_reads.staff_timetable(session, world.actors["parent"], TODAY, TODAY, NOW)


# --------------------------------------------------------------------------- notices


async def anna_away(
    session: AsyncSession,
    world: SchoolWorld,
    reason: str,
    day: dt.date,
    code: AttendanceCode = AttendanceCode.ILL,
) -> notices.NoticeCreated:
    """Anna's mother (parent2) gives notice that Anna will be away on ``day``."""
    anna = world.students[1].id
    return await notices.create_notice(
        session, world.actors["parent2"], anna, day, day, code, reason, now=NOW
    )


async def test_parent_gives_notice_and_the_class_teacher_is_alerted(
    session: AsyncSession, world: SchoolWorld
) -> None:
    anna = world.students[1].id
    tomorrow = TODAY + dt.timedelta(days=1)
    created = await anna_away(session, world, "  болезнь <b>  ", tomorrow)
    assert created.reason == "болезнь <b>" and created.school_days == 1
    assert created.class_teacher_id == world.class_teacher.id
    row = await session.get(AbsenceNotice, created.notice_id)
    assert row is not None and row.code == AttendanceCode.ILL
    outbox = (
        await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "notice.created"))
    ).all()
    assert [(o.recipient_person_id, o.payload["student"]) for o in outbox] == [
        (world.class_teacher.id, "Петрова Анна")
    ]
    assert await count(session, AuditEntry, AuditEntry.action == "notice.create") == 1
    # The diary shows tomorrow's lessons as announced, before any attendance is taken.
    page = await diary.diary_page(session, world.actors["parent2"], anna, tomorrow, tomorrow, NOW)
    assert all(x.announced_absence for x in page.days[0].lessons)
    (text,) = render.diary_messages(RU, page, week=False)
    assert "🔔 Родители предупредили об отсутствии: болезнь &lt;b&gt;" in text
    assert "🔔 отсутствие заявлено заранее" in text
    # The same days again: refused, nothing written.
    with pytest.raises(Conflict):
        await anna_away(session, world, "x", tomorrow)
    assert await count(session, AbsenceNotice) == 1


async def test_notice_today_links_the_attendance(session: AsyncSession) -> None:
    world = await build_school(session)
    anna = world.students[1].id
    await anna_away(session, world, "врач", TODAY, AttendanceCode.EXCUSED)
    await absent_today(session, world, anna)
    row = await session.scalar(select(Attendance).where(Attendance.student_id == anna))
    assert row is not None and row.notice_id is not None
    page = await attendance_views.attendance_page(session, world.actors["parent2"], anna, None, NOW)
    assert [(e.code, e.announced) for e in page.entries] == [(AttendanceCode.ABSENT, True)]


@pytest.mark.parametrize(
    ("who", "student", "start", "end", "error"),
    [
        ("parent2", 0, 1, 1, AccessDenied),  # another family's child
        ("student", 0, 1, 1, AccessDenied),  # students change nothing
        ("trusted", 0, 1, 1, AccessDenied),  # a trusted person is not a parent
        ("parent2", 1, -1, -1, ValidationFailed),  # in the past
        ("parent2", 1, 2, 1, ValidationFailed),  # end before start
        ("parent2", 1, 3, 4, ValidationFailed),  # a weekend only
        ("parent2", 1, 1, 60, ValidationFailed),  # too long
    ],
)
async def test_notice_refusals(
    session: AsyncSession,
    who: str,
    student: int,
    start: int,
    end: int,
    error: type[Exception],
) -> None:
    world = await build_school(session)
    with pytest.raises(error):
        await notices.create_notice(
            session,
            world.actors[who],
            world.students[student].id,
            TODAY + dt.timedelta(days=start),
            TODAY + dt.timedelta(days=end),
            AttendanceCode.ILL,
            "болезнь",
            now=NOW,
        )
    assert await count(session, AbsenceNotice) == 0
    assert await count(session, OutboxMessage) == 0


async def test_notice_needs_a_reason(session: AsyncSession) -> None:
    world = await build_school(session)
    with pytest.raises(ValidationFailed) as err:
        await anna_away(session, world, "   ", TODAY)
    assert err.value.code == "notice.reason_empty"
    with pytest.raises(ValidationFailed):
        await anna_away(session, world, "опоздает", TODAY, AttendanceCode.LATE)


async def test_teacher_who_is_a_parent_may_give_notice(session: AsyncSession) -> None:
    world = await build_school(session)
    from services.enums import GuardianKind
    from services.models import Guardianship, RoleGrant
    from services.people.identity import actor_for_account

    session.add_all(
        [
            RoleGrant(school_id=world.school.id, person_id=world.teacher.id, role=Role.PARENT),
            Guardianship(
                school_id=world.school.id,
                guardian_id=world.teacher.id,
                student_id=world.students[3].id,
                kind=GuardianKind.PARENT,
            ),
        ]
    )
    await session.commit()
    teacher = await actor_for_account(session, world.actors["teacher"].account_id)
    assert teacher is not None
    created = await notices.create_notice(
        session,
        teacher,
        world.students[3].id,
        TODAY,
        TODAY,
        AttendanceCode.EXCUSED,
        "семья",
        now=NOW,
    )
    assert created.notice_id


async def test_parent_withdraws_a_notice(session: AsyncSession, world: SchoolWorld) -> None:
    anna = world.students[1].id
    tomorrow = TODAY + dt.timedelta(days=1)
    created = await anna_away(session, world, "врач", tomorrow)
    upcoming = await notices.upcoming_notices(session, world.actors["parent2"], anna, now=NOW)
    assert [n.id for n in upcoming] == [created.notice_id]
    # Another family's parent cannot, even with the right id.
    with pytest.raises(AccessDenied):
        await notices.cancel_notice(session, world.actors["parent"], created.notice_id, now=NOW)
    await notices.cancel_notice(session, world.actors["parent2"], created.notice_id, now=NOW)
    assert await notices.upcoming_notices(session, world.actors["parent2"], anna, now=NOW) == []
    kinds = sorted((await session.scalars(select(OutboxMessage.kind))).all())
    assert kinds == ["notice.cancelled", "notice.created"]
    with pytest.raises(ValidationFailed):
        await notices.cancel_notice(session, world.actors["parent2"], created.notice_id, now=NOW)
    # The days are free again.
    await anna_away(session, world, "снова", tomorrow)
