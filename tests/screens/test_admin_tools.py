"""The office's journal tools and control works as a person sees them, from hand-made read
models: pickers and their pages, the audit log in the journal's words, dead letters,
substitutions, unfilled lessons, journal checks."""

from __future__ import annotations

import datetime as dt

from i18n import translator
from screens.admin.actions import AuditCb, CheckCb, ControlCb, OfficeCb, PickCb, SubCb
from screens.admin.common import chunks
from screens.admin.control import control_works_screen
from screens.admin.substitutions import CancelCb
from screens.admin.tools import (
    audit_lessons_screen,
    check_ask_screen,
    checks_screen,
    classes_screen,
    days_screen,
    dead_reason,
    dead_screen,
    lesson_audit_screen,
    student_audit_screen,
    students_screen,
    sub_lessons_screen,
    sub_teachers_screen,
    unfilled_screen,
)
from screens.screen import Screen
from screens.teacher.common import pack_day
from services.notifications.dead_letters import DeadLetter
from services.richtext import visible_length
from services.school.audit_trail import AuditRow, LessonTitle
from services.school.office_reads import Choice
from services.timetable.control_works import ControlWorkRow
from services.timetable.journal_control import CheckRow, TeacherUnfilled, UnfilledLesson
from services.timetable.substitutions import LessonRow

TODAY = dt.date(2026, 11, 30)
AT = dt.datetime(2026, 11, 30, 10, 15, tzinfo=dt.UTC)
HOME = OfficeCb(action="home")
LESSON = LessonTitle(41, TODAY, 2, 3, "7<А>", "Алгебра & геометрия")


def actions(screen: Screen) -> list[object]:
    return [b.action for b in screen.buttons]


def test_classes_four_a_row_48_a_page_with_arrows_and_the_checks_list_first() -> None:
    t = translator("ru")
    classes = [Choice(n, f"{n}А") for n in range(1, 61)]
    first = classes_screen(t, "chk", classes, 0)
    assert first.texts == (t("office.pick.class.chk"),)
    assert first.rows[0] == first.rows[0][:1] and first.buttons[0].action == CheckCb(action="list")
    assert [len(row) for row in first.rows[1:]] == [4] * 12 + [1, 1]
    assert first.rows[1][0].action == PickCb(tool="chk", step="next", id=1)
    assert first.rows[-2][0].text == "▶"
    assert first.rows[-2][0].action == PickCb(tool="chk", step="cls", page=1)
    assert first.rows[-1][0].action == HOME
    last = classes_screen(t, "aus", classes, 1)
    assert [len(row) for row in last.rows] == [4, 4, 4, 1, 1]
    assert last.rows[-2][0].text == "◀" and last.rows[-2][0].action == PickCb(
        tool="aus", step="cls"
    )


def test_students_one_a_row_to_their_audit_log() -> None:
    t = translator("ru")
    students = [Choice(100 + n, f"Ученик {n}") for n in range(30)]
    screen = students_screen(t, 3, students, 1)
    assert screen.texts == (
        t(
            "office.pick.student",
        ),
    )
    assert actions(screen)[0] == AuditCb(what="stu", id=124)
    assert screen.rows[-2] == screen.rows[-2][:1] and screen.rows[-2][0].text == "◀"
    assert screen.rows[-2][0].action == PickCb(tool="aus", step="stu", id=3, page=0)
    assert len(screen.buttons) == 6 + 1 + 1


def test_days_of_the_last_week_for_a_lessons_audit() -> None:
    t = translator("ru")
    screen = days_screen(t, 3, TODAY)
    assert [b.text for b in screen.buttons[:2]] == ["30.11", "29.11"]
    assert [len(row) for row in screen.rows] == [4, 4, 1]
    day = TODAY - dt.timedelta(days=7)
    assert screen.rows[1][3].action == PickCb(tool="aul", step="les", id=3, day=pack_day(day))


