"""The alert settings and broadcast screens, and the buttons alerts carry, from values alone."""

from __future__ import annotations

import datetime as dt

from i18n import translator
from screens.common.alerts import (
    AbsenceReasonAction,
    BroadcastCb,
    NewsAckAction,
    PrefCb,
    alert_rows,
    broadcast_cancelled_screen,
    broadcast_preview_screen,
    broadcast_stats_screen,
    broadcast_targets_screen,
    broadcast_write_screen,
    reason_saved_screen,
    settings_screen,
)
from services.attendance.alert_kinds import AbsencePayload
from services.enums import Role
from services.messages.alert_kinds import NewsPayload
from services.messages.broadcasts import BroadcastStats
from services.notifications.prefs import Prefs
from services.richtext import visible_length

RU = translator("ru")
EN = translator("en")


def labels(screen: object) -> list[list[str]]:
    return [[b.text for b in row] for row in screen.rows]  # type: ignore[attr-defined]


def test_a_parent_sees_family_settings_without_reminders() -> None:
    prefs = Prefs(marks=False, marks_mode="evening", digest_time=dt.time(19, 0))
    screen = settings_screen(RU, prefs, {Role.PARENT})
    [text] = screen.texts
    lines = text.split("\n")
    assert lines[0] == RU("alerts.settings_title")
    assert lines[1:6] == [
        "✅ Пропуски уроков",
        "▫️ Отметки",
        "▫️ Домашнее задание на завтра (вечером)",
        "✅ Итоги недели (в воскресенье)",
        "✅ Новости школы и класса",
    ]
    assert "Напоминания" not in text
    assert "Вечерняя сводка отметок приходит в 19:00" in text
    assert "21:00–08:00" in lines[-1]
    # one toggle a row, the three modes, the four hours, then the quiet presets
    assert [len(row) for row in screen.rows] == [1, 1, 1, 1, 1, 3, 4, 4]
    assert screen.rows[1][0].action == PrefCb(field="marks", value="1")
    assert screen.rows[0][0].action == PrefCb(field="absences", value="0")
    assert labels(screen)[5] == ["сразу", "раз в час", "● вечером одной сводкой"]
    assert labels(screen)[6] == ["🕕 17:00", "🕕 18:00", "● 🕕 19:00", "🕕 20:00"]
    assert [b.action for b in screen.rows[7]] == [
        PrefCb(field="quiet", value=key) for key in ("21-08", "22-07", "20-09", "off")
    ]
    assert labels(screen)[7] == ["🌙 21–08", "🌙 22–07", "🌙 20–09", "🌙 выкл."]


def test_a_teacher_sees_news_and_reminders_only() -> None:
    screen = settings_screen(EN, Prefs(quiet_from=None, quiet_to=None), {Role.TEACHER})
    assert [b.action for row in screen.rows[:2] for b in row] == [
        PrefCb(field="news", value="0"),
        PrefCb(field="reminders", value="0"),
    ]
    assert [len(row) for row in screen.rows] == [1, 1, 4]
    assert screen.texts[0].split("\n")[-1] == EN("alerts.quiet", hours=EN("alerts.quiet_off"))


def test_broadcast_targets_school_first_then_classes_four_a_row() -> None:
    classes = [(i, f"{i}<А>") for i in range(1, 7)]
    screen = broadcast_targets_screen(RU, True, classes)
    assert screen.texts == (RU("alerts.broadcast_pick"),) and not screen.replace
    assert [len(row) for row in screen.rows] == [1, 4, 2]
    assert screen.rows[0][0].action == BroadcastCb(action="school")
    assert screen.rows[1][0].text == "1<А>"  # a button's label is plain text
    assert screen.rows[2][1].action == BroadcastCb(action="cls", id=6)
    only_classes = broadcast_targets_screen(RU, False, classes[:2])
    assert [len(row) for row in only_classes.rows] == [1, 1]


def test_broadcast_preview_fits_and_keeps_the_buttons_under_the_last_part() -> None:
    short = broadcast_preview_screen(RU, "<b>Собрание</b> 5 &amp; 7", with_file=True)
    [text] = short.texts
    assert "<b>Собрание</b> 5 &amp; 7" in text and text.endswith(RU("alerts.broadcast_with_file"))
    assert [b.action for b in short.buttons] == [
        BroadcastCb(action="send"),
        BroadcastCb(action="cancel"),
    ]
    long = broadcast_preview_screen(RU, " ".join(["Слово"] * 800), with_file=False)
    assert len(long.texts) == 2 and all(visible_length(p) <= 4096 for p in long.texts)
    assert broadcast_write_screen(RU).texts == (RU("alerts.broadcast_write"),)
    assert broadcast_cancelled_screen(RU).rows == ()


def test_broadcast_stats_say_whether_it_is_still_going_out() -> None:
    going = BroadcastStats(
        7, recipients=10, delivered=4, read=1, failed=0, pending=6, not_connected=2
    )
    screen = broadcast_stats_screen(RU, going)
    assert screen.texts[0].startswith("📤 Рассылка отправляется: доставлено 4 из 10.")
    assert [b.action for b in screen.buttons] == [BroadcastCb(action="stats", id=7)]
    done = broadcast_stats_screen(RU, BroadcastStats(7, 10, 10, 3, 0, 0, 0))
    assert done.texts[0].startswith("✅ Рассылка завершена: доставлено 10 из 10.")


def test_alert_buttons() -> None:
    rows = alert_rows("attendance.absent", AbsencePayload(attendance_id=5), RU)
    assert [[b.text for b in row] for row in rows] == [
        ["Болеет", "Уважительная причина", "Не знаю"]
    ]
    assert [b.action for b in rows[0]] == [
        AbsenceReasonAction(id=5, reason=r) for r in ("ill", "excused", "unknown")
    ]
    assert alert_rows("attendance.absent", AbsencePayload(), RU) == ()
    [[ack]] = alert_rows("news.class", NewsPayload(news_id=3), EN)
    assert ack.action == NewsAckAction(id=3) and ack.action.pack() == "news:ack:3"
    assert alert_rows("mark.new", None, RU) == ()


def test_the_answer_goes_under_the_absence_alert() -> None:
    screen = reason_saved_screen(RU, "<b>Пётр</b> отсутствовал", "ill")
    assert screen.texts == ("<b>Пётр</b> отсутствовал\n\n" + RU("alerts.reason_ill"),)
    assert screen.rows == () and screen.replace
