"""The teacher's day and the lesson card as a person sees them, from read models alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from i18n import translator
from screens.screen import Button, Screen
from screens.teacher.actions import DayCb, DetailCb, LessonCb, UnlockCb
from screens.teacher.card import back_rows, card_screen
from screens.teacher.common import lesson_title, pack_day
from screens.teacher.today import current_lesson, day_screen, pick_teacher_screen
from services.enums import AttendanceCode, Role, WorkKind
from services.people.class_teacher import TeacherRef
from services.timetable.diary import HomeworkView
from services.timetable.lesson_sheet import LessonLock, LessonSheet, SheetMark, SheetStudent
from services.timetable.teacher_day import TeacherLesson
from tests.screens import test_teacher_attendance as roll_call

DAY = dt.date(2026, 11, 30)  # a Monday


def student(n: int, **kw: Any) -> SheetStudent:
    return dataclasses.replace(roll_call.student(100 + n, f"Ученик{n} И."), **kw)


def sheet(**kw: Any) -> LessonSheet:
    """The roll call's hand-made sheet, as lesson 7 of teacher 42: 5А, Математика, 09:00."""
    base = roll_call.sheet(*(student(n) for n in range(1, 4)))
    return dataclasses.replace(
        base,
        **{
            "lesson_id": 7,
            "date": DAY,
            "starts_at": dt.time(9, 0),
            "ends_at": dt.time(9, 45),
            "class_name": "5А",
            "grade": 5,
            "subject": "Математика",
            "teacher_id": 42,
            **kw,
        },
    )


def lesson(n: int, **kw: Any) -> TeacherLesson:
    base = TeacherLesson(
        lesson_id=n,
        date=DAY,
        number=n,
        starts_at=dt.time(7 + n, 0),
        ends_at=dt.time(7 + n, 45),
        class_name="5А",
        class_id=1,
        subgroup_id=None,
        subject="Математика",
        room=None,
        substitute=False,
        attendance_taken=False,
        topic=None,
        homework_count=0,
        marks_count=0,
        cancelled=False,
    )
    return dataclasses.replace(base, **kw)


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


def actions(screen: Screen) -> list[Any]:
    return [b.action for b in screen.buttons]


# --------------------------------------------------------------------------- the lesson card


def test_a_teachers_card_offers_every_record_two_per_row_then_the_day() -> None:
    t = translator("ru")
    screen = card_screen(t, sheet())
    assert all(len(row) == 2 for row in screen.rows[:-1])
    assert actions(screen)[:7] == [
        LessonCb(lesson_id=7, action="att"),
        LessonCb(lesson_id=7, action="mk"),
        LessonCb(lesson_id=7, action="qm"),
        LessonCb(lesson_id=7, action="topic"),
        LessonCb(lesson_id=7, action="hw"),
        LessonCb(lesson_id=7, action="cw"),
        DetailCb(lesson_id=7, action="kinds"),
    ]
    assert actions(screen)[-1] == DayCb(teacher_id=42, day=pack_day(DAY))
    assert labels(screen)[-1] == [t("teacher.btn.day")]
    assert screen.replace
    (text,) = screen.texts
    assert text.startswith(lesson_title(t, sheet()) + " · 09:00–09:45\n")
    assert t("teacher.card.attendance_none", total=3) in text
    assert t("teacher.card.topic_none") in text and t("teacher.card.homework_none") in text


def test_a_cancelled_lesson_only_leads_back_to_the_day() -> None:
    screen = card_screen(translator("en"), sheet(cancelled=True))
    assert actions(screen) == [DayCb(teacher_id=42, day=pack_day(DAY))]
    assert translator("en")("teacher.day.cancelled") in screen.texts[0]


def test_a_deputy_unlocks_a_locked_lesson_but_not_a_future_one() -> None:
    t = translator("ru")
    locked = sheet(
        can_edit=False,
        can_unlock=True,
        records_lock=LessonLock("journal.lesson_locked", {"date": "2026-11-02"}),
    )
    screen = card_screen(t, locked)
    assert actions(screen) == [
        UnlockCb(lesson_id=7, reason=-1),
        DayCb(teacher_id=42, day=pack_day(DAY)),
    ]
    assert [len(row) for row in screen.rows] == [2]
    assert "🔒 " in screen.texts[0]
    assert t("teacher.card.read_only") not in screen.texts[0]
    future = dataclasses.replace(locked, records_lock=LessonLock("journal.lesson_in_future", {}))
    screen = card_screen(t, future)
    assert not any(isinstance(a, UnlockCb) for a in actions(screen))
    assert "⏳ " + t("teacher.card.future") in screen.texts[0]


