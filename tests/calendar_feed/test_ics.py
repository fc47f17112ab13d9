"""The iCalendar text: CRLF, folding at 75 octets, escaping, and a small parser reads it back."""

from __future__ import annotations

import datetime as dt

from services.calendar_feed import ics

STAMP = dt.datetime(2026, 11, 18, 7, 0, tzinfo=dt.UTC)


def test_escaping_of_text_values() -> None:
    assert ics.escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    for raw in ("a,b;c\\d\ne", "Урок; тема: дроби, задачи\\1", "\\n is not a newline"):
        assert ics.unescape_text(ics.escape_text(raw)) == raw


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    line = "DESCRIPTION:" + "Домашнее задание, упражнение " * 10
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    # every part is whole UTF-8 (encode would fail on a split character after a decode)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert ics.fold("SHORT:x") == "SHORT:x"


def test_a_calendar_parses_back_with_its_events() -> None:
    events = [
        ics.Event(
            uid="lesson-1-s1@schoolbot",
            summary="2. Математика",
            start=dt.datetime(2026, 11, 18, 6, 0, tzinfo=dt.UTC),
            end=dt.datetime(2026, 11, 18, 6, 45, tzinfo=dt.UTC),
            description="Учитель: Учителев И.\nДЗ: №1, №2; стр. 5\\6 " + "x" * 80,
            location="каб. 12",
        ),
        ics.Event(
            uid="work-3-s1@schoolbot",
            summary="Математика: контрольная работа",
            start=dt.date(2026, 11, 20),
            end=dt.date(2026, 11, 21),
            cancelled=True,
        ),
    ]
    text = ics.calendar(events, name="Пётр Иванов — школа", stamp=STAMP, timezone="Europe/Moscow")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # only CRLF line ends
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = ics.unfold(text)
    assert lines[:3] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//schoolbot//family calendar//RU",
    ]
    first, second = ics.events_of(text)
    assert first["UID"] == "lesson-1-s1@schoolbot"
    assert first["DTSTAMP"] == "20261118T070000Z"
    assert (first["DTSTART"], first["DTEND"]) == ("20261118T060000Z", "20261118T064500Z")
    assert ics.unescape_text(first["DESCRIPTION"]) == events[0].description
    assert ics.unescape_text(first["LOCATION"]) == "каб. 12"
    assert second["DTSTART;VALUE=DATE"] == "20261120" and second["STATUS"] == "CANCELLED"
    assert ics.unescape_text(second["SUMMARY"]) == "Математика: контрольная работа"
