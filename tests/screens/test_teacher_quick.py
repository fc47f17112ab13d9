"""The quick-marks screens as a teacher sees them, from a lesson sheet and a parse alone: the
prompt, the preview line by line, the name buttons, save and cancel."""

from __future__ import annotations

from dataclasses import replace

from i18n import translator
from screens.screen import Screen
from screens.teacher.actions import LessonCb, QuickCb
from screens.teacher.quick import RAW_ECHO, preview_screen, prompt_screen, saved_note
from services.enums import AttendanceCode, WorkKind
from services.marks import quickmarks
from services.marks.quickmarks import QuickParse
from services.richtext import visible_length
from services.timetable.lesson_sheet import LessonSheet, SheetStudent
from tests.screens import test_teacher_attendance as roll_call

t = translator("ru")
LESSON = 77  # the roll call sheet's
NAMES = [
    ("Иванов", "Пётр"),
    ("Петрова<", "Анна"),
    ("Кузнецова", "Мария"),
    ("Кузнецова", "Дарья"),
    ("Сидоров", "Олег"),
]


def student(n: int, last: str, first: str, code: AttendanceCode | None = None) -> SheetStudent:
    """The roll call's hand-made student, with a surname and a first name to type."""
    short = f"{last} {first[0]}."
    return replace(roll_call.student(n, short, code), last_name=last, first_name=first)


def lesson(*, absent: int | None = None, names: list[tuple[str, str]] = NAMES) -> LessonSheet:
    """The roll call's hand-made sheet (7<А>, lesson 77) with these students."""
    students = (
        student(n, last, first, AttendanceCode.ABSENT if n == absent else None)
        for n, (last, first) in enumerate(names, start=1)
    )
    return roll_call.sheet(*students, taken=absent is not None)


def parsed(sheet: LessonSheet, text: str) -> QuickParse:
    roster = [quickmarks.Student(s.id, s.last_name, s.first_name) for s in sheet.students]
    p = quickmarks.parse(text, roster, WorkKind.ANSWER)
    return quickmarks.check_limits(
        p,
        existing={s.id: 0 for s in sheet.students},
        codes={s.id: s.code for s in sheet.students},
        limit=sheet.max_marks,
    )


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


def test_the_prompt_gives_the_first_surname_as_the_example_and_leads_back_to_the_card() -> None:
    screen = prompt_screen(t, lesson(names=[("Ли<Ю>", "Ян")]))
    (text,) = screen.texts
    assert "7&lt;А&gt;" in text and t("quick.prompt") in text and "Ли&lt;Ю&gt;" in text
    assert labels(screen) == [[t("teacher.btn.back")]]
    assert screen.rows[0][0].action == LessonCb(lesson_id=LESSON, action="open")
    assert "Иванов" in prompt_screen(t, lesson(names=[])).texts[0]


def test_the_preview_shows_what_was_understood_and_asks_about_ambiguous_names() -> None:
    sheet = lesson()
    p = parsed(sheet, "Иванов 5, Петрова 4 кр, Кузнецова 3, Сидоров н, Пупкин 5")
    screen = preview_screen(t, sheet, p)
    (text,) = screen.texts
    assert "Петрова&lt; А." in text  # names escaped
    assert t("quick.preview_title") in text
    assert t("quick.confirm_question", marks=2, absent=1) in text
    assert text.endswith(t("quick.retype"))
    # Kuznetsova: one button per candidate (the item's number first), then save and cancel.
    assert labels(screen) == [
        ["3: Кузнецова М.", "3: Кузнецова Д."],
        [t("quick.save", count=3)],
        [t("teacher.btn.cancel")],
    ]
    assert screen.rows[0][1].action == QuickCb(
        lesson_id=LESSON, action="pick", item=2, student_id=4
    )
    assert screen.rows[1][0].action == QuickCb(lesson_id=LESSON, action="ok", item=0)
    assert screen.rows[2][0].action == QuickCb(lesson_id=LESSON, action="cancel")


def test_many_candidates_go_four_a_row() -> None:
    names = [("Ким", f"Имя{n}") for n in range(6)]
    sheet = lesson(names=names)
    screen = preview_screen(t, sheet, parsed(sheet, "Ким 5"))
    assert [len(row) for row in screen.rows] == [4, 2, 1]  # nothing to save: cancel only
    assert t("quick.nothing") in screen.texts[0]


def test_marks_for_an_absent_student_need_the_button_that_says_so() -> None:
    sheet = lesson(absent=1)
    screen = preview_screen(t, sheet, parsed(sheet, "Иванов 5"))
    assert t("quick.line_for_absent", student="Иванов П.") in screen.texts[0]
    save = screen.rows[0][0]
    assert save.text == t("quick.save_for_absent", count=1)
    assert save.action == QuickCb(lesson_id=LESSON, action="ok", item=1)


def test_a_long_typed_line_is_echoed_clipped_and_escaped() -> None:
    sheet = lesson()
    typed = "Пупкин<b> " + "я" * 200 + " 5"
    screen = preview_screen(t, sheet, parsed(sheet, typed))
    (text,) = screen.texts
    assert "Пупкин&lt;b&gt;" in text and "<b> " not in text
    assert "я" * RAW_ECHO not in text and "…" in text


def test_a_whole_class_of_long_lines_stays_one_message() -> None:
    names = [(f"Фамилия{n:02d}" + "ш" * 150, "Имя") for n in range(40)]
    sheet = lesson(names=names)
    typed = "\n".join(f"{last} 5 кр" for last, _ in names)
    (text,) = preview_screen(t, sheet, parsed(sheet, typed)).texts
    assert visible_length(text) <= 4096 and t("quick.more_lines", count=1).split(":")[0] in text


def test_the_saved_note() -> None:
    assert saved_note(t, 3, 1) == t("quick.saved", marks=3, absent=1)
    assert "3" in saved_note(t, 3, 1)
