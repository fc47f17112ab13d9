"""/classjournal: the class journal of one subject and period as a monospace table that fits a
phone (surnames shortened, lessons' dates as columns), in pages under Telegram's 4096
characters; the choice of a subject before it."""

from __future__ import annotations

from collections.abc import Sequence

from i18n import Translator
from screens.class_teacher.actions import JournalCb
from screens.screen import Button, Screen, rows_of
from services.marks.class_journal import JournalGrid, SubjectRef
from services.richtext import TEXT_LIMIT, escape, shorten_html, utf16_length, visible_length

NAME_WIDTH = 9
CELL_WIDTH = 3
COLUMNS_PER_PAGE = 7
LIMIT = 3800  # below Telegram's 4096, with room for the title and tags


def short_name(last: str, first: str) -> str:
    initial = first[:1]
    room = NAME_WIDTH - (2 if initial else 0)
    name = last if len(last) <= room else last[: room - 1] + "…"
    return f"{name} {initial}".strip() if initial else name


def table_pages(grid: JournalGrid, limit: int = LIMIT) -> list[str]:
    """The grid as monospace tables, a few lesson columns a page, each page under ``limit``
    characters as Telegram counts them (UTF-16 units)."""
    cols = list(range(len(grid.columns)))
    chunks = [cols[i : i + COLUMNS_PER_PAGE] for i in range(0, len(cols), COLUMNS_PER_PAGE)] or [[]]
    pages: list[str] = []
    for chunk in chunks:
        header = (
            " " * NAME_WIDTH
            + "".join(f"{grid.columns[c].date:%d}".rjust(CELL_WIDTH) for c in chunk)
            + "  ср"
        )
        head = [header]
        if chunk:
            first, last = grid.columns[chunk[0]].date, grid.columns[chunk[-1]].date
            head.insert(0, f"{first:%d.%m}–{last:%d.%m}")
        body: list[str] = []
        for row in grid.rows:
            cells = "".join(row.cells[c][: CELL_WIDTH - 1].rjust(CELL_WIDTH) for c in chunk)
            avg = f"{row.average:.1f}" if row.average is not None else " —"
            body.append(
                f"{short_name(row.last_name, row.first_name):<{NAME_WIDTH}}{cells} {avg:>4}"
            )
        # Rows split further if a class is so big a page would not fit.
        page: list[str] = []
        for line in body:
            if sum(utf16_length(x) + 1 for x in head + page + [line]) > limit:
                pages.append("\n".join(head + page))
                page = []
            page.append(line)
        pages.append("\n".join(head + page))
    return pages


def journal_screen(t: Translator, grid: JournalGrid, cb: JournalCb) -> Screen:
    """Page ``cb.page`` of the grid (kept within the pages there are), with ◀ ▶ to the
    neighbouring pages and the way back to the subjects."""
    title = t(
        "ct.jr.title",
        cls=escape(grid.class_name),
        subject=escape(grid.subject),
        period=escape(grid.period),
    )
    # The table gets what the title and the legend leave of Telegram's limit.
    room = TEXT_LIMIT - visible_length(f"{title}\n{t('ct.jr.empty')}\n{t('ct.jr.legend')}") - 8
    pages = table_pages(grid, min(LIMIT, max(room, 1000)))
    page = min(max(cb.page, 0), len(pages) - 1)
    lines = [title, f"<pre>{escape(pages[page])}</pre>"]
    if not grid.columns:
        lines.append(t("ct.jr.empty"))
    lines.append(t("ct.jr.legend"))
    buttons: list[Button] = []
    if len(pages) > 1:
        for n in (page - 1, page + 1):
            if 0 <= n < len(pages):
                buttons.append(
                    Button(
                        ("◀ " if n < page else "▶ ") + f"{n + 1}/{len(pages)}",
                        JournalCb(
                            action="show",
                            class_id=cb.class_id,
                            subject_id=cb.subject_id,
                            period_id=cb.period_id,
                            page=n,
                        ),
                    )
                )
    buttons.append(Button(t("ct.jr.other_subject"), JournalCb(action="cls", class_id=cb.class_id)))
    # Pages are sized to the room left; a title longer than any school's is shortened.
    return Screen((shorten_html("\n".join(lines)),), rows_of(buttons, 2))


def subjects_screen(
    t: Translator, class_id: int, subjects: Sequence[SubjectRef], period_id: int
) -> Screen:
    """The subjects of the class, each opening its journal for the period ``period_id``."""
    buttons = [
        Button(
            s.name[:40],
            JournalCb(action="show", class_id=class_id, subject_id=s.id, period_id=period_id),
        )
        for s in subjects
    ]
    return Screen((t("ct.jr.pick_subject"),), rows_of(buttons, 2))
