"""News that lasts: the school news and class events a person was sent, to read again.

Who may read what follows who was sent what (:func:`services.messages.broadcasts.
broadcast_recipients`), at the time it was sent — not who receives news today:

- a parent: the events of each class a child of theirs was in when the event was sent
  (enrolment ``arrived_on`` ≤ sent < ``left_on``, in the school's time zone), and the school's
  news sent while any child of theirs was at the school;
- a student: the school's news sent while they were at the school (class events go to parents);
- staff (any staff role of the school): the school's news.

Trusted persons were sent no news and read none. A deleted item is gone (its row is deleted);
an id the reader was not entitled to is refused like a forged one.

The list is one keyed statement (``UNION ALL`` of one index range per class and one for the
school's news: ``ix_news_class_created`` and the partial ``ix_news_school_created`` — each
limited to a page), newest first, paged by the keyset (``created_at``, ``id``); then one
statement for the page's rows with their class and the reader's receipt. The reader's scopes
(children, enrolments, class names) take one statement before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from services import richtext
from services.enums import STAFF_ROLES, GuardianKind, NewsKind, Role
from services.models import (
    Enrolment,
    Guardianship,
    News,
    NewsReceipt,
    Person,
    SchoolClass,
    utcnow,
)
from services.people import policy
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork

PAGE_SIZE = 5
SNIPPET = 80  # characters of a list line's preview


@dataclass(frozen=True)
class Window:
    """Sent at or after ``since`` and before ``until`` (None: open)."""

    since: dt.datetime | None
    until: dt.datetime | None

    def covers(self, at: dt.datetime) -> bool:
        return (self.since is None or at >= self.since) and (self.until is None or at < self.until)

    def condition(self) -> ColumnElement[bool]:
        parts: list[ColumnElement[bool]] = []
        if self.since is not None:
            parts.append(News.created_at >= self.since)
        if self.until is not None:
            parts.append(News.created_at < self.until)
        return and_(true(), *parts)


@dataclass(frozen=True)
class ClassScope:
    class_id: int
    child: str  # the child's first name
    window: Window


@dataclass(frozen=True)
class Scopes:
    """What a reader was sent: class events per enrolment of a child, and the school's news
    over windows (staff: ``school_always``)."""

    school_id: int
    classes: tuple[ClassScope, ...]
    school_windows: tuple[Window, ...]
    school_always: bool

    @property
    def empty(self) -> bool:
        return not self.classes and not self.school_windows and not self.school_always

    def allows(self, news: News) -> bool:
        if news.school_id != self.school_id:
            return False
        if news.class_id is None:
            return self.school_always or any(w.covers(news.created_at) for w in self.school_windows)
        return any(
            c.class_id == news.class_id and c.window.covers(news.created_at) for c in self.classes
        )

    def children_of(self, news: News) -> tuple[str, ...]:
        """The reader's children a class event was sent for."""
        names: list[str] = []
        for c in self.classes:
            covered = c.class_id == news.class_id and c.window.covers(news.created_at)
            if covered and c.child not in names:
                names.append(c.child)
        return tuple(names)


def _local_midnight(day: dt.date | None, tz: ZoneInfo) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)


async def reader_scopes(session: AsyncSession, actor: Actor) -> Scopes:
    """The reader's scopes, in one statement (their children's and their own enrolments)."""
    tz = ZoneInfo(actor.timezone)
    school_always = actor.has(*STAFF_ROLES)
    sources = []
    if actor.has(Role.PARENT):
        sources.append(
            select(Guardianship.student_id.label("student_id")).where(
                Guardianship.guardian_id == actor.person_id,
                Guardianship.kind == GuardianKind.PARENT,
                Guardianship.school_id == actor.school_id,
            )
        )
    own = actor.has(Role.STUDENT)
    classes: list[ClassScope] = []
    windows: list[Window] = []
    if sources or own:
        students = [s.scalar_subquery() for s in sources]
        who: list[ColumnElement[bool]] = [Enrolment.student_id.in_(s) for s in students]
        if own:
            who.append(Enrolment.student_id == actor.person_id)
        rows = (
            await session.execute(
                select(
                    Enrolment.student_id,
                    Enrolment.class_id,
                    Enrolment.arrived_on,
                    Enrolment.left_on,
                    Person.first_name,
                )
                .join(Person, Person.id == Enrolment.student_id)
                .where(Enrolment.school_id == actor.school_id, or_(*who))
                .order_by(Enrolment.arrived_on, Enrolment.id)
            )
        ).all()
        for student_id, class_id, arrived_on, left_on, first_name in rows:
            window = Window(_local_midnight(arrived_on, tz), _local_midnight(left_on, tz))
            windows.append(window)
            if student_id != actor.person_id:  # class events go to the parents
                classes.append(ClassScope(class_id, first_name, window))
    return Scopes(actor.school_id, tuple(classes), _merged(windows), school_always)


def _merged(windows: Sequence[Window]) -> tuple[Window, ...]:
    """Overlapping or touching windows as one (a child moving class, two children)."""
    ordered = sorted(windows, key=lambda w: w.since or dt.datetime.min.replace(tzinfo=dt.UTC))
    out: list[Window] = []
    for w in ordered:
        if out:
            last = out[-1]
            if last.until is None:
                continue
            if w.since is None or w.since <= last.until:
                until = None if w.until is None else max(last.until, w.until)
                out[-1] = Window(last.since, until)
                continue
        out.append(w)
    return tuple(out)


# --------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class NewsLine:
    id: int
    kind: NewsKind
    title: str | None
    preview: str  # plain text, shortened
    created_at: dt.datetime
    event_at: dt.datetime | None
    class_name: str | None
    children: tuple[str, ...]
    has_file: bool
    acknowledged: bool


