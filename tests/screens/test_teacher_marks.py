"""Marks by taps as a person sees them, built from a hand-made lesson sheet: the kinds of work,
the students with their marks, a student's values and marks to correct, a mark's change and the
reason asked for it."""

from __future__ import annotations

from dataclasses import replace

from i18n import translator
from screens.screen import Screen
from screens.teacher.actions import DetailCb, LessonCb, MarkCb
from screens.teacher.marks import (
    PAGE,
    changed_note,
    edit_screen,
    kinds_screen,
    reason_screen,
    saved_note,
    students_screen,
    values_screen,
)
from services.enums import AttendanceCode, WorkKind
from services.timetable.lesson_sheet import LessonSheet, SheetMark, SheetStudent
from tests.screens import test_teacher_attendance as roll_call

TEST = WorkKind.TEST


def student(
    n: int, name: str | None = None, *marks: SheetMark, code: AttendanceCode | None = None
) -> SheetStudent:
    return replace(roll_call.student(n, name, code), marks=marks)


def sheet(*students: SheetStudent, work_kind: WorkKind | None = None) -> LessonSheet:
    return replace(roll_call.sheet(*students), work_kind=work_kind, max_marks=3)


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


TITLE = "<b>7&lt;А&gt; · Физика &amp; астрономия</b>\nПн 30.11, 2-й урок"
FIVE = SheetMark(501, 5, WorkKind.ANSWER)
FOUR = SheetMark(502, 4, WorkKind.TEST)


def test_the_kinds_of_work_three_a_row_the_lessons_own_marked() -> None:
    t = translator("ru")
    screen = kinds_screen(t, sheet(work_kind=TEST))
    (text,) = screen.texts
    assert text == TITLE + "\n" + t("teacher.mk.pick_kind")
    assert [len(r) for r in screen.rows] == [3, 3, 3, 1]
    marked = [b.text for b in screen.buttons if b.text.startswith("• ")]
    assert marked == ["• " + t("teacher.kind.test")]
    assert screen.buttons[0].action == MarkCb(lesson_id=77, action="list", kind="answer")
    assert screen.buttons[-1].action == LessonCb(lesson_id=77, action="open")
    # A lesson with no kind of its own: "answer" is marked.
    assert kinds_screen(t, sheet()).buttons[0].text == "• " + t("teacher.kind.answer")


def test_the_students_with_their_marks_two_a_row_and_the_note_first() -> None:
    t = translator("ru")
    lesson = sheet(student(1, "Иванов <П.>", FIVE, FOUR), student(2), student(3))
    note = saved_note(t, lesson.students[0], 5)
    screen = students_screen(t, lesson, TEST, note=note)
    (text,) = screen.texts
    assert text == "\n".join(
        ["✅ Иванов &lt;П.&gt;: 5", TITLE, t("teacher.mk.pick_student", kind="самостоятельная")]
    )
    assert labels(screen) == [
        ["Иванов <П.> 5 4", "Ученик002 А."],
        ["Ученик003 А."],
        [t("teacher.mk.change_kind"), t("teacher.btn.back")],
    ]
    assert screen.buttons[1].action == MarkCb(
        lesson_id=77, action="stu", kind="test", student_id=2, page=0
    )
    assert screen.rows[2][0].action == MarkCb(lesson_id=77, action="kind")
    assert screen.rows[2][1].action == LessonCb(lesson_id=77, action="open")
    assert students_screen(t, lesson, TEST).texts[0].startswith(TITLE)


def test_a_large_class_has_numbered_pages_eight_a_row() -> None:
    t = translator("en")
    lesson = sheet(*(student(n) for n in range(1, 2 * PAGE + 6)))  # 85 students: 3 pages
    screen = students_screen(t, lesson, TEST, page=1)
    assert len(screen.rows) == PAGE // 2 + 1
    pages = screen.rows[-1]
    assert [b.text for b in pages[:3]] == ["1", "2/3", "3"]
    assert pages[2].action == MarkCb(lesson_id=77, action="list", kind="test", page=2)
    assert screen.rows[0][0].action == MarkCb(
        lesson_id=77, action="stu", kind="test", student_id=PAGE + 1, page=1
    )
    # A page past the end is the last one (five students).
    last = students_screen(t, lesson, TEST, page=7)
    assert [len(r) for r in last.rows] == [2, 2, 1, 5]
    # Eight pages and two more buttons: a row of eight, then the rest.
    huge = students_screen(t, sheet(*(student(n) for n in range(1, 8 * PAGE + 1))), TEST)
    assert [len(r) for r in huge.rows[-2:]] == [8, 2]
    assert huge.rows[-1][1].action == LessonCb(lesson_id=77, action="open")


