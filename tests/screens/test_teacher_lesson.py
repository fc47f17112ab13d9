"""What a teacher fills in from the lesson card — topic, homework, a control work — and a
deputy's unlock prompt, as a person sees them, from read models alone."""

from __future__ import annotations

import datetime as dt

from i18n import translator
from screens.screen import Screen
from screens.teacher.actions import DayCb, DetailCb, HwCb, LessonCb, TopicCb, UnlockCb
from screens.teacher.common import lesson_title
from screens.teacher.control import control_work_screen
from screens.teacher.topic import (
    HomeworkDraft,
    draft_screen,
    homework_saved_screen,
    homework_screen,
    students_screen,
    topic_saved_screen,
    topic_screen,
)
from screens.teacher.unlock import reason_screen, reason_text, unlocked_screen
from services.enums import WorkKind
from services.homework.topics import TopicChoice
from services.models import ControlWork
from services.timetable.control_works import ControlWorkResult
from services.timetable.diary import HomeworkView
from tests.screens.test_teacher_day import sheet, student


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


# --------------------------------------------------------------------------- topic


def test_the_plans_next_lines_are_buttons_one_per_row_then_back() -> None:
    t = translator("ru")
    choices = [TopicChoice(31, 4, "Дроби <и> доли"), TopicChoice(32, 5, "Я" * 100)]
    screen = topic_screen(t, sheet(topic="Старая & тема"), choices)
    assert labels(screen) == [["4. Дроби <и> доли"], ["5. " + "Я" * 61], [t("teacher.btn.back")]]
    assert [b.action for b in screen.buttons] == [
        TopicCb(lesson_id=7, item_id=31),
        TopicCb(lesson_id=7, item_id=32),
        LessonCb(lesson_id=7, action="open"),
    ]
    assert screen.texts[0].split("\n")[-2:] == [
        t("teacher.card.topic", topic="Старая &amp; тема"),
        t("teacher.topic.prompt_plan"),
    ]


def test_without_a_plan_the_topic_is_typed() -> None:
    t = translator("en")
    screen = topic_screen(t, sheet(), [])
    assert labels(screen) == [[t("teacher.btn.back")]]
    assert screen.texts[0].endswith(t("teacher.card.topic_none") + "\n" + t("teacher.topic.prompt"))


def test_a_saved_topic_or_homework_ends_on_the_card() -> None:
    t = translator("ru")
    topic = topic_saved_screen(t, sheet(topic="Дроби"))
    assert topic.texts[0].startswith(t("teacher.topic.saved") + "\n\n" + lesson_title(t, sheet()))
    assert LessonCb(lesson_id=7, action="hw") in [b.action for b in topic.buttons]
    homework = homework_saved_screen(t, sheet())
    assert homework.texts[0].startswith(t("teacher.hw.saved") + "\n\n")
    assert homework.buttons[-1].action == DayCb(teacher_id=42, day=20261130)


# --------------------------------------------------------------------------- homework


def test_the_homework_prompt_shows_the_current_one_escaped() -> None:
    t = translator("ru")
    hw = HomeworkView("№ 5 <б> & " + "x" * 400, False, None, (("photo", "f", None),) * 2)
    screen = homework_screen(t, sheet(homework=(hw,)))
    text = screen.texts[0]
    assert t("teacher.card.homework", text="№ 5 &lt;б&gt; &amp; " + "x" * 290, files=2) in text
    assert text.endswith(t("teacher.hw.prompt"))
    assert labels(screen) == [
        [t("teacher.hw.individual")],
        [t("details.btn.no_homework")],
        [t("teacher.btn.cancel")],
    ]
    assert [b.action for b in screen.buttons] == [
        HwCb(lesson_id=7, action="who"),
        DetailCb(lesson_id=7, action="nohw"),
        HwCb(lesson_id=7, action="cancel"),
    ]


def test_an_empty_draft_cannot_be_saved_and_is_for_the_whole_class() -> None:
    t = translator("en")
    screen = draft_screen(t, sheet(), HomeworkDraft())
    assert t("teacher.hw.draft", files=0, who=t("teacher.hw.whole_class")) in screen.texts[0]
    assert t("teacher.hw.no_text") in screen.texts[0]
    assert [b.action for b in screen.buttons] == [
        HwCb(lesson_id=7, action="who"),
        HwCb(lesson_id=7, action="cancel"),
    ]