def test_a_days_lessons_name_the_substitute_or_say_there_are_none() -> None:
    t = translator("ru")
    lessons = [
        LessonRow(41, 1, "Алгебра", "Петрова", None, False, 9),
        LessonRow(42, 2, "Физика", "Сидоров", "Кузнецов", False, 8),
    ]
    screen = audit_lessons_screen(t, TODAY, lessons)
    assert screen.texts == (t("office.pick.lesson", day="30.11.2026"),)
    assert [b.text for b in screen.buttons[:2]] == ["1. Алгебра — Петрова", "2. Физика — Кузнецов"]
    assert actions(screen) == [AuditCb(what="les", id=41), AuditCb(what="les", id=42), HOME]
    empty = audit_lessons_screen(t, TODAY, [])
    assert empty.texts == (t("office.pick.no_lessons", day="30.11.2026"),)


def test_the_audit_log_speaks_the_journals_words_and_escapes() -> None:
    t = translator("ru")
    rows = [
        AuditRow(
            1,
            AT,
            "Учитель <Т>",
            "attendance.set",
            "lesson",
            "41",
            (("code", None, "absent"),),
            None,
        ),
        AuditRow(
            2,
            AT,
            "cli",
            "mark.change",
            "mark",
            "77",
            (("value", 3, 4), ("lesson_id", 41, 41), ("work_kind", "answer", "control")),
            "пересдача & <итог>",
        ),
    ]
    screen = student_audit_screen(t, "Иванов <Пётр>", rows)
    text = "\n".join(screen.texts)
    assert text.startswith(t("office.audit.student", name="Иванов &lt;Пётр&gt;", count=2))
    assert "Учитель &lt;Т&gt;" in text and "посещаемость: присутствие → Н" in text
    assert "отметка: 3 → 4" in text and "вид работы: ответ → контрольная" in text
    assert "пересдача &amp; &lt;итог&gt;" in text
    assert "lesson_id" not in text and "30.11.2026 10:15" in text
    assert actions(screen) == [HOME]
    empty = lesson_audit_screen(t, LESSON, [])
    assert "7&lt;А&gt;" in empty.texts[0] and "Алгебра &amp; геометрия" in empty.texts[0]
    assert empty.texts[0].endswith(t("office.audit.empty"))


def test_dead_letters_name_the_reason_and_everyone_for_a_digest() -> None:
    t = translator("en")
    assert dead_reason("TelegramForbiddenError: bot was blocked by the user") == "blocked"
    assert dead_reason("Bad Request: chat not found") == "chat_not_found"
    assert dead_reason(None) == "other"
    letters = [
        DeadLetter(1, "mark.new", "Петрова <А>", "Too Many Requests: retry after 40", 5, AT),
        DeadLetter(2, "digest.weekly", None, "render failed", 1, AT),
    ]
    screen = dead_screen(t, 12, letters)
    text = "\n".join(screen.texts)
    assert text.startswith(t("office.dead.title", count=12, shown=2))
    assert "Петрова &lt;А&gt;" in text and t("office.dead.reason.too_many") in text
    assert t("office.dead.everyone") in text and t("office.dead.reason.render") in text


def test_substitutions_list_cancelled_lessons_to_put_back_and_note_what_was_done() -> None:
    t = translator("ru")
    lessons = [
        LessonRow(41, 1, "Алгебра", "Петрова", None, False, 9),
        LessonRow(42, 2, "Физика", "Сидоров", "Кузнецов", False, 8),
        LessonRow(43, 3, "Химия", "Орлова", None, True, 7),
    ]
    screen = sub_lessons_screen(t, TODAY, lessons, t("office.subs.saved"))
    assert screen.texts == (
        t("office.subs.saved") + "\n\n" + t("office.subs.pick_lesson", day="30.11.2026"),
    )
    replaced = t("office.subs.replaced", teacher="Сидоров", sub="Кузнецов")
    assert [b.text for b in screen.buttons[:3]] == [
        "1. Алгебра — Петрова",
        f"2. Физика — {replaced}",
        "❌ 3. Химия — Орлова — отменён",
    ]
    assert actions(screen) == [
        SubCb(action="pick", lesson_id=41),
        SubCb(action="pick", lesson_id=42),
        # A cancelled lesson takes no substitute: its button offers to put it back.
        CancelCb(action="back", lesson_id=43),
        # Another class of the same day, or another day.
        PickCb(tool="sub", step="cls", day=pack_day(TODAY)),
        OfficeCb(action="sub"),
        HOME,
    ]


