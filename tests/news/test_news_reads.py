"""Past news to read again: who reads what (what they were sent, when it was sent), paging,
one item whole, the receipt."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import NewsKind
from services.errors import AccessDenied
from services.messages import news_reads
from services.models import Enrolment, News, NewsReceipt
from tests.factories import SchoolWorld, at, build_school

DAY = dt.date(2026, 10, 1)


def news(
    w: SchoolWorld,
    day: dt.date,
    text: str,
    *,
    class_id: int | None = None,
    hour: int = 10,
    **other: object,
) -> News:
    return News(
        school_id=w.school.id,
        kind=NewsKind.CLASS_EVENT if class_id is not None else NewsKind.SCHOOL_NEWS,
        class_id=class_id,
        author_id=(w.class_teacher if class_id is not None else w.director).id,
        body=text,
        created_at=at(day, hour),
        **other,
    )


async def seeded(session: AsyncSession) -> tuple[SchoolWorld, dict[str, News]]:
    w = await build_school(session)
    items = {
        "school1": news(w, DAY, "Линейка"),
        "event7": news(w, DAY + dt.timedelta(days=1), "Экскурсия 7А", class_id=w.cls.id),
        "event8": news(w, DAY + dt.timedelta(days=2), "Собрание 8Б", class_id=w.other_cls.id),
        "school2": news(
            w,
            DAY + dt.timedelta(days=3),
            "<b>Концерт</b> в актовом зале",
            title="Концерт",
            attachment_kind="photo",
            attachment_ref="AgACphoto",
        ),
        "event1": news(w, DAY + dt.timedelta(days=4), "Утренник 1А", class_id=w.first.id),
    }
    session.add_all(items.values())
    await session.commit()
    return w, items


def bodies(page: news_reads.NewsPage) -> list[str]:
    return [line.preview for line in page.items]


async def test_a_parent_reads_the_school_news_and_their_childs_class_events(
    session: AsyncSession,
) -> None:
    w, _ = await seeded(session)
    page = await news_reads.news_page(session, w.actors["parent"])
    assert bodies(page) == ["Концерт в актовом зале", "Экскурсия 7А", "Линейка"]
    event = page.items[1]
    assert (event.class_name, event.children, event.kind) == ("7А", ("Пётр",), NewsKind.CLASS_EVENT)
    assert page.items[0].has_file and page.items[0].title == "Концерт"
    assert page.next_after is None and page.first
    # a parent of two children in two classes: both classes' events, each with its child
    page2 = await news_reads.news_page(session, w.actors["parent2"])
    assert bodies(page2) == ["Концерт в актовом зале", "Собрание 8Б", "Экскурсия 7А", "Линейка"]
    assert [line.children for line in page2.items] == [(), ("Кирилл",), ("Анна",), ()]


async def test_staff_and_students_read_the_school_news_only_a_trusted_person_nothing(
    session: AsyncSession,
) -> None:
    w, _ = await seeded(session)
    for who in ("student", "teacher", "class_teacher", "director"):
        page = await news_reads.news_page(session, w.actors[who])
        assert bodies(page) == ["Концерт в актовом зале", "Линейка"], who
    assert (await news_reads.news_page(session, w.actors["trusted"])).items == ()


async def test_pages_newest_first_by_keyset(session: AsyncSession) -> None:
    w, items = await seeded(session)
    # two at the very same moment: the id orders them
    twin = news(w, DAY + dt.timedelta(days=3), "Второй концерт")
    session.add(twin)
    await session.commit()
    parent = w.actors["parent2"]
    first = await news_reads.news_page(session, parent, limit=2)
    assert bodies(first) == ["Второй концерт", "Концерт в актовом зале"]
    assert first.next_after == items["school2"].id and first.first
    second = await news_reads.news_page(session, parent, after=first.next_after, limit=2)
    assert bodies(second) == ["Собрание 8Б", "Экскурсия 7А"] and not second.first
    third = await news_reads.news_page(session, parent, after=second.next_after, limit=2)
    assert bodies(third) == ["Линейка"] and third.next_after is None
    # a forged cursor (another family's class event) starts from the newest
    forged = await news_reads.news_page(
        session, w.actors["parent"], after=items["event8"].id, limit=2
    )
    assert forged.first and bodies(forged) == ["Второй концерт", "Концерт в актовом зале"]


async def test_only_what_was_sent_while_the_child_was_in_the_class(session: AsyncSession) -> None:
    w, items = await seeded(session)
    # Пётр left 7А on DAY + 1 (the day of the excursion) and came to 8Б that day
    enrolment = await session.scalar(
        select(Enrolment).where(Enrolment.student_id == w.students[0].id)
    )
    assert enrolment is not None
    enrolment.left_on = DAY + dt.timedelta(days=1)
    session.add(
        Enrolment(
            school_id=w.school.id,
            student_id=w.students[0].id,
            class_id=w.other_cls.id,
            arrived_on=DAY + dt.timedelta(days=1),
        )
    )
    # an event of 8Б before he came
    session.add(news(w, DAY - dt.timedelta(days=5), "Старое 8Б", class_id=w.other_cls.id))
    await session.commit()
    page = await news_reads.news_page(session, w.actors["parent"])
    assert bodies(page) == ["Концерт в актовом зале", "Собрание 8Б", "Линейка"]
    with pytest.raises(AccessDenied):
        await news_reads.read_news(session, w.actors["parent"], items["event7"].id)


async def test_one_item_whole_forged_and_deleted_ids_refused(session: AsyncSession) -> None:
    w, items = await seeded(session)
    item = await news_reads.read_news(session, w.actors["parent"], items["school2"].id)
    assert item.body == "<b>Концерт</b> в актовом зале"
    assert (item.attachment_kind, item.attachment_ref) == ("photo", "AgACphoto")
    assert item.author == "Дмитрий Директоров" and not item.line.acknowledged
    for who, key in (("parent", "event8"), ("parent", "event1"), ("student", "event7")):
        with pytest.raises(AccessDenied):
            await news_reads.read_news(session, w.actors[who], items[key].id)
    other = await build_school(session, "s2")
    with pytest.raises(AccessDenied):
        await news_reads.read_news(session, other.actors["parent"], items["school1"].id)
    gone = items["event7"].id
    await session.execute(delete(News).where(News.id == gone))
    await session.commit()
    with pytest.raises(AccessDenied):
        await news_reads.read_news(session, w.actors["parent"], gone)
    assert "Экскурсия 7А" not in bodies(await news_reads.news_page(session, w.actors["parent"]))


async def test_the_receipt_from_the_list(session: AsyncSession) -> None:
    w, items = await seeded(session)
    parent = w.actors["parent"]
    now = at(DAY + dt.timedelta(days=10))
    assert await news_reads.acknowledge(session, parent, items["event7"].id, now=now)
    assert not await news_reads.acknowledge(session, parent, items["event7"].id, now=now)
    with pytest.raises(AccessDenied):
        await news_reads.acknowledge(session, parent, items["event8"].id, now=now)
    receipts = (await session.scalars(select(NewsReceipt))).all()
    assert [(r.news_id, r.person_id) for r in receipts] == [(items["event7"].id, w.parent.id)]
    page = await news_reads.news_page(session, parent)
    assert [line.acknowledged for line in page.items] == [False, True, False]
    item = await news_reads.read_news(session, parent, items["event7"].id)
    assert item.line.acknowledged
