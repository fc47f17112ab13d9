"""The substitution screens without a messenger: the day picker, the classes of a day, the
teachers with a busy one marked, the log and its spreadsheet; the distance toggle."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from i18n import translator
from screens.admin.actions import PickCb, SubCb
from screens.admin.substitutions import (
    SubDayCb,
    SubLogCb,
    classes_screen,
    days_screen,
    log_file_screen,
    log_period,
    log_screen,
)
from screens.admin.tools import sub_teachers_screen
from screens.teacher.common import pack_day
from services.school.audit_trail import LessonTitle
from services.school.office_reads import Choice
from services.timetable.substitutions import Candidate, LogRow

WEDNESDAY = dt.date(2026, 11, 18)
ROW = LogRow(
    date=WEDNESDAY,
    number=2,
    class_name="7<А>",
    subject="Алгебра & геометрия",
    absent="Петрова Анна",
    substitute="Сидоров Иван",
    reason="курсы",
    recorded_at=dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC),
    recorded_by="Завучева Зоя",
)


def test_the_day_picker_today_tomorrow_the_week_a_typed_date_and_the_log() -> None:
    t = translator("ru")
    screen = days_screen(t, WEDNESDAY)
    labels = [b.text for b in screen.buttons]
    assert labels[:3] == ["Сегодня, 18.11", "Завтра, 19.11", "Пт 20.11"]
    assert labels[7] == "Ср 25.11"
    assert screen.buttons[1].action == SubDayCb(
        action="cls", day=pack_day(WEDNESDAY + dt.timedelta(days=1))
    )
    assert SubDayCb(action="type") in [b.action for b in screen.buttons]
    assert [b.action for b in screen.buttons if isinstance(b.action, SubLogCb)] == [
        SubLogCb(per="week"),
        SubLogCb(per="month"),
        SubLogCb(per="prev"),
    ]
    for b in screen.buttons:
        assert b.action is not None and len(b.action.pack().encode()) <= 64


def test_the_classes_of_a_day_carry_the_day() -> None:
    t = translator("en")
    classes = [Choice(n, f"{n}А") for n in range(1, 60)]
    screen = classes_screen(t, WEDNESDAY, classes, 0)
    assert "18.11.2026" in screen.texts[0]
    assert screen.buttons[0].action == PickCb(
        tool="sub", step="next", id=1, day=pack_day(WEDNESDAY)
    )
    assert SubDayCb(action="cls", day=pack_day(WEDNESDAY), page=1) in [
        b.action for b in screen.buttons
    ]


def test_a_busy_teacher_is_marked_and_warned() -> None:
    t = translator("ru")
    lesson = LessonTitle(41, WEDNESDAY, 2, 7, "7А", "Алгебра")
    free, busy = Candidate(1, "Иванова Анна"), Candidate(2, "Петров Пётр", "8<Б>")
    screen = sub_teachers_screen(t, lesson, [free, busy], 0)
    assert [b.text for b in screen.buttons[:2]] == ["Иванова Анна", "⚠ Петров Пётр (ведёт 8<Б>)"]
    assert screen.buttons[1].action == SubCb(action="set", lesson_id=41, teacher_id=2)
    assert t("subs.busy_note") in screen.texts[0]
    calm = sub_teachers_screen(t, lesson, [free], 0)
    assert t("subs.busy_note") not in calm.texts[0]


def test_log_periods() -> None:
    assert log_period("week", WEDNESDAY) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert log_period("month", WEDNESDAY) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert log_period("prev", WEDNESDAY) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert log_period("prev", dt.date(2027, 1, 5)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


def test_the_log_escaped_once_and_its_spreadsheet() -> None:
    t = translator("ru")
    start, end = log_period("week", WEDNESDAY)
    screen = log_screen(t, "week", start, end, [ROW])
    text = "\n".join(screen.texts)
    assert "1 замена" in text
    assert "18.11, 2-й урок, 7&lt;А&gt;, Алгебра &amp; геометрия" in text
    assert "Петрова Анна → <b>Сидоров Иван</b> (курсы)" in text
    assert SubLogCb(per="week", fmt="xlsx") in [b.action for b in screen.buttons]
    empty = log_screen(t, "prev", start, end, [])
    assert t("subs.log.empty") in "\n".join(empty.texts)
    assert SubLogCb(per="prev", fmt="xlsx") not in [b.action for b in empty.buttons]
    [file] = log_file_screen(t, start, end, [ROW]).attachments
    assert file.filename == "substitutions_20261116_20261122.xlsx"
    rows = list(load_workbook(io.BytesIO(file.data)).active.iter_rows(values_only=True))
    assert any(
        r[:6] == ("18.11.2026", 2, "7<А>", "Алгебра & геометрия", "Петрова Анна", "Сидоров Иван")
        for r in rows
    )


def test_the_distance_toggle_on_the_lesson_card() -> None:
    import dataclasses

    from screens.teacher.card import card_screen
    from screens.teacher.distance import DistanceCb
    from services.timetable.lesson_sheet import LessonLock
    from tests.screens.test_teacher_day import sheet

    t = translator("ru")
    own = sheet()
    screen = card_screen(t, own)
    assert DistanceCb(lesson_id=7, on=1) in [b.action for b in screen.buttons]
    held = card_screen(t, dataclasses.replace(own, distance=True))
    assert DistanceCb(lesson_id=7, on=0) in [b.action for b in held.buttons]
    assert t("distance.mark") in held.texts[0]
    for other in (
        dataclasses.replace(own, cancelled=True),
        dataclasses.replace(own, can_edit=False),
        dataclasses.replace(own, records_lock=LessonLock("journal.lesson_locked", {})),
    ):
        assert not any(isinstance(b.action, DistanceCb) for b in card_screen(t, other).buttons)
    ahead = dataclasses.replace(own, records_lock=LessonLock("journal.lesson_in_future", {}))
    assert DistanceCb(lesson_id=7, on=1) in [b.action for b in card_screen(t, ahead).buttons]
