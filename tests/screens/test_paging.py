"""One paging rule for every screen: pages clamped, ◀ ▶ only towards pages that exist."""

from __future__ import annotations

from screens.actions import Action
from screens.bounds import Page
from screens.paging import NEXT, PREV, arrows, page_of, paged
from screens.screen import Button


class PageTo(Action, prefix="test_pg"):
    page: Page


def test_page_of_clamps_to_the_pages_there_are() -> None:
    items = list(range(25))
    assert page_of(items, 0, 10) == (list(range(10)), 0, 3)
    assert page_of(items, 2, 10) == ([20, 21, 22, 23, 24], 2, 3)
    assert page_of(items, 99, 10) == ([20, 21, 22, 23, 24], 2, 3)  # a stale button
    assert page_of(items, -1, 10) == (list(range(10)), 0, 3)
    assert page_of([], 5, 10) == ([], 0, 1)  # one empty page, never zero


def test_arrows_lead_only_where_there_is_a_page() -> None:
    today = Button("сегодня", PageTo(page=1))
    assert arrows(None, None) == ()
    assert arrows(PageTo(page=0), None, today) == (Button(PREV, PageTo(page=0)), today)
    both = arrows(PageTo(page=0), PageTo(page=2), today)
    assert [b.text for b in both] == [PREV, "сегодня", NEXT]
    assert both[-1].action == PageTo(page=2)


def test_paged_buttons_in_columns_then_the_arrows() -> None:
    items = [(f"ученик {n}", PageTo(page=n)) for n in range(7)]
    first = paged(items, 0, lambda p: PageTo(page=p), size=3, columns=2)
    assert [[b.text for b in row] for row in first] == [
        ["ученик 0", "ученик 1"],
        ["ученик 2"],
        [NEXT],
    ]
    assert first[-1][0].action == PageTo(page=1)
    middle = paged(items, 1, lambda p: PageTo(page=p), size=3)
    assert [b.text for b in middle[-1]] == [PREV, NEXT]
    last = paged(items, 2, lambda p: PageTo(page=p), size=3)
    assert [[b.text for b in row] for row in last] == [["ученик 6"], [PREV]]
    single = paged(items[:2], 0, lambda p: PageTo(page=p), size=3)
    assert [[b.text for b in row] for row in single] == [["ученик 0"], ["ученик 1"]]
