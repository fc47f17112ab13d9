"""Screens that grow (office lists and dead letters, family views) cut their texts by what
Telegram counts: visible UTF-16 units after the HTML is parsed, tags never cut in half."""

from __future__ import annotations

from handlers.admin.common import chunks
from handlers.family import render as family
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
