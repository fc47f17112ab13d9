"""The class teacher's screens as a person sees them, from read models alone: the choice of a
class, a day's absences, the week's reasons and the class journal by subject."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from i18n import translator
from screens.class_teacher.absences import absences_screen
from screens.class_teacher.actions import AbsCb, JournalCb, ReasonCb
from screens.class_teacher.common import class_picker_screen, no_class_screen
from screens.class_teacher.journal import journal_screen, subjects_screen, table_pages
from screens.class_teacher.reasons import MAX_BUTTON_ROWS, week_screen
from screens.screen import Screen
from screens.teacher.common import pack_day
from services.attendance.attendance_views import AbsenceLesson, StudentDay
from services.enums import AttendanceCode
from services.marks.class_journal import JournalColumn, JournalGrid, JournalRow, SubjectRef
from services.people.class_teacher import ClassRef
from services.richtext import visible_length

t = translator("ru")
MONDAY = dt.date(2026, 11, 30)
CLASS_ID = 7


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


def day_of(
    student_id: int,
    name: str,
    day: dt.date,
    *codes: AttendanceCode,
    family: str | None = None,
    notice: str | None = None,
) -> StudentDay:
    lessons = tuple(
        AbsenceLesson(100 + n, n, "Математика <углубл.>", code, dt.time(8 + n, 0))
        for n, code in enumerate(codes, start=1)
    )
    return StudentDay(student_id, name, day, lessons, None, notice, family)


def test_the_class_picker_puts_four_classes_a_row_each_with_its_action() -> None:
    classes = [ClassRef(n, f"{n}А") for n in range(1, 7)]
    screen = class_picker_screen(t, classes, lambda cid: AbsCb(class_id=cid, day=20261130))
    assert screen.texts == (t("ct.pick_class"),)
    assert labels(screen) == [["1А", "2А", "3А", "4А"], ["5А", "6А"]]
    assert screen.rows[1][1].action == AbsCb(class_id=6, day=20261130)


def test_no_class_says_so_without_buttons() -> None:
    screen = no_class_screen(t)
    assert screen.texts == (t("ct.no_class"),) and screen.rows == ()


def test_absences_list_the_lessons_by_code_with_names_escaped_and_walk_the_days() -> None:
    rows = [
        day_of(
            1,
            "Анна <Смирнова> & Co",
            MONDAY,
            AttendanceCode.ABSENT,
            AttendanceCode.ILL,
            family="ill",
            notice="к врачу <утром>",
        ),
        StudentDay(2, "Пётр", MONDAY, (), None, None, None),
    ]
    screen = absences_screen(t, "5<А>", CLASS_ID, MONDAY, rows)
    (text,) = screen.texts
    assert "5&lt;А&gt;" in text
    assert "Анна &lt;Смирнова&gt; &amp; Co" in text
    assert "Математика &lt;углубл.&gt;" in text and "09:00" in text
    assert "к врачу &lt;утром&gt;" in text and t("ct.family.ill") in text
    assert t("ct.abs.not_marked") in text  # Пётр: attendance not taken yet
    assert labels(screen) == [["◀", "▶"]]
    back, forward = screen.rows[0]
    assert back.action == AbsCb(class_id=CLASS_ID, day=pack_day(MONDAY - dt.timedelta(days=1)))
    assert forward.action == AbsCb(class_id=CLASS_ID, day=pack_day(MONDAY + dt.timedelta(days=1)))


def test_no_absences_say_so() -> None:
    screen = absences_screen(t, "5А", CLASS_ID, MONDAY, [])
    assert t("ct.abs.none") in screen.texts[0]


def test_the_week_offers_ill_or_excused_for_each_open_day_and_the_families_answers() -> None:
    rows = [
        day_of(1, "Анна <С>", MONDAY, AttendanceCode.ABSENT, family="ill"),
        day_of(2, "Пётр", MONDAY + dt.timedelta(days=1), AttendanceCode.ABSENT),
        day_of(3, "Ева", MONDAY, AttendanceCode.ILL),  # explained: no buttons
    ]
    screen = week_screen(t, "5А", CLASS_ID, MONDAY, rows, note="✅ done")
    (text,) = screen.texts
    assert text.startswith("✅ done\n\n")
    assert "Анна &lt;С&gt;" in text and text.count("❗") == 2 and text.count("✔️") == 1
    assert t("ct.rs.todo", count=2) in text
    assert [len(row) for row in screen.rows] == [2, 2, 1, 2]
    assert labels(screen)[0] == [
        t("ct.rs.ill", who="Анна <С> 30.11"),
        t("ct.rs.excused", who="Анна <С> 30.11"),
    ]
    assert screen.rows[1][1].action == ReasonCb(
        action="set",
        class_id=CLASS_ID,
        day=pack_day(MONDAY + dt.timedelta(days=1)),
        student_id=2,
        code="excused",
    )
    assert screen.rows[2][0].text == t("ct.rs.accept_families", count=1)
    assert screen.rows[2][0].action == ReasonCb(
        action="fam", class_id=CLASS_ID, day=pack_day(MONDAY)
    )
    assert [b.action for b in screen.rows[3]] == [
        ReasonCb(action="week", class_id=CLASS_ID, day=pack_day(MONDAY - dt.timedelta(days=7))),
        ReasonCb(action="week", class_id=CLASS_ID, day=pack_day(MONDAY + dt.timedelta(days=7))),
    ]


def test_the_week_keeps_its_buttons_within_bounds() -> None:
    rows = [day_of(n, f"Ученик {n}", MONDAY, AttendanceCode.ABSENT) for n in range(1, 40)]
    screen = week_screen(t, "5А", CLASS_ID, MONDAY, rows)
    assert len(screen.rows) == MAX_BUTTON_ROWS + 1  # no family answers: only the weeks after
    assert all(len(b.text) <= 60 for b in screen.buttons)


def test_an_empty_week_has_only_the_weeks() -> None:
    screen = week_screen(t, "5А", CLASS_ID, MONDAY, [])
    assert t("ct.rs.none") in screen.texts[0]
    assert labels(screen) == [["◀", "▶"]]


def grid(columns: int, students: int = 3) -> JournalGrid:
    cols = tuple(
        JournalColumn(n, dt.date(2026, 9, 1) + dt.timedelta(days=n), 1) for n in range(columns)
    )
    rows = tuple(
        JournalRow(n, f"Ли<{n}>", "Имя", tuple("5" for _ in cols), Decimal("4.5"))
        for n in range(students)
    )
    return JournalGrid("5<А>", "Алгебра & геометрия", "2 четверть", cols, rows)


def test_the_journal_pages_walk_both_ways_and_lead_back_to_the_subjects() -> None:
    g = grid(columns=20)
    assert len(table_pages(g)) == 3
    cb = JournalCb(action="show", class_id=CLASS_ID, subject_id=2, period_id=3, page=1)
    screen = journal_screen(t, g, cb)
    (text,) = screen.texts
    assert "5&lt;А&gt;" in text and "Алгебра &amp; геометрия" in text
    assert "<pre>" in text and "Ли&lt;1&gt; И" in text
    assert labels(screen) == [["◀ 1/3", "▶ 3/3"], [t("ct.jr.other_subject")]]
    assert screen.rows[0][1].action == JournalCb(
        action="show", class_id=CLASS_ID, subject_id=2, period_id=3, page=2
    )
    assert screen.rows[1][0].action == JournalCb(action="cls", class_id=CLASS_ID)
    assert visible_length(text) <= 4096


def test_a_page_past_the_end_shows_the_last_one_and_an_empty_period_says_so() -> None:
    g = grid(columns=3)
    cb = JournalCb(action="show", class_id=CLASS_ID, subject_id=2, period_id=3, page=9)
    screen = journal_screen(t, g, cb)
    assert labels(screen) == [[t("ct.jr.other_subject")]]
    empty = journal_screen(t, grid(columns=0), cb)
    assert t("ct.jr.empty") in empty.texts[0]


def test_subjects_two_a_row_open_the_journal_of_the_period() -> None:
    subjects = [SubjectRef(n, f"Предмет {n}" + "я" * 50) for n in range(1, 4)]
    screen = subjects_screen(t, CLASS_ID, subjects, 44)
    assert screen.texts == (t("ct.jr.pick_subject"),)
    assert [len(row) for row in screen.rows] == [2, 1]
    assert all(len(b.text) == 40 for b in screen.buttons)
    assert screen.rows[1][0].action == JournalCb(
        action="show", class_id=CLASS_ID, subject_id=3, period_id=44
    )
