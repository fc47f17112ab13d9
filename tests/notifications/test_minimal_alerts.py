"""A school's minimal personal data mode (``School.minimal_alerts``): every registered kind,
rendered with a payload full of personal details, shows none of them — only the child's first
name, what happened, the subject and "open the diary"; with the mode off, texts are as before."""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from notifications import render
from notifications.registry import KINDS
from notifications.worker import Worker
from services.models import School
from services.notifications.kinds import Child, first_name, t
from testkit.botapi import BotAPIServer
from tests.factories import absent_today

from .conftest import FakeClock, World

LANGS = ("ru", "en")

STUDENT = "Аня Секретова"
GUARDIAN = "Ольга Опекунова"
TEACHER = "Пётр Учителев"
AUTHOR = "Мария Авторова"

# Every field of every kind's payload, filled with personal details: names, marks, reasons,
# comments, homework (it may be a child's own). The coverage test below keeps it complete.
LESSON = {
    "lesson_id": 7,
    "lesson_number": 3,
    "class": "5А",
    "subject": "Математика",
    "missing": ["topic", "homework"],
    "teacher": TEACHER,
}
PAYLOAD: dict[str, Any] = {
    "student_id": 101,
    "student": STUDENT,
    "student_gender": "f",
    "student_first": None,
    "guardian_id": 102,
    "guardian": GUARDIAN,
    "guardian_gender": "f",
    "by": GUARDIAN,
    "lesson_id": 7,
    "attendance_id": 8,
    "mark_id": 9,
    "notice_id": 10,
    "news_id": 11,
    "period_id": 12,
    "subject": "Математика",
    "lesson_number": 3,
    "date": "2026-11-30",
    "date_from": "2026-11-23",
    "date_to": "2026-11-29",
    "code": "absent",
    "current_code": "absent",
    "class": "5А",
    "class_name": "5А",
    "value": "VAL-5",
    "before": "VAL-3",
    "work_kind": "control",
    "reason": "REASON-TEXT",
    "comment": "COMMENT-TEXT",
    "period": "I четверть",
    "special": None,
    "deadline": "20:00",
    # a dated event's reminder (timed: an all-day one has no time)
    "time": "18:00",
    "all_day": False,
    "title": "Родительское собрание",
    "month": "ноябрь 2026",
    "audience": "family",
    # year, exam and final marks; the period's reminders; substitutions and distance lessons;
    # a closed year
    "mark_kind": "final",
    "year": "2026/2027",
    "year_id": 13,
    "ends_on": "2026-12-28",
    "items": [{"class_name": "5А", "subject": "Математика", "missing": 3}],
    "works": [
        {"class_name": "5А", "subject": "Математика", "date": "2026-11-27", "title": "WORK-TITLE"}
    ],
    "number": 3,
    "teacher": TEACHER,
    "removed": False,
    "room": "ROOM-12",
    "distance": True,
    "children": [
        {
            "student_id": 101,
            "student": STUDENT,
            "student_gender": "f",
            "student_first": None,
            "items": [{"subject": "Математика", "text": "HOMEWORK-TEXT"}],
            "subjects": [
                {
                    "subject": "Математика",
                    "marks": ["VAL-4", "VAL-2"],
                    "mark": "VAL-2",
                    "before": "VAL-4",
                }
            ],
            "absent": 2,
            "late": 1,
            # the weekly summary's week ahead: a control work and an event
            "ahead": [
                {
                    "date": "2026-11-26",
                    "subject": "Математика",
                    "kind": "control",
                    "time": "18:00",
                    "all_day": False,
                    "title": "Родительское собрание",
                },
                {"date": "2026-11-24", "subject": "Математика", "kind": "control"},
            ],
            # the early warning's figures and the class teacher's name
            "class_name": "5А",
            "period": "I четверть",
            "teacher": TEACHER,
            "absence": {"step": 10, "absent": 5, "lessons": 40, "unexcused": 2, "percent": "12.5"},
        }
    ],
    "lessons": [LESSON],
    "news": {
        "title": "Экскурсия",
        "body": "Едем в музей",
        "class": "5А",
        "author": AUTHOR,
        "attachment_kind": "document",
        "attachment_ref": "file-1",
        "event_at": "2026-12-25T18:00:00",
    },
    "accounts": 10,
    "bound": 8,
    "active": 5,
    "by_role": {"teacher": {"accounts": 3, "bound": 2, "active": 1}},
    "marks": 100,
    "attendance": 50,
    "topics": 20,
    "sent": 90,
    "dead": 1,
    # family messages: who wrote, the text, a file
    "thread_id": 14,
    "message_id": 15,
    "author": AUTHOR,
    "author_role": "parent",
    "child": STUDENT,
    "text": "MESSAGE-TEXT",
    "attachment_kind": "photo",
    "attachment_ref": "file-2",
    "attachment_name": "FILE-NAME",
    "attachment_messenger": "max",
    "closed": True,
    # corrections: the code the family was told of, homework changed (not added), a lesson
    # cancelled (not put back: its alert carries the office's reason)
    "was": "absent",
    "added": False,
    "reinstated": False,
}
# The same with the coded details: a family's answer, a final mark's special value.
CODED = {**PAYLOAD, "reason": "unknown", "special": "exempt"}


