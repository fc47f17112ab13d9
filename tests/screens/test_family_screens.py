"""The family's marks and attendance screens as a person sees them, from read models alone."""

from __future__ import annotations

import datetime as dt

from i18n import translator
from screens.family.child import ChildAction, child_screen
from screens.family.diary import DiaryAction, DiaryFilesAction, diary_screen, files_screen
from screens.family.marks import (
    AttendanceAction,
    ChartAction,
    MarksAction,
    attendance_screen,
    chart_screen,
    has_chart,
    marks_screen,
)
from screens.screen import Screen
from services.attendance.attendance_views import AttendancePage
from services.enums import PeriodKind, Role, WorkKind
from services.marks.mark_reads import MarksPage, SubjectReport
from services.models import StudyPeriod
from services.people.context import ChatContext, StudentRef
from services.people.family import Sections
from services.timetable.diary import DiaryDay, DiaryPage, MarkView

TODAY = dt.date(2026, 11, 30)
ANNA = StudentRef(id=11, name="Анна <Смирнова>", class_name="5А")


def quarters(n: int = 4) -> list[StudyPeriod]:
    return [
        StudyPeriod(
            id=100 + i,
            kind=PeriodKind.QUARTER,
            number=i,
            name=f"{i} четверть",
            starts_on=dt.date(2026, 9, 1) + dt.timedelta(weeks=10 * (i - 1)),
            ends_on=dt.date(2026, 9, 1) + dt.timedelta(weeks=10 * i, days=-3),
        )
        for i in range(1, n + 1)
    ]


def marks_page(*, with_marks: bool, periods: int = 4) -> MarksPage:
    marks = (MarkView(1, 5, WorkKind.CLASSWORK, 1, None, TODAY),) if with_marks else ()
    report = SubjectReport(1, "Математика", marks, None, None, False, None, None, None)
    all_periods = quarters(periods)
    return MarksPage(ANNA, True, all_periods[1], all_periods, [report], TODAY)


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


def test_marks_periods_on_one_row_the_current_marked_then_the_chart() -> None:
    screen = marks_screen(translator("ru"), marks_page(with_marks=True))
    assert [len(r) for r in screen.rows] == [4, 1]
    assert labels(screen)[0][1].startswith("• ") and labels(screen)[0][1].endswith(" •")
    assert screen.rows[0][0].action == MarksAction(s=11, p=101)
    assert screen.rows[1][0].action == ChartAction(s=11, p=102)


def test_no_marks_no_chart_button() -> None:
    page = marks_page(with_marks=False)
    screen = marks_screen(translator("en"), page)
    assert not has_chart(page)
    assert [len(r) for r in screen.rows] == [4]
    assert not any(isinstance(b.action, ChartAction) for b in screen.buttons)


def test_the_chart_is_a_new_picture_with_the_name_escaped() -> None:
    screen = chart_screen(translator("ru"), marks_page(with_marks=True))
    assert not screen.replace and screen.texts == () and screen.rows == ()
    (picture,) = screen.attachments
    assert picture.kind == "photo" and picture.data.startswith(b"\x89PNG")
    assert "Анна &lt;Смирнова&gt;" in picture.caption


def test_attendance_periods_four_a_row() -> None:
    page = AttendancePage(ANNA, True, None, quarters(), {}, [], 0, TODAY)
    screen = attendance_screen(translator("ru"), page)
    assert [len(r) for r in screen.rows] == [4]
    assert screen.buttons[3].action == AttendanceAction(s=11, p=104)


def context_of(*students: StudentRef, chosen: StudentRef) -> ChatContext:
    return ChatContext(Role.PARENT, (Role.PARENT,), chosen, tuple(students))


def test_a_parent_of_two_picks_a_child_the_chosen_one_ticked() -> None:
    boris = StudentRef(id=12, name="Борис Смирнов", class_name=None)
    screen = child_screen(
        translator("ru"), context_of(ANNA, boris, chosen=boris), "family.child.chosen"
    )
    assert labels(screen) == [["Анна <Смирнова>, 5А"], ["✅ Борис Смирнов"]]
    assert [b.action for b in screen.buttons] == [ChildAction(s=11), ChildAction(s=12)]
    assert "Борис Смирнов" in screen.texts[0]


def test_an_only_child_needs_no_buttons() -> None:
    screen = child_screen(translator("en"), context_of(ANNA, chosen=ANNA), "family.child.only_one")
    assert screen.rows == () and "Анна &lt;Смирнова&gt;" in screen.texts[0]


def test_a_diary_day_steps_between_school_days_and_offers_the_week() -> None:
    page = DiaryPage(ANNA, TODAY, TODAY, TODAY, Sections(), [DiaryDay(TODAY, None, False)])
    friday, tuesday = TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=1)
    screen = diary_screen(translator("ru"), page, week=False, around=(friday, tuesday))
    assert labels(screen) == [
        ["◀ 27.11", "Сегодня", "01.12 ▶"],
        ["Неделя"],
        ["📝 Контрольные работы"],
    ]
    assert screen.buttons[0].action == DiaryAction(s=11, d=friday.toordinal())
    assert screen.buttons[3].action == DiaryAction(s=11, d=TODAY.toordinal(), w=1)


def test_the_files_button_goes_beside_the_week_switch() -> None:
    page = DiaryPage(ANNA, TODAY, TODAY, TODAY, Sections(), [DiaryDay(TODAY, None, False)])
    screen = diary_screen(translator("ru"), _with_files(page), week=False)
    assert [len(r) for r in screen.rows] == [3, 2, 1]  # the control works below
    assert screen.rows[1][1].action == DiaryFilesAction(s=11, d=TODAY.toordinal(), w=0)


def _with_files(page: DiaryPage) -> DiaryPage:
    """The page with two homework files (they come from the lessons' homework: stood in)."""

    class WithFiles(DiaryPage):
        @property
        def files(self) -> list[tuple[str, str, str | None]]:
            return [("photo", "AgAD1", "доска.jpg"), ("document", "BQAD2", None)]

    return WithFiles(**{f: getattr(page, f) for f in page.__dataclass_fields__})


def test_files_are_sent_once_each_with_their_names_escaped() -> None:
    screen = files_screen(
        [("photo", "AgAD1", "<доска>.jpg"), ("photo", "AgAD1", "<доска>.jpg"), ("doc", "B2", None)]
    )
    assert not screen.replace and screen.texts == ()
    photo, document = screen.attachments
    assert (photo.kind, photo.ref, photo.caption) == ("photo", "AgAD1", "&lt;доска&gt;.jpg")
    assert (document.kind, document.ref, document.caption) == ("document", "B2", "")