def test_substitute_teachers_two_a_row_paged_then_remove() -> None:
    t = translator("ru")
    teachers = [Choice(200 + n, f"Учитель {n}") for n in range(26)]
    screen = sub_teachers_screen(t, LESSON, teachers, 0)
    assert screen.texts == (
        t("subs.day_line", day="30.11.2026")
        + "\n"
        + t(
            "office.subs.pick_teacher",
            number=2,
            cls="7&lt;А&gt;",
            subject="Алгебра &amp; геометрия",
        ),
    )
    assert [len(row) for row in screen.rows] == [2] * 12 + [1, 1, 1, 1]
    assert screen.rows[0][1].action == SubCb(action="set", lesson_id=41, teacher_id=201)
    assert screen.rows[12][0].action == SubCb(action="page", lesson_id=41, page=1)
    assert screen.rows[13][0].action == SubCb(action="del", lesson_id=41)
    assert screen.rows[14][0].action == CancelCb(action="ask", lesson_id=41)


def test_unfilled_lessons_by_teacher_with_what_is_missing() -> None:
    t = translator("ru")
    lesson = UnfilledLesson(41, TODAY, 2, "7<А>", "Алгебра", ("topic", "homework"))
    teachers = [TeacherUnfilled(9, "Петрова & Ко", [lesson])]
    screen = unfilled_screen(t, TODAY - dt.timedelta(days=7), TODAY, teachers)
    text = screen.texts[0]
    assert "<b>Петрова &amp; Ко</b> — 1" in text
    assert "30.11 №2 7&lt;А&gt; Алгебра: тема, д/з" in text
    none = unfilled_screen(t, TODAY - dt.timedelta(days=7), TODAY, [])
    assert none.texts[0].endswith(t("office.unfilled.none")) and actions(none) == [HOME]


def test_journal_checks_listed_with_their_state_and_a_long_note_cut() -> None:
    t = translator("ru")
    checks = [
        CheckRow(1, "7А", "Завуч <З>", AT, "н" * 400, seen=True, resolved=False),
        CheckRow(2, "8Б", "Завуч", AT, "ok", seen=False, resolved=True),
    ]
    screen = checks_screen(t, checks)
    text = "\n".join(screen.texts)
    assert "Завуч &lt;З&gt;" in text and "н" * 299 + "…" in text and "н" * 300 not in text
    assert t("office.checks.seen") in text and t("office.checks.resolved") in text
    assert actions(screen) == [OfficeCb(action="chk"), HOME]
    ask = check_ask_screen(t, "7<А>")
    assert ask.texts == (t("office.checks.ask", cls="7&lt;А&gt;"),) and actions(ask) == [HOME]


def test_long_lists_are_cut_into_messages_a_messenger_takes() -> None:
    lines = [f"<b>{n}</b> " + "я" * 1000 for n in range(10)]
    parts = chunks(lines)
    assert len(parts) == 3 and all(visible_length(p) <= 4096 for p in parts)
    assert "".join(parts).count("<b>") == 10


def test_control_works_unagreed_are_buttons_to_agree() -> None:
    t = translator("ru")
    rows = [
        ControlWorkRow(5, dt.date(2026, 12, 3), "7<А>", "Алгебра", agreed=False),
        ControlWorkRow(6, dt.date(2026, 12, 4), "8Б", "Физика", agreed=True),
    ]
    screen = control_works_screen(t, rows)
    (text,) = screen.texts
    assert "⏳ 03.12 7&lt;А&gt; — Алгебра" in text and "✅ 04.12 8Б — Физика" in text
    assert actions(screen) == [ControlCb(id=5), HOME]
    assert screen.buttons[0].text == t("office.cw.agree", date="03.12", cls="7<А>")
    empty = control_works_screen(t, [])
    assert empty.texts == (t("office.cw.title") + "\n" + t("office.cw.none"),)
