"""The school year's screens from hand-made read models, no messenger: the list and its
buttons, the dry runs' texts (typed names escaped) and their confirmations."""

from __future__ import annotations

import datetime as dt

from i18n import translator
from screens.admin.actions import YearCb
from screens.admin.year import calendar_prompt_screen, plan_screen, years_screen
from services.enums import PeriodKind
from services.school.school_year import (
    HolidaySpec,
    PeriodSpec,
    YearDraft,
    YearPlan,
    YearRow,
    parse_calendar,
)

DRAFT = YearDraft("2027/2028", 2027, 1, "2026/2027")


def test_the_list_offers_what_each_year_may_do() -> None:
    t = translator("ru")
    rows = [
        YearRow(3, "2026/2027", dt.date(2026, 9, 1), dt.date(2027, 5, 31), False, None, False),
        YearRow(2, "2025/2026", dt.date(2025, 9, 1), dt.date(2026, 5, 31), True, None, True),
        YearRow(
            1,
            "2024/2025",
            dt.date(2024, 9, 1),
            dt.date(2025, 5, 31),
            True,
            dt.datetime(2025, 6, 20, 9, 0, tzinfo=dt.UTC),
            True,
        ),
    ]
    screen = years_screen(t, rows, DRAFT, note="✅ готово")
    text = screen.texts[0]
    assert text.startswith("✅ готово\n\n<b>Учебные годы школы</b>")
    assert "2026/2027: 01.09.2026 – 31.05.2027 — идёт" in text
    assert "2025/2026: 01.09.2025 – 31.05.2026 — закрыт" in text
    assert (
        "2024/2025: 01.09.2024 – 31.05.2025 — в архиве с 20.06.2025; журналы хранятся до "
        "31.05.2030, сводные ведомости — до 31.05.2050"
    ) in text
    assert [b.action for b in screen.buttons][:3] == [
        YearCb(a="open"),
        YearCb(a="close", id=3),
        YearCb(a="arch", id=2),
    ]
    assert len(screen.buttons) == 4  # and the way home


def test_the_dry_run_of_opening_escapes_typed_names_and_names_its_year() -> None:
    t = translator("en")
    plan = YearPlan(
        action="open",
        year="2027/2028",
        starts_on=dt.date(2027, 9, 1),
        ends_on=dt.date(2028, 5, 31),
        from_year="2026/2027",
        classes=("2А", "8А"),
        promoted=10,
        graduated=3,
        periods=(
            PeriodSpec(
                PeriodKind.HALF, 1, "<b>1</b> полугодие", dt.date(2027, 9, 1), dt.date(2027, 12, 29)
            ),
        ),
        holidays=(HolidaySpec("Зимние каникулы", dt.date(2027, 12, 30), dt.date(2028, 1, 11)),),
    )
    screen = plan_screen(t, plan, "typed")
    text = "\n".join(screen.texts)
    assert "• &lt;b&gt;1&lt;/b&gt; полугодие: 01.09.2027 – 29.12.2027" in text
    assert "• promoted to the next grade: 10" in text and "• graduating: 3" in text
    assert "repeating" not in text  # nobody repeats: not listed
    assert "Classes of the new year (2): 2А, 8А" in text
    assert text.endswith("Nothing has changed yet.")
    assert [b.action for b in screen.buttons] == [
        YearCb(a="do_open", cal="typed", y=2027),
        YearCb(a="list"),
    ]


def test_the_dry_run_of_archiving_tells_the_retention() -> None:
    t = translator("ru")
    plan = YearPlan(
        action="archive",
        year="2026/2027",
        year_id=7,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 5, 31),
        classes=("7А",),
        students=25,
    )
    screen = plan_screen(t, plan)
    text = "\n".join(screen.texts)
    assert "Классов: 1, учеников: 25." in text
    assert (
        "Журналы хранятся 5 лет — до 31.05.2032, сводные ведомости — 25 лет, до 31.05.2052" in text
    )
    assert screen.buttons[0].action == YearCb(a="do_arch", id=7)


def test_the_template_reads_back_as_the_default_calendar() -> None:
    screen = calendar_prompt_screen(translator("ru"), DRAFT)
    [document] = screen.attachments
    assert document.filename == "calendar-2027-2028.csv"
    periods, holidays = parse_calendar(document.data.decode("utf-8-sig"))
    assert [p.name for p in periods] == [f"{n} четверть" for n in range(1, 5)]
    assert len(holidays) == 3