def test_a_draft_for_chosen_students_escapes_names_and_text() -> None:
    t = translator("ru")
    students = (student(1, short_name="<Аня> & Co"), student(2), student(3))
    draft = HomeworkDraft(text="Упр. <3> & " + "я" * 2000, files=1, students=frozenset({101, 103}))
    screen = draft_screen(t, sheet(students=students), draft)
    text = screen.texts[0]
    assert t("teacher.hw.draft", files=1, who="&lt;Аня&gt; &amp; Co, Ученик3 И.") in text
    assert "Упр. &lt;3&gt; &amp; " in text and "я" * 989 in text and "я" * 990 not in text
    assert text.endswith(t("teacher.hw.more"))
    assert screen.buttons[0].text == t("teacher.hw.save")
    assert screen.buttons[0].action == HwCb(lesson_id=7, action="save")
    assert [len(row) for row in screen.rows] == [1, 1, 1]


def test_choosing_students_toggles_two_per_row_then_done() -> None:
    t = translator("ru")
    students = tuple(student(n) for n in range(1, 6))
    screen = students_screen(t, sheet(students=students), HomeworkDraft(students=frozenset({102})))
    assert labels(screen) == [
        ["▫️ Ученик1 И.", "☑️ Ученик2 И."],
        ["▫️ Ученик3 И.", "▫️ Ученик4 И."],
        ["▫️ Ученик5 И."],
        [t("teacher.hw.done")],
    ]
    assert screen.rows[0][1].action == HwCb(lesson_id=7, action="tog", student_id=102)
    assert screen.rows[-1][0].action == HwCb(lesson_id=7, action="done")
    assert screen.texts[0].endswith("\n" + t("teacher.hw.pick_students"))


# --------------------------------------------------------------------------- control work


def control_work(agreed: bool) -> ControlWork:
    agreed_at = dt.datetime(2026, 11, 20, tzinfo=dt.UTC) if agreed else None
    return ControlWork(date=dt.date(2026, 12, 3), kind=WorkKind.CONTROL, agreed_at=agreed_at)


def test_a_proposed_control_work_with_an_escaped_warning_and_back_to_the_card() -> None:
    t = translator("ru")
    params = {"count": 2, "limit": 1, "class": "7<А>", "date": "03.12", "subjects": "a & b"}
    warning = ("control_work.too_many", params)
    screen = control_work_screen(t, 7, ControlWorkResult(control_work(False), [warning]))
    first, second = screen.texts[0].split("\n")
    assert first == t("teacher.cw.proposed", date="03.12.2026")
    assert second.startswith("⚠️ ") and "7&lt;А&gt;" in second and "a &amp; b" in second
    assert labels(screen) == [[t("teacher.btn.back")]]
    assert screen.buttons[0].action == LessonCb(lesson_id=7, action="open")


def test_an_agreed_control_work_is_set() -> None:
    t = translator("en")
    screen = control_work_screen(t, 7, ControlWorkResult(control_work(True)))
    assert screen.texts == (t("teacher.cw.set", date="03.12.2026"),)


# --------------------------------------------------------------------------- unlock


def test_the_unlock_prompt_offers_preset_reasons_then_cancel() -> None:
    t = translator("ru")
    screen = reason_screen(t, sheet(), 48)
    assert screen.texts == (lesson_title(t, sheet()) + "\n" + t("teacher.unlock.ask", hours=48),)
    assert labels(screen) == [
        [t("teacher.unlock.reason_outage")],
        [t("teacher.unlock.reason_fix")],
        [t("teacher.btn.cancel")],
    ]
    assert [b.action for b in screen.buttons] == [
        UnlockCb(lesson_id=7, reason=1),
        UnlockCb(lesson_id=7, reason=2),
        LessonCb(lesson_id=7, action="open"),
    ]
    assert reason_text(t, 2) == t("teacher.unlock.reason_fix")
    assert reason_text(t, 3) is None and reason_text(t, 0) is None


def test_an_unlocked_lesson_shows_its_card_under_the_note() -> None:
    t = translator("en")
    screen = unlocked_screen(t, sheet(can_edit=False, can_unlock=True), 48)
    assert screen.texts[0].startswith(t("teacher.unlock.done", hours=48) + "\n\n")
    assert screen.buttons[-1].action == DayCb(teacher_id=42, day=20261130)
