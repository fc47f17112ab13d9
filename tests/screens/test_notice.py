"""The advance notice's screens as a parent sees them, from read models alone."""

from __future__ import annotations

import datetime as dt

from i18n import translator
from screens.family.actions import NoticeCancelCb, NoticeDayCb, NoticeReasonCb, NoticeWithdrawCb
from screens.family.notice import (
    dates_text,
    days_screen,
    done_screen,
    reasons_screen,
    withdrawn_screen,
)
from screens.family.render import date_long, date_short
from screens.screen import Screen
from services.attendance.notices import NoticeView
from services.people.context import StudentRef

TODAY = dt.date(2026, 11, 30)
MONDAY = TODAY + dt.timedelta(days=7)
ANNA = StudentRef(id=11, name="Анна <Смирнова>", class_name="5А")


def labels(screen: Screen) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]


def test_days_today_and_the_next_school_day_then_another_day_then_cancel() -> None:
    t = translator("ru")
    tomorrow = TODAY + dt.timedelta(days=1)
    screen = days_screen(t, ANNA, TODAY, tomorrow, [])
    assert [len(row) for row in screen.rows] == [2, 1, 1]
    assert [b.action for b in screen.buttons] == [
        NoticeDayCb(s=11, a=TODAY.toordinal()),
        NoticeDayCb(s=11, a=tomorrow.toordinal()),
        NoticeDayCb(s=11, a=0),
        NoticeCancelCb(s=11),
    ]
    assert labels(screen)[1:] == [[t("notice.btn.other_day")], [t("notice.btn.cancel")]]
    (text,) = screen.texts
    assert "Анна &lt;Смирнова&gt;" in text and text.endswith(t("notice.ask_day"))
    assert not screen.replace


def test_upcoming_notices_listed_each_withdrawn_by_a_button_the_newest_first() -> None:
    t = translator("en")
    upcoming = [
        NoticeView(5, TODAY, TODAY, "a <b> & c"),
        NoticeView(6, MONDAY, MONDAY + dt.timedelta(days=1), "trip"),
    ]
    screen = days_screen(t, ANNA, TODAY, MONDAY, upcoming)
    assert [b.action for b in screen.buttons[:2]] == [NoticeWithdrawCb(n=6), NoticeWithdrawCb(n=5)]
    assert [len(row) for row in screen.rows] == [1, 1, 2, 1, 1]
    assert "a &lt;b&gt; &amp; c" in screen.texts[0]


def test_reasons_ill_and_family_on_a_row_then_other_then_cancel() -> None:
    t = translator("ru")
    a, b = TODAY.toordinal(), MONDAY.toordinal()
    screen = reasons_screen(t, ANNA, TODAY, MONDAY)
    assert [len(row) for row in screen.rows] == [2, 1, 1]
    assert [b_.action for b_ in screen.buttons] == [
        NoticeReasonCb(s=11, a=a, b=b, r="ill"),
        NoticeReasonCb(s=11, a=a, b=b, r="family"),
        NoticeReasonCb(s=11, a=a, b=b, r="other"),
        NoticeCancelCb(s=11),
    ]
    period = dates_text(t, TODAY, MONDAY)
    assert period == t("notice.period", start=date_short(t, TODAY), end=date_short(t, MONDAY))
    assert (
        screen.replace and period in screen.texts[0] and "Анна &lt;Смирнова&gt;" in screen.texts[0]
    )
    one_day = reasons_screen(t, ANNA, TODAY, TODAY, replace=False)
    assert date_long(t, TODAY, mid=True) in one_day.texts[0] and not one_day.replace


def test_done_says_whether_the_class_teacher_was_told_the_reason_escaped() -> None:
    t = translator("ru")
    told = done_screen(t, ANNA, TODAY, TODAY, "<врач>", told_teacher=True)
    alone = done_screen(t, ANNA, TODAY, TODAY, "<врач>", told_teacher=False)
    assert told.texts != alone.texts
    assert "&lt;врач&gt;" in told.texts[0] and "<врач>" not in told.texts[0]
    assert told.rows == () and alone.rows == ()


def test_withdrawn_names_the_dates_in_place() -> None:
    t = translator("en")
    screen = withdrawn_screen(t, NoticeView(5, TODAY, MONDAY, "trip"))
    assert screen.replace and screen.rows == ()
    assert "trip" not in screen.texts[0] and screen.texts[0] != "notice.withdrawn"
