"""The import of subgroup membership (kind ``subgroup_members``) on both databases: students
join groups (a new group is created with its subject), a student named in another group of
the same subject moves on "valid from" with the history kept, a re-import changes nothing,
and a bad file is refused whole."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.imports import import_file
from services.models import AuditEntry, Subgroup, SubgroupMember
from tests.admin.helpers import csv_bytes
from tests.factories import SchoolWorld

HEADER = ["ID обучающегося", "Класс", "Подгруппа", "Предмет", "Действует с"]


async def _ids(session: AsyncSession, world: SchoolWorld) -> None:
    for n, student in enumerate([*world.students, world.other_student], start=1):
        student.external_id = f"S-{n}"
    await session.commit()


async def _stays(session: AsyncSession) -> list[tuple[str, int, dt.date | None, dt.date | None]]:
    rows = await session.execute(
        select(
            Subgroup.name,
            SubgroupMember.student_id,
            SubgroupMember.joined_on,
            SubgroupMember.left_on,
        )
        .join(Subgroup, Subgroup.id == SubgroupMember.subgroup_id)
        .order_by(SubgroupMember.student_id, SubgroupMember.id)
    )
    return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def test_import_joins_moves_and_keeps_history(
    session: AsyncSession, world: SchoolWorld
) -> None:
    await _ids(session, world)
    admin = world.actors["admin"]
    s0, s1, s2 = (s.id for s in world.students[:3])
    rows = [
        HEADER,
        ["S-1", "7А", "Группа 1", "", ""],  # already there
        ["S-3", "7А", "Группа 2", "Английский язык", ""],  # a new group, joined since it began
        ["S-2", "7а", "группа 2", "", "01.12.2026"],  # moves from Группа 1
    ]
    result = await import_file(session, admin, "subgroup_members", "g.csv", csv_bytes(rows))
    assert result.ok, result.error_lines()
    assert (result.created, result.unchanged) == (2, 1)
    move = dt.date(2026, 12, 1)
    assert await _stays(session) == [
        ("Группа 1", s0, None, None),
        ("Группа 1", s1, None, move),
        ("Группа 2", s1, move, None),
        ("Группа 2", s2, None, None),
    ]
    group = await session.scalar(select(Subgroup).where(Subgroup.name == "Группа 2"))
    assert group is not None and group.subject_id == world.english.id
    actions = (
        await session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like("import.subgroup%"))
            .order_by(AuditEntry.id)
        )
    ).all()
    assert actions == ["import.subgroup_join", "import.subgroup_move"]

    again = await import_file(session, admin, "subgroup_members", "g.csv", csv_bytes(rows))
    assert again.ok and (again.created, again.unchanged) == (0, 3)
    assert len(await _stays(session)) == 4


async def test_a_bad_file_is_refused_whole(session: AsyncSession, world: SchoolWorld) -> None:
    await _ids(session, world)
    rows = [
        HEADER,
        ["S-3", "7А", "Группа 1", "", ""],  # fine, but the file is refused
        ["S-5", "7А", "Группа 1", "", ""],  # S-5 is the student of 8Б
        ["S-99", "7А", "Группа 1", "", ""],
        ["S-3", "7А", "Группа 9", "", ""],  # a new group without a subject
        ["S-3", "7А", "Группа 1", "", "01.01.2031"],
    ]
    result = await import_file(
        session, world.actors["admin"], "subgroup_members", "g.csv", csv_bytes(rows)
    )
    codes = [(e.row, e.code) for e in result.errors]
    assert codes == [
        (3, "import.error.student_not_in_class"),
        (4, "import.error.unknown_student"),
        (5, "import.error.group_needs_subject"),
        (6, "import.error.date_outside_year"),
    ]
    assert "не учится в 7А" in result.error_lines("ru")[0]
    assert "is not in 7А" in result.error_lines("en")[0]
    assert len(await _stays(session)) == 2  # the world's two members, nothing more
