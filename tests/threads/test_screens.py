"""The messages' screens without a messenger: the list with unread counts, a thread's page with
its marks and files (one sent from another messenger said plainly), "held until 8:00", the
alert's buttons, and buttons that survive a round trip within 64 bytes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from i18n import translator
from screens.bounds import RefusedButton
from screens.common.threads import (
    ThreadCb,
    ThreadNewCb,
    alert_rows,
    list_screen,
    sent_screen,
    teachers_screen,
    thread_screen,
)
from services.family_messages import reads
from services.family_messages.alert_kinds import ThreadMessagePayload
from services.family_messages.threads import Sent

MSK = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 11, 18, 21, 30, tzinfo=MSK)
RU = translator("ru")
EN = translator("en")


def line(mid: int, *, mine: bool, status: str | None, **kw: object) -> reads.MessageLine:
    values: dict[str, object] = {
        "message_id": mid,
        "mine": mine,
        "author": "Иванова Елена" if mine else "Учителев Иван",
        "from_teacher": not mine,
        "at": dt.datetime(2026, 11, 18, 10, mid, tzinfo=MSK),
        "text": f"текст {mid} <b>",
        "attachment_kind": None,
        "attachment_ref": None,
        "attachment_name": None,
        "messenger": "telegram",
        "status": status,
    }
    values.update(kw)
    return reads.MessageLine(**values)  # type: ignore[arg-type]


def page(
    *messages: reads.MessageLine, closed: bool = False, role: str = "family"
) -> reads.ThreadPage:
    return reads.ThreadPage(
        1,
        role,
        "Учителев Иван",
        "Пётр Иванов",
        "7А",
        "family",
        closed,
        messages,
        0,
        2,
        "Europe/Moscow",
    )


def labels(screen: object) -> list[str]:
    return [b.text for row in screen.rows for b in row]  # type: ignore[attr-defined]


def test_thread_page_shows_marks_escaped_text_and_files() -> None:
    view = page(
        line(1, mine=True, status=reads.READ),
        line(
            2,
            mine=False,
            status=None,
            attachment_kind="photo",
            attachment_ref="max:tok",
            attachment_name="дз.jpg",
            messenger="max",
        ),
        line(
            3,
            mine=True,
            status=reads.HELD,
            attachment_kind="document",
            attachment_ref="d1",
            attachment_name="справка.pdf",
        ),
    )
    screen = thread_screen(RU, view, messenger="telegram")
    text = "\n".join(screen.texts)
    assert text.startswith("✉️ <b>Учителев Иван</b> — о ребёнке Пётр Иванов, 7А")
    assert "<b>Иванова Елена</b> · 18.11 10:01 ✓✓\nтекст 1 &lt;b&gt;" in text
    assert "<b>Иванова Елена</b> · 18.11 10:03 ⏳" in text
    assert "📎 Фото дз.jpg — отправлено в MAX, здесь его не открыть" in text
    assert "⏳ ждёт рабочего времени учителя" in text
    # Only the file of this messenger has a button; older page ◀, the family's actions.
    assert labels(screen) == [
        "◀",
        "📎 Открыть справка.pdf",
        "↩️ Ответить",
        "⬅️ Все переписки",
    ]


def test_closed_thread_for_family_and_teacher() -> None:
    view = page(line(1, mine=True, status=reads.SENT), closed=True)
    family = thread_screen(RU, view)
    assert "🔒 Учитель закрыл переписку" in family.texts[0]
    assert "↩️ Ответить" not in labels(family)
    teacher = thread_screen(EN, page(line(1, mine=False, status=None), closed=True, role="teacher"))
    assert "↩️ Reply" in labels(teacher) and "🔓 Reopen the conversation" in labels(teacher)


def test_list_and_teachers() -> None:
    items = [
        reads.ThreadItem(
            5, "teacher", "Пётр Иванов", "Пётр Иванов", "7А", 2, None, False, "family"
        ),
        reads.ThreadItem(
            6, "family", "Учителев Иван", "Пётр Иванов", "7А", 0, None, True, "family"
        ),
    ]
    screen = list_screen(RU, items, [(9, "Пётр Иванов")])
    assert labels(screen) == [
        "Пётр Иванов (7А) · 🔴 2",
        "Учителев Иван — о ребёнке Пётр Иванов · 🔒",
        "✍️ Написать учителю: Пётр Иванов",
    ]
    choice = reads.ChildTeachers(
        9,
        "Пётр Иванов",
        "7А",
        (
            reads.TeacherChoice(3, "Классная Мария", ("Английский язык",), True),
            reads.TeacherChoice(4, "Учителев Иван", ("Алгебра", "Геометрия"), False),
        ),
    )
    screen = teachers_screen(RU, choice, "вопрос <i>")
    assert "«вопрос &lt;i&gt;»" in screen.texts[0]
    assert labels(screen)[:2] == [
        "Классная Мария — классный руководитель",
        "Учителев Иван — Алгебра, Геометрия",
    ]
    data = [b.action.pack() for row in screen.rows for b in row if b.action is not None]
    assert data[1] == ThreadNewCb(s=9, t=4, d=1).pack()


@pytest.mark.parametrize(
    ("deliver", "expected"),
    [
        (dt.datetime(2026, 11, 19, 8, 0, tzinfo=MSK), "учитель получит сообщение завтра в 8:00."),
        (dt.datetime(2026, 11, 23, 8, 0, tzinfo=MSK), "учитель получит сообщение 23.11 в 8:00."),
    ],
)
def test_held_message_says_when(deliver: dt.datetime, expected: str) -> None:
    screen = sent_screen(RU, Sent(1, 2, deliver, True), NOW, MSK)
    assert screen.texts[0].endswith(expected)


def test_alert_buttons_and_bounds() -> None:
    rows = alert_rows(ThreadMessagePayload(thread_id=7, message_id=8), RU)
    assert [b.text for row in rows for b in row] == ["↩️ Ответить", "💬 Вся переписка"]
    big = ThreadCb(op="reply", id=2**31 - 1, p=10_000).pack()
    assert len(big.encode()) <= 64 and ThreadCb.unpack(big).id == 2**31 - 1
    for forged in ("msg:open:2147483648:0", "msg:drop:1:0", "msn:0:1:0", "msn:1:1:2"):
        with pytest.raises(RefusedButton):
            (ThreadCb if forged.startswith("msg") else ThreadNewCb).unpack(forged)