def forbidden(lang: str) -> list[str]:
    """What a minimal text never shows: surnames, other people's names, marks, reasons,
    comments, homework."""
    return [
        "Секретова",
        "Ольга",
        "Опекунова",
        "Пётр",
        "Учителев",
        "Мария",
        "Авторова",
        "VAL-",
        "REASON-TEXT",
        "COMMENT-TEXT",
        "HOMEWORK-TEXT",
        "MESSAGE-TEXT",
        "FILE-NAME",
        t(lang, "notify.reason.unknown"),
        t(lang, "notify.final.exempt"),
        "notify.",  # a key shown for a missing text
    ]


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models inside an annotation (``tuple[X, ...]``, ``X | None``, ``dict``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _uncovered(model: type[BaseModel], value: Any, where: str) -> list[str]:
    """Fields of ``model`` (and its nested models) the sample ``value`` does not fill."""
    missing: list[str] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if not isinstance(value, Mapping) or key not in value:
            missing.append(f"{where}.{key}")
            continue
        for nested in _models(info.annotation):
            inner = value[key]
            if isinstance(inner, list) and inner:
                inner = inner[0]
            elif isinstance(inner, Mapping) and info.annotation is not None:
                origin = typing.get_origin(info.annotation)
                if origin is dict and inner:
                    inner = next(iter(inner.values()))
            missing += _uncovered(nested, inner, f"{where}.{key}")
    return missing


def test_the_sample_payload_fills_every_field_of_every_kind() -> None:
    """A new kind (or field) is checked only once the sample fills it."""
    assert KINDS
    missing = [m for kind in KINDS.values() for m in _uncovered(kind.payload, PAYLOAD, kind.name)]
    assert missing == []


def _as_written(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The sample as the kind's writer spells the child's name (a notice: "{last} {first}")."""
    if getattr(KINDS[kind].payload, "last_first", False):
        return {**payload, "student": "Секретова Аня"}
    return dict(payload)


def _texts(kind: str, payload: Mapping[str, Any], lang: str, *, minimal: bool) -> list[str]:
    """The kind's text alone, as a message sent alone and merged with another of its kind."""
    payload = _as_written(kind, payload)
    alone = render.render(kind, payload, lang, minimal=minimal)
    items = [render.Item(kind, payload), render.Item(kind, payload)]
    merged = render.render_merged(items, lang, quiet=True, minimal=minimal)
    return [
        render.render_text(kind, payload, lang, minimal=minimal),
        render.text_of(alone),
        render.text_of(merged),
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("payload", [PAYLOAD, CODED], ids=["free", "coded"])
def test_minimal_texts_show_no_personal_details(
    kind: str, lang: str, payload: dict[str, Any]
) -> None:
    for text in _texts(kind, payload, lang, minimal=True):
        assert text.strip()
        shown = [word for word in forbidden(lang) if word in text]
        assert shown == [], text
        if issubclass(KINDS[kind].payload, Child) or "children" in KINDS[kind].payload.model_fields:
            assert "Аня" in text


@pytest.mark.parametrize("lang", LANGS)
def test_without_the_mode_the_texts_keep_their_details(lang: str) -> None:
    """The check above can fail: the full texts do show the surname, the mark, the teacher."""
    shown = {
        word
        for kind in KINDS
        for payload in (PAYLOAD, CODED)
        for text in _texts(kind, payload, lang, minimal=False)
        for word in forbidden(lang)
        if word in text
    }
    assert {"Секретова", "VAL-", "Учителев", "Авторова", "HOMEWORK-TEXT"} <= shown
    assert {t(lang, "notify.reason.unknown"), t(lang, "notify.final.exempt")} <= shown


def test_the_minimal_form_names_the_event_and_the_subject() -> None:
    mark = render.render_text("mark.new", PAYLOAD, "ru", minimal=True)
    assert mark == "🆕 <b>Аня</b>: новая отметка, Математика — откройте дневник."
    absent = render.render_text("attendance.absent", PAYLOAD, "ru", minimal=True)
    assert absent == "⚠️ <b>Аня</b>: отсутствие на уроке, Математика — откройте дневник."
    late = render.render_text("attendance.late", PAYLOAD, "en", minimal=True)
    assert late == "⏰ <b>Аня</b>: late for a lesson, Математика — open the diary."


def test_alerts_keep_their_buttons_and_files() -> None:
    """What a button opens is shown only to a signed-in person allowed to see it."""
    absence = render.render("attendance.absent", PAYLOAD, "ru", minimal=True)
    assert [b.action.pack() for row in absence.rows for b in row if b.action] == [
        "abs:8:ill",
        "abs:8:excused",
        "abs:8:unknown",
    ]
    assert t("ru", "notify.absence.ask") in render.text_of(absence)
    news = render.render("news.school", PAYLOAD, "ru", minimal=True)
    assert news.rows and news.attachments[0].ref == "file-1"
    assert "Едем в музей" in render.text_of(news)  # a broadcast is not personal


def test_digests_become_counts() -> None:
    other = {**PAYLOAD, "student": "Петя Сидоров"}
    items = [
        render.Item("mark.new", PAYLOAD),
        render.Item("mark.new", PAYLOAD),
        render.Item("mark.new", PAYLOAD),
        render.Item("mark.changed", PAYLOAD),
        render.Item("mark.deleted", other),
    ]
    ru = render.text_of(render.render_merged(items, "ru", minimal=True))
    assert ru.splitlines()[-2:] == [
        "<b>Аня</b>: 3 новые отметки, 1 отметка изменена — откройте дневник.",
        "<b>Петя</b>: 1 отметка удалена — откройте дневник.",
    ]
    en = render.text_of(render.render_merged(items, "en", minimal=True))
    assert "<b>Аня</b>: 3 new marks, 1 mark changed — open the diary." in en
    weekly = render.render_text("summary.weekly", PAYLOAD, "ru", minimal=True)
    # the counts, then the week ahead (dates, subjects, events: nothing personal)
    assert weekly.splitlines()[-4:] == [
        "<b>Аня</b>: 2 отметки, 2 пропуска, 1 опоздание — откройте дневник.",
        "На следующей неделе:",
        "• чт 26.11, 18:00 — 📅 Родительское собрание",
        "• вт 24.11 — Математика, контрольная работа",
    ]
    homework = render.render_text("homework.tomorrow", PAYLOAD, "ru", minimal=True)
    assert homework.splitlines()[-1] == (
        "• <b>Аня</b>: задания по предметам Математика — откройте дневник."
    )


@pytest.mark.parametrize(
    ("display", "first"),
    [("Аня Секретова", "Аня"), ("  Аня  ", "Аня"), ("", ""), (None, ""), (101, "")],
)
def test_first_name(display: object, first: str) -> None:
    assert first_name(display) == first


def test_the_first_name_given_apart_wins_and_a_notice_is_read_last_name_first() -> None:
    given = {**PAYLOAD, "student": "Анна-Мария Секретова", "student_first": "Анна-Мария"}
    assert render.render_text("mark.new", given, "ru", minimal=True).startswith(
        "🆕 <b>Анна-Мария</b>:"
    )
    notice = {**PAYLOAD, "student": "Секретова Аня"}
    text = render.render_text("notice.created", notice, "ru", minimal=True)
    assert "<b>Аня</b>" in text and "Секретова" not in text


def test_no_name_is_your_child_and_a_name_is_escaped() -> None:
    nameless = {**PAYLOAD, "student": None}
    assert render.render_text("mark.new", nameless, "ru", minimal=True).startswith(
        "🆕 <b>Ребёнок</b>:"
    )
    assert "101" not in render.render_text("mark.new", nameless, "en", minimal=True)
    tagged = {**PAYLOAD, "student": "<i>Аня</i> Секретова"}
    text = render.render_text("mark.new", tagged, "ru", minimal=True)
    assert "&lt;i&gt;Аня&lt;/i&gt;" in text and "Секретова" not in text


async def test_the_worker_sends_the_minimal_form_for_a_school_with_the_mode_on(
    session: AsyncSession, world: World, worker: Worker, clock: FakeClock, server: BotAPIServer
) -> None:
    w = world.w
    school = await session.get(School, w.school.id)
    assert school is not None
    school.minimal_alerts = True
    await session.commit()
    await absent_today(session, w, w.students[0].id, now=clock())
    clock.advance(minutes=10, seconds=1)
    stats = await worker.run_once()
    assert stats.sent == 1
    [msg] = server.sent_to(world.chats["parent"])
    # The student is "Пётр Иванов": the first name only, the buttons kept.
    assert "Пётр" in msg.content and "Иванов" not in msg.content
    assert "откройте дневник" in msg.content and "Математика" in msg.content
    assert len(msg.buttons) == 3
