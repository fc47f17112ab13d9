"""/classjournal: a compact view of the class journal of one subject and period — a monospace
table that fits a phone (surnames shortened, lessons' dates as columns), in pages under 4096
characters."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, escape
from handlers.class_teacher.absences import class_picker
from handlers.common.keyboard import InlineKeyboardBuilder
from handlers.common.screens import on
from handlers.teacher.common import Clock, now_of, require, show
from screens.class_teacher.actions import JournalCb
from services.enums import Role
from services.errors import DomainError
from services.marks import class_journal, final_marks
from services.marks.class_journal import JournalGrid
from services.people import class_teacher
from services.people.identity import Actor
from services.richtext import TEXT_LIMIT, shorten_html, utf16_length, visible_length

NAME_WIDTH = 9
CELL_WIDTH = 3
COLUMNS_PER_PAGE = 7
LIMIT = 3800  # below Telegram's 4096, with room for the title and tags
ROLES = (Role.CLASS_TEACHER, Role.ADMIN, Role.DEPUTY, Role.DIRECTOR)


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


def journal_view(
    t: Translator, grid: JournalGrid, cb: JournalCb
) -> tuple[str, InlineKeyboardMarkup]:
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
    body = f"<pre>{escape(pages[page])}</pre>"
    lines = [title, body]
    if not grid.columns:
        lines.append(t("ct.jr.empty"))
    lines.append(t("ct.jr.legend"))
    kb = InlineKeyboardBuilder()
    if len(pages) > 1:
        for n in (page - 1, page + 1):
            if 0 <= n < len(pages):
                kb.button(
                    text=("◀ " if n < page else "▶ ") + f"{n + 1}/{len(pages)}",
                    callback_data=JournalCb(
                        action="show",
                        class_id=cb.class_id,
                        subject_id=cb.subject_id,
                        period_id=cb.period_id,
                        page=n,
                    ),
                )
    kb.button(
        text=t("ct.jr.other_subject"), callback_data=JournalCb(action="cls", class_id=cb.class_id)
    )
    kb.adjust(2)
    # Pages are sized to the room left; a title longer than any school's is shortened.
    return shorten_html("\n".join(lines)), kb.as_markup()


async def _subjects(
    target: Message | CallbackQuery,
    session: AsyncSession,
    me: Actor,
    t: Translator,
    class_id: int,
    clock: Clock | None,
) -> None:
    subjects = await class_journal.class_subjects(session, me, class_id)
    _, period = await final_marks.periods_for_class(session, me, class_id, now=now_of(clock))
    if period is None:
        raise DomainError("term.no_period")
    kb = InlineKeyboardBuilder()
    for s in subjects:
        kb.button(
            text=s.name[:40],
            callback_data=JournalCb(
                action="show", class_id=class_id, subject_id=s.id, period_id=period
            ),
        )
    kb.adjust(2)
    await show(target, t("ct.jr.pick_subject"), kb.as_markup())


async def classjournal_command(
    message: Message,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *ROLES)
    classes = await class_teacher.overseen_classes(session, me)
    if not classes:
        await message.answer(t("ct.no_class"))
    elif len(classes) == 1:
        await _subjects(message, session, me, t, classes[0].id, clock)
    else:
        text, markup = class_picker(t, classes, lambda cid: JournalCb(action="cls", class_id=cid))
        await message.answer(text, reply_markup=markup)


async def journal_callback(
    query: CallbackQuery,
    callback_data: JournalCb,
    session: AsyncSession,
    actor: Actor | None,
    t: Translator,
    clock: Clock | None = None,
) -> None:
    me = require(actor, *ROLES)
    cb = callback_data
    if cb.action == "cls":
        await _subjects(query, session, me, t, cb.class_id, clock)
        return
    if cb.action != "show":
        raise DomainError("error.invalid")
    grid = await class_journal.class_journal(session, me, cb.class_id, cb.subject_id, cb.period_id)
    await show(query, *journal_view(t, grid, cb))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(classjournal_command, Command("classjournal"))
    router.callback_query.register(journal_callback, on(JournalCb))
    return router
