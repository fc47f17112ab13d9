"""User text in messages: escaping once, the checked HTML subset, Telegram's length limits.
Every result is parsed back the way Telegram parses it (testkit's HTML parser)."""

from __future__ import annotations

import pytest

from services.richtext import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    clean_html,
    escape,
    fit_lines,
    shorten_html,
    split_html,
    visible_length,
    visible_text,
)
from testkit.botapi.html import seen


def test_escape_once_shows_the_text_as_typed() -> None:
    for typed in ("5 & 7", "<b>не жирный</b>", "a &amp; b", "Иванов <Пётр>"):
        assert seen(escape(typed)).text == typed


def test_clean_html_keeps_the_senders_formatting() -> None:
    # what aiogram's html_text gives for "Экскурсия в музей" with the first word bold
    body = clean_html("<b>Экскурсия</b> в музей")
    shown = seen(body)
    assert shown.text == "Экскурсия в музей"
    assert shown.formatted("bold") == ["Экскурсия"]
    assert seen(clean_html("5 &amp; 7")).text == "5 & 7"


@pytest.mark.parametrize(
    ("raw", "visible", "kinds"),
    [
        ('<script>alert("x")</script>ok', 'alert("x")ok', []),
        ("<strong>a</strong><em>b</em><ins>c</ins><del>d</del>", "abcd", ["bold", "italic"]),
        ('<span class="tg-spoiler">s</span>', "s", ["spoiler"]),
        ('<a href="javascript:alert(1)">x</a>', "x", []),
        ('<a href="https://e.example/?a=1&amp;b=2">x</a>', "x", ["text_link"]),
        ("<b>unclosed", "unclosed", ["bold"]),
        ("<b><i>mis</b>nested</i>", "misnested", ["bold", "italic"]),
        ('<pre><code class="language-py"><b>x</b></code></pre>', "x", ["pre"]),
        ("<blockquote expandable>q</blockquote>", "q", ["expandable_blockquote"]),
        ("a < b > c", "a < b > c", []),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍", []),
        ("<b", "<b", []),
        ("<!-- c --><?php ?>t", "t", []),
        ('<img src="x" onerror="y">t', "t", []),
    ],
)
def test_clean_html_is_a_checked_subset(raw: str, visible: str, kinds: list[str]) -> None:
    body = clean_html(raw)
    shown = seen(body)  # Telegram accepts it
    assert shown.text == visible
    for kind in kinds:
        assert shown.formatted(kind), (kind, body)
    if not kinds:
        assert shown.entities == [], body
    assert clean_html(body) == body  # idempotent


def test_visible_length_counts_utf16_units_after_parsing() -> None:
    assert visible_length("<b>5 &amp; 7</b>") == 5
    assert visible_length("😀") == 2
    assert visible_text("<i>&lt;b&gt;</i>") == "<b>"


def test_split_keeps_every_part_within_the_limit_and_tags_balanced() -> None:
    para = "<b>Заголовок</b>\n" + "Слово &amp; дело. " * 40
    text = "\n\n".join([para] * 12)
    parts = split_html(text, 1000)
    assert len(parts) > 1
    whole = ""
    for part in parts:
        shown = seen(part)  # parses: no tag left open or closed twice
        assert shown.length <= 1000
        whole += shown.text
    assert whole.replace("\n", "").replace(" ", "") == (
        seen(text).text.replace("\n", "").replace(" ", "")
    )


def test_split_reopens_a_tag_cut_in_the_middle() -> None:
    text = "<b>" + "я" * 5000 + "</b>"
    parts = split_html(text)
    assert len(parts) == 2
    assert all(seen(p).formatted("bold") for p in parts)
    assert sum(seen(p).length for p in parts) == 5000


def test_split_counts_emoji_as_two() -> None:
    parts = split_html("😀" * 3000)
    assert [seen(p).length for p in parts] == [4096, 1904]


def test_shorten_and_fit_lines() -> None:
    short = shorten_html("<i>" + "x " * 800 + "</i>", CAPTION_LIMIT)
    assert seen(short).length <= CAPTION_LIMIT and short.endswith("…")
    lines = [f"✅ <b>{escape('Длинная-Фамилия <' + str(n) + '>')}</b> — 5, 4" for n in range(400)]
    text = fit_lines(["<b>head</b>"], lines, ["tail"], lambda n: f"… ещё {n}")
    shown = seen(text)
    assert shown.length <= TEXT_LIMIT
    assert shown.text.startswith("head\n") and shown.text.endswith("tail")
    kept = shown.text.count("✅")
    assert f"… ещё {400 - kept}" in shown.text
    assert fit_lines(["a"], ["b"], ["c"], lambda n: "") == "a\nb\nc"
