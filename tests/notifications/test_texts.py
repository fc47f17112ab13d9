"""What families and staff read in alerts: one date for a one-day notice, gender forms or
wording that needs none, «отметка» (tests render the alert and assert on the text)."""

from __future__ import annotations

from notifications import render


def _notice(kind: str, date_from: str, date_to: str, lang: str = "ru") -> str:
    return render.render_text(
        kind,
        {
            "by": "Елена Петрова",
            "student": "Пётр Иванов",
            "class_name": "7А",
            "date_from": date_from,
            "date_to": date_to,
            "reason": "врач",
        },
        lang,
    )


def test_a_one_day_notice_shows_one_date() -> None:
    one = _notice("notice.created", "2026-12-01", "2026-12-01")
    assert "01.12.2026" in one and "01.12.2026 — 01.12.2026" not in one
    back = _notice("notice.cancelled", "2026-12-01", "2026-12-01", "en")
    assert "01.12.2026" in back and "—  01.12.2026" not in back and back.count("01.12.2026") == 1
    several = _notice("notice.created", "2026-12-01", "2026-12-03")
    assert "01.12.2026 — 03.12.2026" in several