def test_a_reader_sees_the_card_read_only() -> None:
    t = translator("en")
    screen = card_screen(t, sheet(can_edit=False))
    assert actions(screen) == [DayCb(teacher_id=42, day=pack_day(DAY))]
    assert screen.texts[0].endswith(t("teacher.card.read_only"))


def test_the_card_escapes_names_topic_homework_and_lists_absences() -> None:
    t = translator("ru")
    students = (
        student(1, short_name="<Анна> & Ко", code=AttendanceCode.ABSENT),
        student(2, code=AttendanceCode.LATE, marks=(SheetMark(1, 5, WorkKind.CLASSWORK),)),
        student(3, notice_code=AttendanceCode.ILL),
    )
    hw = HomeworkView("стр. <12> & 13", False, None, (("photo", "f1", None),))
    screen = card_screen(
        t,
        sheet(
            class_name="5<А>",
            topic="Дроби <и> доли",
            homework=(hw,),
            students=students,
            attendance_taken=True,
            substituted=True,
            teacher="Петров & сын",
            unlocked_until=dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC),
            unlocked_by=Role.DEPUTY,
        ),
    )
    text = screen.texts[0]
    assert "5&lt;А&gt;" in text and "<А>" not in text
    assert "&lt;Анна&gt; &amp; Ко — " + t("teacher.code.absent") in text
    assert "Ученик2 И. — " + t("teacher.code.late") in text
    assert t("teacher.card.attendance", total=3, absent=1, late=1) in text
    assert t("teacher.card.topic", topic="Дроби &lt;и&gt; доли") in text
    assert t("teacher.card.homework", text="стр. &lt;12&gt; &amp; 13", files=1) in text
    assert t("teacher.card.substitution", teacher="Петров &amp; сын") in text
    assert t("teacher.card.announced", names="Ученик3 И.") in text
    assert t("teacher.card.marks", marks="Ученик2 И. 5") in text
    assert t("teacher.card.unlocked.deputy") in text


def test_long_lists_on_the_card_are_cut_at_twelve() -> None:
    t = translator("ru")
    mark = (SheetMark(1, 4, WorkKind.CLASSWORK),)
    students = tuple(
        student(n, notice_code=AttendanceCode.EXCUSED, marks=mark) for n in range(1, 16)
    )
    text = card_screen(t, sheet(students=students)).texts[0]
    names = ", ".join(f"Ученик{n} И." for n in range(1, 13))
    assert t("teacher.card.announced", names=names + " +3") in text
    marks = "; ".join(f"Ученик{n} И. 4" for n in range(1, 13))
    assert t("teacher.card.marks", marks=marks + " +3") in text


def test_a_first_grade_card_has_no_homework_line_and_a_note_goes_on_top() -> None:
    t = translator("ru")
    screen = card_screen(t, sheet(grade=1), note=t("teacher.topic.saved"))
    text = screen.texts[0]
    assert text.startswith(t("teacher.topic.saved") + "\n\n")
    assert t("teacher.card.homework_none") not in text
    assert t("teacher.card.first_grade") in text


def test_back_to_the_card() -> None:
    ((back,),) = back_rows(translator("en"), 9)
    assert back.text == translator("en")("teacher.btn.back")
    assert back.action == LessonCb(lesson_id=9, action="open")


# --------------------------------------------------------------------------- the day


