"""The timetable screen as a person sees it, built from a read model with no messenger at all."""

from __future__ import annotations

import datetime as dt

import pytest

from i18n import translator
from screens.family.timetable import (
    MAX_CLASS_BUTTONS,
    ClassTimetableAction,
    TimetableAction,
    timetable_screen,
)
from screens.screen import Screen
from services.people.context import StudentRef
from services.timetable.timetable_reads import Slot, TimetableDay, TimetablePage

MONDAY = dt.date(2026, 11, 30)


def page(*, student: bool = True, class_id: int | None = None, week: bool = False) -> TimetablePage:
    days = [MONDAY + dt.timedelta(days=i) for i in range(7 if week else 1)]
    slot = Slot(
        1, dt.time(8, 30), dt.time(9, 15), "Математика", "Петрова А. А.", "12", False, False
    )
    return TimetablePage(
        student=StudentRef(id=7, name="Иванов Иван", class_name="5А") if student else None,
        available=True,
        days=[
            TimetableDay(d, None, d.weekday() >= 5, [slot] if d.weekday() < 5 else []) for d in days
        ],
        today=MONDAY,
        class_id=class_id,
        class_name="5А" if class_id else None,
    )


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


def test_a_childs_day_steps_by_day_and_opens_the_week() -> None:
    screen = timetable_screen(translator("ru"), page(), week=False)
    assert "Иванов Иван" in screen.texts[0] and "Математика" in screen.texts[0]
    assert labels(screen) == [["◀ 29.11", "Сегодня", "01.12 ▶"], ["Неделя"]]
    prev, today, nxt, week = screen.buttons
    assert prev.action == TimetableAction(s=7, d=(MONDAY - dt.timedelta(days=1)).toordinal(), w=0)
    assert today.action == TimetableAction(s=7, d=0, w=0)
    assert nxt.action == TimetableAction(s=7, d=(MONDAY + dt.timedelta(days=1)).toordinal(), w=0)
    assert week.action == TimetableAction(s=7, d=MONDAY.toordinal(), w=1)
    assert screen.replace


def test_a_week_steps_by_week_and_goes_back_to_today() -> None:
    screen = timetable_screen(translator("en"), page(week=True), week=True)
    prev, this_week, nxt, day = screen.buttons
    assert prev.action == TimetableAction(s=7, d=(MONDAY - dt.timedelta(days=7)).toordinal(), w=1)
    assert this_week.action == TimetableAction(s=7, d=0, w=1)
    assert nxt.action == TimetableAction(s=7, d=(MONDAY + dt.timedelta(days=7)).toordinal(), w=1)
    assert day.action == TimetableAction(s=7, d=MONDAY.toordinal(), w=0)


def test_a_class_timetable_offers_the_readers_own() -> None:
    screen = timetable_screen(translator("ru"), page(student=False, class_id=3), week=False)
    assert all(isinstance(b.action, ClassTimetableAction) for b in screen.buttons[:4])
    assert screen.buttons[-1].action == TimetableAction(s=0, d=MONDAY.toordinal(), w=0)


def test_staff_get_class_buttons_six_a_row_and_no_more_than_the_cap() -> None:
    classes = [(i, f"{i % 11 + 1}{'АБВГ'[i % 4]}") for i in range(1, 60)]
    screen = timetable_screen(translator("ru"), page(student=False), week=False, classes=classes)
    class_rows = screen.rows[2:]
    assert [len(r) for r in class_rows] == [6] * 8
    shown = [b.action for row in class_rows for b in row]
    assert len(shown) == MAX_CLASS_BUTTONS
    assert shown[0] == ClassTimetableAction(c=1, d=MONDAY.toordinal(), w=0)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_button_packs_within_64_bytes(lang: str) -> None:
    classes = [(2**31 - 1 - i, "11Я") for i in range(MAX_CLASS_BUTTONS)]
    screen = timetable_screen(translator(lang), page(student=False), week=True, classes=classes)
    for button in screen.buttons:
        assert button.action is not None
        packed = button.action.pack()
        assert len(packed.encode()) <= 64
        assert type(button.action).unpack(packed) == button.action
