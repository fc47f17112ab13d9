"""A lesson's topic and homework as the teacher fills them in.

Topic: the next unused lines of the thematic plan as buttons, or typed. Homework: a draft
collected over several messages (text, photos, files), for the whole class or chosen students,
saved with one tap; each step ends on the lesson card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from i18n import Translator
from screens.screen import Button, Screen, rows_of
from screens.teacher import details
from screens.teacher.actions import HwCb, TopicCb
from screens.teacher.card import back_button, card_screen, topic_line
from screens.teacher.common import lesson_title
from services.homework.topics import TopicChoice
from services.richtext import escape
from services.timetable.lesson_sheet import LessonSheet

MAX_TOPIC_LABEL = 64
MAX_DRAFT_TEXT = 1000
MAX_HOMEWORK_TEXT = 300


@dataclass(frozen=True)
class HomeworkDraft:
    """What the teacher has sent so far: the text, how many files, for whom (empty: all)."""

    text: str = ""
    files: int = 0
    students: frozenset[int] = frozenset()


def topic_screen(t: Translator, sheet: LessonSheet, choices: Sequence[TopicChoice]) -> Screen:
    """The topic now, the plan's next lines to pick, or type one; back to the card."""
    lid = sheet.lesson_id
    buttons = [
        Button(
            f"{c.number}. {c.topic}"[:MAX_TOPIC_LABEL],
            TopicCb(lesson_id=lid, item_id=c.plan_item_id),
        )
        for c in choices
    ]
    buttons.append(back_button(t, lid))
    lines = [lesson_title(t, sheet), topic_line(t, sheet)]
    lines.append(t("teacher.topic.prompt_plan") if choices else t("teacher.topic.prompt"))
    return Screen(("\n".join(lines),), rows_of(buttons, 1))


def topic_saved_screen(t: Translator, sheet: LessonSheet) -> Screen:
    return card_screen(t, sheet, note=t("teacher.topic.saved"))


def _draft_buttons(t: Translator, lesson_id: int, *, savable: bool) -> list[Button]:
    buttons = []
    if savable:
        buttons.append(Button(t("teacher.hw.save"), HwCb(lesson_id=lesson_id, action="save")))
    buttons.append(Button(t("teacher.hw.individual"), HwCb(lesson_id=lesson_id, action="who")))
    buttons.append(Button(t("teacher.btn.cancel"), HwCb(lesson_id=lesson_id, action="cancel")))
    return buttons


def homework_screen(t: Translator, sheet: LessonSheet) -> Screen:
    """The homework set now (if any) and the prompt to send the new one."""
    lines = [lesson_title(t, sheet)]
    if sheet.homework:
        hw = sheet.homework[0]
        text = escape(hw.text[:MAX_HOMEWORK_TEXT])
        lines.append(t("teacher.card.homework", text=text, files=len(hw.files)))
    elif sheet.no_homework:
        lines.append(t("details.homework_now_none"))
    lines.append(t("teacher.hw.prompt"))
    buttons = _draft_buttons(t, sheet.lesson_id, savable=False)
    buttons[-1:-1] = details.homework_buttons(t, sheet)
    return Screen(("\n".join(lines),), rows_of(buttons, 1))


def draft_screen(t: Translator, sheet: LessonSheet, draft: HomeworkDraft) -> Screen:
    """The draft so far: for whom, how many files, its text; save it, choose students, cancel."""
    who = (
        ", ".join(escape(s.short_name) for s in sheet.students if s.id in draft.students)
        if draft.students
        else t("teacher.hw.whole_class")
    )
    lines = [lesson_title(t, sheet), t("teacher.hw.draft", files=draft.files, who=who)]
    lines.append(escape(draft.text[:MAX_DRAFT_TEXT]) if draft.text else t("teacher.hw.no_text"))
    lines.append(t("teacher.hw.more"))
    savable = bool(draft.text or draft.files)
    buttons = _draft_buttons(t, sheet.lesson_id, savable=savable)
    return Screen(("\n".join(lines),), rows_of(buttons, 1))


def students_screen(t: Translator, sheet: LessonSheet, draft: HomeworkDraft) -> Screen:
    """Who gets the homework: every student a toggle, two per row; done: back to the draft."""
    lid = sheet.lesson_id
    toggles = [
        Button(
            ("☑️ " if s.id in draft.students else "▫️ ") + s.short_name,
            HwCb(lesson_id=lid, action="tog", student_id=s.id),
        )
        for s in sheet.students
    ]
    done = Button(t("teacher.hw.done"), HwCb(lesson_id=lid, action="done"))
    text = lesson_title(t, sheet) + "\n" + t("teacher.hw.pick_students")
    return Screen((text,), (*rows_of(toggles, 2), (done,)))


def homework_saved_screen(t: Translator, sheet: LessonSheet) -> Screen:
    return card_screen(t, sheet, note=t("teacher.hw.saved"))