def test_the_day_marks_the_running_lesson_and_offers_its_quick_buttons() -> None:
    t = translator("ru")
    lessons = [lesson(1), lesson(2, attendance_taken=True, topic="x", marks_count=3), lesson(3)]
    screen = day_screen(
        t,
        lessons,
        teacher_id=42,
        teacher_name=None,
        day=DAY,
        today=DAY,
        now=dt.time(9, 10),  # lesson 2 runs 09:00–09:45
    )
    lines = screen.texts[0].splitlines()
    assert lines[0] == t("teacher.day.title", day=t("teacher.weekday.1") + " 30.11")
    assert lines[2].startswith("▶ ") and "👥 📖 · ✏️3" in lines[2]
    assert t("teacher.day.now", number=2, cls="5А") in lines
    # Lessons two per row; the running lesson's buttons join the last row; then ◀ ▶.
    assert [len(row) for row in screen.rows] == [2, 3, 2]
    assert screen.rows[1][1:] == (
        Button(t("teacher.btn.attendance"), LessonCb(lesson_id=2, action="att")),
        Button(t("teacher.btn.quick"), LessonCb(lesson_id=2, action="qm")),
    )
    assert labels(screen)[-1] == ["◀", "▶"]
    assert screen.rows[-1][0].action == DayCb(teacher_id=42, day=pack_day(DAY - dt.timedelta(1)))


def test_another_day_of_a_colleague_escaped_with_a_today_button() -> None:
    t = translator("en")
    friday, monday = dt.date(2026, 11, 27), dt.date(2026, 12, 1)
    lessons = [lesson(1, class_name="5<А>", subject="Maths & more", cancelled=True)]
    screen = day_screen(
        t,
        lessons,
        teacher_id=5,
        teacher_name="Ivanova <I.>",
        day=DAY,
        today=dt.date(2026, 12, 2),
        now=dt.time(9, 10),
        around=(friday, monday),
        note=t("teacher.day.reader_hint"),
    )
    text = screen.texts[0]
    assert text.startswith(t("teacher.day.title_of", name="Ivanova &lt;I.&gt;", day="Mon 30.11"))
    assert "<s>" in text and "5&lt;А&gt;" in text and "Maths &amp; more" in text
    assert "▶ " not in text
    assert text.endswith("\n\n" + t("teacher.day.reader_hint"))
    assert labels(screen) == [["1. 5<А> Maths & more"], ["◀", t("teacher.btn.today"), "▶"]]
    assert [b.action for b in screen.rows[-1]] == [
        DayCb(teacher_id=5, day=pack_day(friday)),
        DayCb(teacher_id=5, day=pack_day(dt.date(2026, 12, 2))),
        DayCb(teacher_id=5, day=pack_day(monday)),
    ]


def test_an_empty_day_and_long_labels() -> None:
    t = translator("ru")
    empty = day_screen(t, [], teacher_id=1, teacher_name=None, day=DAY, today=DAY, now=dt.time(12))
    assert t("teacher.day.empty") in empty.texts[0]
    assert labels(empty) == [["◀", "▶"]]
    long = day_screen(
        t,
        [lesson(1, subject="Я" * 100)],
        teacher_id=1,
        teacher_name=None,
        day=DAY,
        today=DAY,
        now=dt.time(20),
    )
    assert len(long.rows[0][0].text) == 60


def test_typed_marks_go_to_the_running_then_next_then_last_lesson() -> None:
    lessons = [lesson(1), lesson(2), lesson(3, cancelled=True)]
    assert current_lesson(lessons, dt.time(8, 30)).lesson_id == 1  # type: ignore[union-attr]
    assert current_lesson(lessons, dt.time(8, 50)).lesson_id == 2  # type: ignore[union-attr]
    assert current_lesson(lessons, dt.time(18, 0)).lesson_id == 2  # type: ignore[union-attr]
    assert current_lesson([lesson(1, cancelled=True)], dt.time(8)) is None


def test_several_colleagues_of_one_surname_are_buttons_for_that_day() -> None:
    t = translator("ru")
    refs = [TeacherRef(5, "Иванова А. <Б>"), TeacherRef(6, "Иванов В."), TeacherRef(7, "Иванов Г.")]
    screen = pick_teacher_screen(t, refs, DAY)
    assert screen.texts == (t("teacher.day.pick_teacher"),) and not screen.replace
    assert labels(screen) == [["Иванова А. <Б>", "Иванов В."], ["Иванов Г."]]
    assert actions(screen)[0] == DayCb(teacher_id=5, day=pack_day(DAY))
