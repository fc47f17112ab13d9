"""Screens that grow (office lists and dead letters, family views) cut their texts by what
Telegram counts: visible UTF-16 units after the HTML is parsed, tags never cut in half."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bot.i18n import translator
from screens.admin.common import chunks
from screens.class_teacher.actions import JournalCb
from screens.class_teacher.journal import journal_screen, table_pages
from screens.family import render as family
from services.marks.class_journal import JournalColumn, JournalGrid, JournalRow
from testkit.botapi.html import seen


def test_office_lists_count_emoji_as_two_and_keep_tags_balanced() -> None:
    lines = [f"📭 <b>{n}</b> — «{'😀' * 100}»" for n in range(60)]
    parts = chunks(lines)
    assert len(parts) > 1
    shown = [seen(p) for p in parts]  # every part parses
    assert all(s.length <= 4096 for s in shown)
    assert sum(s.text.count("📭") for s in shown) == 60
    cut = seen(chunks(["<b>" + "я" * 5000 + "</b>"])[0])
    assert cut.length <= 4096 and cut.formatted("bold") and cut.text.endswith("…")


def test_family_views_split_a_single_long_line() -> None:
    homework = "<b>Литература</b>: " + "прочитать главу &amp; пересказать; " * 200
    parts = family.split_blocks(["<b>Среда</b>", homework])
    shown = [seen(p) for p in parts]
    assert len(parts) > 1 and all(s.length <= family.MESSAGE_LIMIT for s in shown)
    assert sum(s.text.count("пересказать") for s in shown) == 200


def test_class_journal_pages_fit_with_long_names() -> None:
    columns = tuple(
        JournalColumn(lesson_id=n, date=dt.date(2026, 9, 1) + dt.timedelta(days=n), number=1)
        for n in range(60)
    )
    rows = tuple(
        JournalRow(
            student_id=n,
            last_name=f"Очень-Длинная<Фамилия>&{n}",
            first_name="Александра",
            cells=tuple("54" if (n + c) % 3 else "н" for c in range(60)),
            average=Decimal("4.5"),
        )
        for n in range(120)
    )
    grid = JournalGrid(
        class_name="11<А> & " + "😀" * 120,
        subject="Основы безопасности & " + "жизнедеятельности " * 12,
        period="I <полугодие>",
        columns=columns,
        rows=rows,
    )
    t = translator("ru")
    pages = len(table_pages(grid))
    assert pages > len(columns) // 7  # rows are split over pages too
    for page in range(pages):
        screen = journal_screen(
            t, grid, JournalCb(action="show", class_id=1, subject_id=1, period_id=1, page=page)
        )
        assert len(screen.texts) == 1
        text = screen.texts[0]
        shown = seen(text)  # parses: the <pre> table is escaped once
        assert shown.length <= 4096
        assert "Очень-" in shown.text and "4.5" in shown.text
        assert shown.text.endswith(seen(t("ct.jr.legend")).text)  # the legend is not cut off
