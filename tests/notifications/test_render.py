"""Texts: both locales complete, user text escaped, buttons within Telegram's limits."""

from __future__ import annotations

from typing import Any

from i18n import catalog_of
from notifications import render
from notifications.render import Item
from screens.screen import Attachment, Screen
from services.messages import broadcasts
from services.texts import normalize_lang
from testkit.botapi.html import seen


def test_locales_have_the_same_keys_and_placeholders() -> None:
    ru, en = (
        {k: v for k, v in catalog_of(lang).texts.items() if v.area == "notifications"}
        for lang in ("ru", "en")
    )
    assert set(ru) == set(en) and ru
    for key in ru:
        assert ru[key].variables == en[key].variables, key


def test_absence_buttons_fit_callback_limit() -> None:
    msg = render.render(
        "attendance.absent",
        {"attendance_id": 10**12, "student": "A", "subject": "S", "date": "2026-11-18"},
        "ru",
    )
    data = [b.action.pack() for row in msg.rows for b in row if b.action is not None]
    assert data == [f"abs:{10**12}:{r}" for r in ("ill", "excused", "unknown")]
    assert all(len(d.encode()) <= 64 for d in data)


def test_everything_from_payload_is_escaped() -> None:
    text = render.render_text(
        "mark.changed",
        {"student": "<b>x</b>", "subject": "a&b", "value": 5, "before": 3, "reason": "<i>"},
        "en",
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "a&amp;b" in text and "&lt;i&gt;" in text


def test_long_merges_are_split_and_trimmed() -> None:
    items = [
        Item("mark.new", {"student": "S", "subject": f"Предмет {i} " + "x" * 80, "value": 5})
        for i in range(200)
    ]
    chunks = render.chunk_items(items, "ru")
    assert len(chunks) > 1 and sum(len(c) for c in chunks) == 200
    assert all(
        seen(render.text_of(render.render_merged(c, "ru", quiet=True))).length <= render.MAX_TEXT
        for c in chunks
    )
    long = render.fit(Screen(("a &amp; b " * 1000,)))
    shown = seen(render.text_of(long))  # Telegram parses it: no entity or tag cut in half
    assert shown.length <= render.MAX_TEXT and shown.text.startswith("a & b a & b")
    caption = render.fit(
        Screen(("<b>" + "😀" * 600 + "</b>",), attachments=(Attachment("photo", ref="f"),))
    )
    assert seen(render.text_of(caption)).length <= render.MAX_CAPTION == 1024


def test_unknown_language_falls_back_to_russian() -> None:
    assert normalize_lang("de-DE") == "ru" and normalize_lang("en-GB") == "en"


def test_other_kinds_render() -> None:
    notice = render.render_text(
        "notice.created",
        {
            "by": "Елена",
            "student": "Пётр",
            "class_name": "7А",
            "date_from": "2026-11-19",
            "date_to": "2026-11-20",
            "reason": "<врач>",
        },
        "ru",
    )
    assert "19.11.2026 — 20.11.2026" in notice and "&lt;врач&gt;" in notice
    final = render.render_text(
        "final_mark.set",
        {"student": "Пётр", "period": "2 четверть", "subject": "Математика", "special": "pass"},
        "en",
    )
    assert "pass" in final and "2 четверть" in final


def test_news_shows_the_senders_formatting_and_text_once_escaped() -> None:
    """A class event typed "Экскурсия в музей" with the first word bold, and "5 & 7": the
    parent sees exactly that (the stored body is the checked HTML subset, never re-escaped),
    and names around it are plain text escaped once."""
    for body, visible, bold in (
        ("<b>Экскурсия</b> в музей", "Экскурсия в музей", ["Экскурсия"]),
        ("5 &amp; 7", "5 & 7", []),
        ("&lt;b&gt;не жирный&lt;/b&gt;", "<b>не жирный</b>", []),
    ):
        stored = broadcasts.broadcast_body(body)
        payload = {
            "news_id": 1,
            "news": {"body": stored, "class": "5<А>", "author": "Анна & Co", "title": "a&b"},
        }
        for kind in ("news.class", "news.school"):
            shown = seen(render.text_of(render.render(kind, payload, "ru")))
            lines = shown.text.split("\n")
            assert visible in lines
            assert "a&b" in lines
            assert bold == [piece for piece in shown.formatted("bold") if piece in visible]
            assert "Анна & Co" in shown.text
            if kind == "news.class":
                assert "5<А>" in shown.text


TYPED = "5 & 7 <b>не жирный</b> &amp;"
NAMED = "Иванов <Пётр> & Ко"


def test_alerts_show_typed_text_and_names_exactly_as_typed() -> None:
    """Homework, mark comments (reasons), absence notices and names reach the family and the
    class teacher as typed: parsed back, the visible text holds them whole."""
    cases: list[tuple[str, dict[str, Any]]] = [
        (
            "homework.tomorrow",
            {
                "date": "2026-11-19",
                "children": [
                    {"student": NAMED, "items": [{"subject": "Математика", "text": TYPED}]}
                ],
            },
        ),
        ("mark.changed", {"student": NAMED, "subject": "a&b", "value": 5, "reason": TYPED}),
        ("mark.deleted", {"student": NAMED, "subject": "a&b", "value": 5, "reason": TYPED}),
        ("attendance.absent", {"student": NAMED, "subject": "a&b", "date": "2026-11-18"}),
        (
            "attendance.family_reason",
            {"guardian": NAMED, "student": NAMED, "class": "7<А>", "reason": "ill"},
        ),
        (
            "notice.created",
            {"by": NAMED, "student": NAMED, "class_name": "7А", "reason": TYPED},
        ),
        ("final_mark.set", {"student": NAMED, "subject": "a&b", "period": "I <четверть>"}),
    ]
    for kind, payload in cases:
        for lang in ("ru", "en"):
            shown = seen(render.text_of(render.render(kind, payload, lang)))
            assert NAMED in shown.text, (kind, shown.text)
            if "reason" in payload and kind != "attendance.family_reason":
                assert TYPED in shown.text, (kind, shown.text)
            assert "не жирный" not in shown.formatted("bold")
    digest = render.render_merged(
        [
            Item("mark.changed", {"student": NAMED, "subject": "a&b", "value": 4, "reason": TYPED}),
            Item("mark.new", {"student": NAMED, "subject": "a&b", "value": 5}),
        ],
        "ru",
    )
    shown = seen(render.text_of(digest))
    assert NAMED in shown.text and TYPED in shown.text and "a&b" in shown.text
