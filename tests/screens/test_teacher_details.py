"""A lesson's details as the teacher and the admin see them, from read models alone."""

from __future__ import annotations

import dataclasses

from i18n import translator
from screens.admin.weights import WeightsCb, pick_screen, weights_screen
from screens.teacher.actions import DetailCb, LessonCb, MarkCb
from screens.teacher.card import card_screen
from screens.teacher.details import comment_screen, weight_screen, work_kind_screen
from services.enums import DEFAULT_WEIGHTS, WorkKind
from services.timetable.lesson_sheet import SheetMark
from tests.screens.test_teacher_day import sheet, student


def test_the_kinds_of_work_three_a_row_the_lessons_own_marked_then_none_and_back() -> None:
    t = translator("ru")
    screen = work_kind_screen(t, sheet(work_kind=WorkKind.LAB))
    assert [len(row) for row in screen.rows] == [3, 3, 3, 2]
    kinds = [b.action for b in screen.buttons]
    assert kinds[:9] == [DetailCb(lesson_id=7, action="kind", kind=k.value) for k in WorkKind]
    assert kinds[9:] == [DetailCb(lesson_id=7, action="kind"), LessonCb(lesson_id=7, action="open")]
    labels = [b.text for b in screen.buttons]
    assert labels[5] == "• " + t("teacher.kind.lab") and not labels[0].startswith("•")


def test_the_card_shows_the_kind_of_work_and_no_homework() -> None:
    t = translator("ru")
    (text,) = card_screen(t, sheet(work_kind=WorkKind.CONTROL, no_homework=True)).texts
    assert t("details.card.work_kind", kind=t("teacher.kind.control")) in text
    assert t("details.card.no_homework") in text and t("teacher.card.homework_none") not in text


def test_a_marks_weight_one_to_ten_and_its_comment_escaped() -> None:
    t = translator("en")
    mark = SheetMark(502, 4, WorkKind.TEST, weight=2, comment="a <b> & c")
    pupil = dataclasses.replace(student(1), marks=(mark,))
    screen = weight_screen(t, 77, pupil, mark)
    assert [len(row) for row in screen.rows] == [5, 5, 1]
    assert screen.buttons[1].text == "• 2"
    assert screen.buttons[9].action == DetailCb(lesson_id=77, action="setw", mark_id=502, weight=10)
    back = MarkCb(lesson_id=77, action="edit", kind="test", student_id=pupil.id, mark_id=502)
    assert screen.buttons[-1].action == back
    asked = comment_screen(t, 77, pupil, mark)
    assert t("details.comment_now", comment="a &lt;b&gt; &amp; c") in asked.texts[0]
    assert [b.action for b in asked.buttons] == [back]


def test_the_schools_weights_a_button_each_and_a_kinds_choice() -> None:
    t = translator("ru")
    weights = dict(DEFAULT_WEIGHTS) | {WorkKind.CONTROL: 5}
    screen = weights_screen(t, weights, note="✅")
    assert screen.texts[0].startswith("✅\n\n" + t("details.weights.title"))
    control = next(b for b in screen.buttons if b.action == WeightsCb(kind="control"))
    assert control.text == t("details.weights.line", kind=t("teacher.kind.control"), weight=5)
    pick = pick_screen(t, WorkKind.CONTROL, 5)
    assert pick.buttons[4].text == "• 5"
    assert pick.buttons[0].action == WeightsCb(kind="control", weight=1)
    assert pick.buttons[-1].action == WeightsCb()