@dataclass(frozen=True)
class NewsPage:
    items: tuple[NewsLine, ...]
    next_after: int | None  # the id to page on from (the last item's), None: no more
    first: bool  # the newest page


@dataclass(frozen=True)
class NewsItem:
    line: NewsLine
    body: str  # the checked HTML subset (services.richtext)
    author: str
    attachment_kind: str | None
    attachment_ref: str | None


def _keyset(after: tuple[dt.datetime, int] | None) -> ColumnElement[bool]:
    if after is None:
        return true()
    at, news_id = after
    return or_(News.created_at < at, and_(News.created_at == at, News.id < news_id))


async def news_page(
    session: AsyncSession,
    actor: Actor,
    *,
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> NewsPage:
    """A page of what the reader was sent, newest first; ``after``: the last id of the page
    before (an id the reader may not read, or one deleted since, starts from the newest)."""
    scopes = await reader_scopes(session, actor)
    if scopes.empty:
        return NewsPage((), None, True)
    cursor: tuple[dt.datetime, int] | None = None
    if after is not None:
        anchor = await session.get(News, after)
        if anchor is not None and scopes.allows(anchor):
            cursor = (anchor.created_at, anchor.id)
    keyset = _keyset(cursor)
    branches = []
    for c in scopes.classes:
        branches.append(
            select(News.id, News.created_at)
            .where(News.class_id == c.class_id, c.window.condition(), keyset)
            .order_by(News.created_at.desc(), News.id.desc())
            .limit(limit + 1)
            .subquery()
        )
    school_windows: Sequence[Window | None] = (
        [None] if scopes.school_always else scopes.school_windows
    )
    for w in school_windows:
        branches.append(
            select(News.id, News.created_at)
            .where(
                News.school_id == scopes.school_id,
                News.class_id.is_(None),
                w.condition() if w is not None else true(),
                keyset,
            )
            .order_by(News.created_at.desc(), News.id.desc())
            .limit(limit + 1)
            .subquery()
        )
    merged = union_all(*[select(b.c.id, b.c.created_at) for b in branches]).subquery()
    found = (
        await session.execute(
            select(merged.c.id, merged.c.created_at)
            .distinct()
            .order_by(merged.c.created_at.desc(), merged.c.id.desc())
            .limit(limit + 1)
        )
    ).all()
    ids = [row[0] for row in found]
    more = len(ids) > limit
    ids = ids[:limit]
    lines = await _lines(session, actor, scopes, ids)
    return NewsPage(tuple(lines), ids[-1] if more and ids else None, cursor is None)


async def _lines(
    session: AsyncSession, actor: Actor, scopes: Scopes, ids: Sequence[int]
) -> list[NewsLine]:
    if not ids:
        return []
    rows = (
        await session.execute(
            select(News, SchoolClass.name, NewsReceipt.person_id)
            .outerjoin(SchoolClass, SchoolClass.id == News.class_id)
            .outerjoin(
                NewsReceipt,
                and_(NewsReceipt.news_id == News.id, NewsReceipt.person_id == actor.person_id),
            )
            .where(News.id.in_(ids))
        )
    ).all()
    by_id = {
        news.id: _line(news, class_name, receipt, scopes) for news, class_name, receipt in rows
    }
    return [by_id[i] for i in ids if i in by_id]


def _line(news: News, class_name: str | None, receipt: int | None, scopes: Scopes) -> NewsLine:
    plain = " ".join(richtext.visible_text(news.body).split())
    if len(plain) > SNIPPET:
        plain = plain[: SNIPPET - 1].rstrip() + "…"
    return NewsLine(
        id=news.id,
        kind=news.kind,
        title=news.title,
        preview=plain,
        created_at=news.created_at,
        event_at=news.event_at,
        class_name=class_name,
        children=scopes.children_of(news) if news.class_id is not None else (),
        has_file=bool(news.attachment_ref),
        acknowledged=receipt is not None,
    )


async def _entitled(session: AsyncSession, actor: Actor, news_id: int) -> tuple[News, Scopes]:
    """The news if the reader was sent it; else refused like a forged id."""
    news = await policy.load(session, actor, News, news_id)
    scopes = await reader_scopes(session, actor)
    if not scopes.allows(news):
        raise policy.deny(actor, "read_news", news_id=news_id)
    return news, scopes


async def read_news(session: AsyncSession, actor: Actor, news_id: int) -> NewsItem:
    """One item whole, with its file's messenger reference and whether the reader has
    acknowledged it."""
    news, scopes = await _entitled(session, actor, news_id)
    class_name = None
    if news.class_id is not None:
        class_name = await session.scalar(
            select(SchoolClass.name).where(SchoolClass.id == news.class_id)
        )
    receipt = await session.get(NewsReceipt, (news.id, actor.person_id))
    author = await session.get(Person, news.author_id)
    return NewsItem(
        line=_line(news, class_name, actor.person_id if receipt else None, scopes),
        body=news.body,
        author=f"{author.first_name} {author.last_name}" if author is not None else "",
        attachment_kind=news.attachment_kind,
        attachment_ref=news.attachment_ref,
    )


async def acknowledge(
    session: AsyncSession, actor: Actor, news_id: int, *, now: dt.datetime | None = None
) -> bool:
    """ "Ознакомлен" from the list: a receipt for an item the reader was sent (also after the
    alert's delivery record has been purged). True when new."""
    async with UnitOfWork(session, actor, now) as uow:
        news, _ = await _entitled(uow.session, actor, news_id)
        if await uow.session.get(NewsReceipt, (news.id, actor.person_id)) is not None:
            return False
        uow.session.add(
            NewsReceipt(
                school_id=news.school_id,
                news_id=news.id,
                person_id=actor.person_id,
                read_at=uow.now or utcnow(),
            )
        )
        return True