def test_a_students_values_then_marks_to_correct() -> None:
    t = translator("ru")
    pupil = student(1, "Иванов <П.>", FIVE)
    screen = values_screen(t, sheet(pupil), TEST, pupil, 1)
    (text,) = screen.texts
    assert text == TITLE + "\n" + t(
        "teacher.mk.pick_value", student="Иванов &lt;П.&gt;", kind="самостоятельная"
    )
    assert labels(screen) == [
        ["5", "4", "3", "2", "1"],
        [t("teacher.mk.edit_btn", value=5, kind="отв"), t("teacher.btn.back")],
    ]
    assert screen.buttons[1].action == MarkCb(
        lesson_id=77, action="put", kind="test", student_id=1, value=4, page=1, reason=0
    )
    assert screen.buttons[5].action == MarkCb(
        lesson_id=77, action="edit", kind="test", student_id=1, mark_id=501
    )
    assert screen.buttons[6].action == MarkCb(lesson_id=77, action="list", kind="test", page=1)


def test_an_absent_student_is_warned_about_and_the_values_confirm_it() -> None:
    t = translator("ru")
    pupil = student(1, "Иванов <П.>", code=AttendanceCode.ILL)
    screen = values_screen(t, sheet(pupil), TEST, pupil, 0)
    assert screen.texts[0].endswith(
        "\n" + t("teacher.mk.absent_warning", student="Иванов &lt;П.&gt;")
    )
    puts = [b.action for b in screen.buttons if isinstance(b.action, MarkCb)][:5]
    assert all(a.action == "put" and a.reason == 1 for a in puts)
    late = replace(pupil, code=AttendanceCode.LATE)
    assert values_screen(t, sheet(late), TEST, late, 0).buttons[0].action == MarkCb(
        lesson_id=77, action="put", kind="test", student_id=1, value=5
    )


def test_at_the_cap_only_corrections_are_offered() -> None:
    t = translator("ru")
    pupil = student(1, "Иванов <П.>", FIVE, FOUR, SheetMark(503, 3, WorkKind.ANSWER))
    screen = values_screen(t, sheet(pupil), TEST, pupil, 0)
    assert screen.texts[0].endswith(
        "\n" + t("teacher.mk.cap_reached", student="Иванов &lt;П.&gt;", limit=3)
    )
    assert [len(r) for r in screen.rows] == [2, 2]
    assert not any(
        isinstance(b.action, MarkCb) and b.action.action == "put" for b in screen.buttons
    )


def test_a_mark_offers_the_other_values_and_delete() -> None:
    t = translator("ru")
    pupil = student(1, "Иванов <П.>", FOUR)
    screen = edit_screen(t, 77, "test", pupil, FOUR)
    (text,) = screen.texts
    assert text == t(
        "teacher.mk.edit", student="Иванов &lt;П.&gt;", value=4, kind="самостоятельная"
    )
    assert labels(screen) == [
        ["→ 5", "→ 3", "→ 2", "→ 1"],
        [t("teacher.mk.delete"), t("details.btn.weight", weight=FOUR.weight)],
        [t("details.btn.comment"), t("teacher.btn.back")],
    ]
    assert screen.buttons[1].action == MarkCb(
        lesson_id=77, action="chg", kind="test", student_id=1, mark_id=502, value=3
    )
    assert screen.buttons[4].action == MarkCb(
        lesson_id=77, action="chg", kind="test", student_id=1, mark_id=502, value=0
    )
    assert screen.buttons[5].action == DetailCb(lesson_id=77, action="w", mark_id=502)
    assert screen.buttons[6].action == DetailCb(lesson_id=77, action="cm", mark_id=502)
    assert screen.buttons[7].action == MarkCb(lesson_id=77, action="stu", kind="test", student_id=1)


def test_a_change_asks_why_with_preset_reasons_one_a_row() -> None:
    t = translator("ru")
    pupil = student(1, "Иванов <П.>", FOUR)
    change = MarkCb(lesson_id=77, action="chg", kind="test", student_id=1, mark_id=502, value=3)
    screen = reason_screen(t, change, pupil)
    assert screen.texts == (
        t(
            "teacher.mk.reason",
            student="Иванов &lt;П.&gt;",
            what=t("teacher.mk.what_change", value=3),
        ),
    )
    assert labels(screen) == [
        [t("teacher.reason.typo")],
        [t("teacher.reason.retake")],
        [t("teacher.btn.cancel")],
    ]
    assert screen.buttons[1].action == MarkCb(
        lesson_id=77, action="rsn", kind="test", student_id=1, mark_id=502, value=3, reason=2
    )
    assert screen.buttons[2].action == MarkCb(lesson_id=77, action="stu", kind="test", student_id=1)
    remove = MarkCb(lesson_id=77, action="chg", kind="test", student_id=1, mark_id=502)
    delete = reason_screen(t, remove, pupil)
    assert t("teacher.mk.what_delete") in delete.texts[0]


def test_the_notes_after_a_change_name_the_student_escaped() -> None:
    t = translator("en")
    pupil = student(1, "Ivanov & <Co>")
    assert changed_note(t, pupil, 3) == t(
        "teacher.mk.changed", student="Ivanov &amp; &lt;Co&gt;", value=3
    )
    assert changed_note(t, pupil, 0) == t("teacher.mk.deleted", student="Ivanov &amp; &lt;Co&gt;")
    assert "&lt;Co&gt;" in saved_note(t, pupil, 5)
