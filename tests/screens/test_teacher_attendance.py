"""The teacher's roll call as a person sees it, built from a hand-made lesson sheet: the title
and counts, a button a student with the code's icon, the pages, "all present" and "save"."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from i18n import translator
from screens.screen import Screen
from screens.teacher.actions import AttCb, LessonCb
from screens.teacher.attendance import (
    CYCLE,
    PAGE,
    Roster,
    attendance_screen,
    initial_codes,
    saved_note,
)
from services.attendance.roll_call import AttendanceSaved
from services.enums import AttendanceCode
from services.timetable.lesson_sheet import LessonSheet, SheetStudent

MONDAY = dt.date(2026, 11, 30)
ABSENT, LATE, ILL, EXCUSED = (
    AttendanceCode.ABSENT,
    AttendanceCode.LATE,
    AttendanceCode.ILL,
    AttendanceCode.EXCUSED,
)


def student(
    n: int,
    name: str | None = None,
    code: AttendanceCode | None = None,
    notice: AttendanceCode | None = None,
) -> SheetStudent:
    short = name or f"Ученик{n:03d} А."
    return SheetStudent(n, short, "А", short, code, notice, None, None, ())


def sheet(*students: SheetStudent, taken: bool = False) -> LessonSheet:
    return LessonSheet(
        lesson_id=77,
        date=MONDAY,
        number=2,
        starts_at=dt.time(9, 30),
        ends_at=dt.time(10, 15),
        class_id=5,
        class_name="7<А>",
        grade=7,
        subject_id=3,
        subject="Физика & астрономия",
        subgroup=None,
        teacher_id=9,
        teacher="Петрова А. А.",
        substituted=False,
        cancelled=False,
        topic=None,
        work_kind=None,
        homework=(),
        individual_homework=0,
        attendance_taken=taken,
        students=students,
        can_edit=True,
        can_unlock=False,
        records_lock=None,
        text_lock=None,
        unlocked_until=None,
    )


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


def test_the_families_notices_are_preset_until_the_first_save() -> None:
    lesson = sheet(
        student(1, code=LATE), student(2, notice=EXCUSED), student(3), student(4, notice=ILL)
    )
    assert initial_codes(lesson) == {1: LATE, 2: EXCUSED, 4: ILL}
    # After a save the journal alone says who is absent (a notice the teacher cleared stays so).
    assert initial_codes(replace(lesson, attendance_taken=True)) == {1: LATE}


def test_a_tap_cycles_present_absent_late_present_and_clears_a_notice() -> None:
    code: AttendanceCode | None = None
    seen = []
    for _ in range(3):
        code = CYCLE[code]
        seen.append(code)
    assert seen == [ABSENT, LATE, None]
    assert CYCLE[ILL] is None and CYCLE[EXCUSED] is None


def test_the_roll_call_shows_codes_counts_and_announced_absences() -> None:
    t = translator("ru")
    lesson = sheet(
        student(1, "Иванов <П.>", code=ABSENT),
        student(2, "Петрова & Ко", notice=EXCUSED),
        student(3, "Сидоров С.", code=LATE),
    )
    roster = Roster.of(lesson)
    screen = attendance_screen(t, roster, initial_codes(lesson))
    (text,) = screen.texts
    assert text.startswith("<b>7&lt;А&gt; · Физика &amp; астрономия</b>\nПн 30.11, 2-й урок")
    assert t("teacher.att.counts", total=3, absent=2, late=1) in text
    assert t("teacher.att.announced_hint") in text
    assert t("teacher.att.saved_before") not in text
    # Buttons are plain text: names as they are, two a row.
    assert labels(screen) == [
        ["❌ Н Иванов <П.>", "📄 УП 📝Петрова & Ко"],
        ["⏰ ОП Сидоров С."],
        [t("teacher.att.all_present"), t("teacher.att.save")],
        [t("teacher.btn.back")],
    ]
    assert screen.rows[0][1].action == AttCb(lesson_id=77, action="t", student_id=2, page=0)
    assert [b.action for b in screen.rows[2]] == [
        AttCb(lesson_id=77, action="all"),
        AttCb(lesson_id=77, action="save"),
    ]
    assert screen.rows[3][0].action == LessonCb(lesson_id=77, action="open")
    assert screen.replace


def test_a_saved_roll_call_says_so_and_all_present_counts_nobody() -> None:
    t = translator("en")
    screen = attendance_screen(t, Roster.of(sheet(student(1), taken=True)), {})
    (text,) = screen.texts
    assert t("teacher.att.saved_before") in text
    assert t("teacher.att.counts", total=1, absent=0, late=0) in text
    assert t("teacher.att.announced_hint") not in text
    assert labels(screen)[0] == ["✅ Ученик001 А."]


def test_a_large_class_pages_by_forty_with_wrapping_arrows() -> None:
    t = translator("ru")
    roster = Roster.of(sheet(*(student(n) for n in range(1, 2 * PAGE + 6))))  # 85: 3 pages
    screen = attendance_screen(t, roster, {PAGE + 1: ABSENT}, page=1)
    students = [b for b in screen.buttons if isinstance(b.action, AttCb) and b.action.action == "t"]
    assert len(students) == PAGE and len(screen.rows) == PAGE // 2 + 3
    assert students[0].text == "❌ Н Ученик041 А." and students[0].action == AttCb(
        lesson_id=77, action="t", student_id=PAGE + 1, page=1
    )
    nav = screen.rows[PAGE // 2]
    assert [b.text for b in nav] == ["◀", "2/3", "▶"]
    assert [b.action for b in nav] == [
        AttCb(lesson_id=77, action="pg", page=0),
        AttCb(lesson_id=77, action="pg", page=1),
        AttCb(lesson_id=77, action="pg", page=2),
    ]
    # The last page: five students, "▶" leads back to the first; a page past the end is the last.
    last = attendance_screen(t, roster, {}, page=9)
    assert [b.text for b in last.rows[3]] == ["◀", "3/3", "▶"]
    assert last.rows[3][2].action == AttCb(lesson_id=77, action="pg", page=0)
    assert sum(len(r) for r in last.rows[:3]) == 5
    assert last.rows[4][1].action == AttCb(lesson_id=77, action="save", page=2)
    # One page: no page row.
    small = attendance_screen(t, Roster.of(sheet(student(1), student(2))), {})
    assert [len(r) for r in small.rows] == [2, 2, 1]


def test_a_long_name_is_cut_to_what_a_button_shows() -> None:
    screen = attendance_screen(
        translator("ru"), Roster.of(sheet(student(1, "Я" * 100, notice=ILL))), {1: ILL}
    )
    label = screen.buttons[0].text
    assert len(label) == 60 and label.startswith("🤒 Б 📝Я")


def test_the_note_after_a_save_counts_absences_and_lateness() -> None:
    t = translator("ru")
    note = saved_note(t, AttendanceSaved(lesson_id=77, changed=3, absent=2, late=1))
    assert note == t("teacher.att.saved", absent=2, late=1)
    assert "2" in note and "1" in note
