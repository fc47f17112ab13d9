"""Trusted persons (seed 000 §1.3): a parent names one for a child with what they may see,
narrows it and revokes it; the trusted person signs in by the invite and sees only that."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.enums import GuardianKind, Messenger
from services.errors import AccessDenied, Conflict, ValidationFailed
from services.models import Account, AuditEntry, Guardianship, MessengerBinding
from services.notifications import outbox
from services.people import accounts, policy, trusted
from services.people.identity import Actor
from tests.factories import NOW, SchoolWorld, bind_chats

NANNY_CHAT = "9100"


async def _name_and_sign_in(
    session: AsyncSession, world: SchoolWorld, scopes: list[str]
) -> tuple[int, Actor]:
    parent = world.actors["parent"]
    person_id, creds = await trusted.name_trusted(
        session, parent, world.students[0].id, "Няня  Ольга Петровна", scopes, now=NOW
    )
    signed = await accounts.sign_in_with_invite(
        session,
        token=creds.invite_token,
        messenger=Messenger.TELEGRAM,
        external_user_id=NANNY_CHAT,
        chat_id=NANNY_CHAT,
        now=NOW,
    )
    assert signed.actor.person_id == person_id
    return person_id, signed.actor


@pytest.mark.parametrize("scope", policy.TRUSTED_SCOPES)
async def test_a_trusted_person_sees_only_what_the_parent_allowed(
    session: AsyncSession, world: SchoolWorld, scope: str
) -> None:
    child = world.students[0].id
    _, nanny = await _name_and_sign_in(session, world, [scope])
    for other in policy.TRUSTED_SCOPES:
        if other == scope or other == "diary":
            # The diary opens with any scope; its fields are narrowed to what was allowed.
            await policy.ensure_can_view_student(session, nanny, child, other)
        else:
            with pytest.raises(AccessDenied):
                await policy.ensure_can_view_student(session, nanny, child, other)
    # Never another child, and nothing of the child's siblings' records.
    with pytest.raises(AccessDenied):
        await policy.ensure_can_view_student(session, nanny, world.students[1].id, scope)
    # Alerts: only those of the allowed kind.
    for other in ("marks", "attendance", "homework"):
        recipients = await outbox.family_recipients(session, child, other)
        assert (nanny.person_id in recipients) == (other == scope)


async def test_the_parent_narrows_and_revokes_and_the_chat_loses_access(
    session: AsyncSession, world: SchoolWorld
) -> None:
    parent, child = world.actors["parent"], world.students[0].id
    person_id, nanny = await _name_and_sign_in(session, world, ["marks", "homework"])
    rows = await trusted.trusted_of(session, parent, child)
    names = {r.name: r for r in rows}
    assert names["Няня Ольга Петровна"].scopes == ("marks", "homework")
    assert names["Няня Ольга Петровна"].signed_in
    assert await trusted.set_scopes(session, parent, child, person_id, ["homework"], now=NOW) == [
        "homework"
    ]
    with pytest.raises(AccessDenied):
        await policy.ensure_can_view_student(session, nanny, child, "marks")

    revoked = await trusted.revoke_trusted(session, parent, child, person_id, now=NOW)
    assert revoked.name == "Няня Ольга Петровна"
    assert [b.chat_id for b in revoked.ended] == [NANNY_CHAT]
    assert await policy.guardianship(session, person_id, child) is None
    account = await session.scalar(select(Account).where(Account.person_id == person_id))
    assert account is not None and account.is_blocked
    live = await session.scalar(
        select(MessengerBinding).where(
            MessengerBinding.account_id == account.id, MessengerBinding.ended_at.is_(None)
        )
    )
    assert live is None
    with pytest.raises(AccessDenied):
        await policy.ensure_can_view_student(session, nanny, child, "homework")
    actions = (
        await session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like("trusted.%"))
            .order_by(AuditEntry.id)
        )
    ).all()
    assert actions == ["trusted.name", "trusted.scopes", "trusted.revoke"]
    # The grandmother named earlier is untouched.
    assert await policy.guardianship(session, world.trusted.id, child) is not None


async def test_a_person_trusted_by_two_families_keeps_the_other_child(
    session: AsyncSession, world: SchoolWorld
) -> None:
    """Revoked for one child, the grandmother still follows the other family's child and stays
    signed in."""
    await bind_chats(session, world, {"trusted": 9200})
    session.add(
        Guardianship(
            school_id=world.school.id,
            guardian_id=world.trusted.id,
            student_id=world.students[1].id,
            kind=GuardianKind.TRUSTED,
            permissions=["homework"],
            granted_by_id=world.parent2.id,
        )
    )
    await session.commit()
    revoked = await trusted.revoke_trusted(
        session, world.actors["parent"], world.students[0].id, world.trusted.id, now=NOW
    )
    assert revoked.ended == []
    account = await session.scalar(select(Account).where(Account.person_id == world.trusted.id))
    assert account is not None and not account.is_blocked


async def test_only_a_parent_of_the_child_names_trusted_persons(
    session: AsyncSession, world: SchoolWorld
) -> None:
    child = world.students[0].id
    for name in ("parent2", "trusted", "student", "class_teacher", "admin"):
        with pytest.raises(AccessDenied):
            await trusted.name_trusted(
                session, world.actors[name], child, "Иванова Мария", ["marks"], now=NOW
            )
    with pytest.raises(AccessDenied):
        await trusted.revoke_trusted(
            session, world.actors["parent2"], child, world.trusted.id, now=NOW
        )


async def test_bad_input_is_refused_and_nothing_is_written(
    session: AsyncSession, world: SchoolWorld
) -> None:
    parent, child = world.actors["parent"], world.students[0].id
    before = await session.scalar(select(Guardianship.id).order_by(Guardianship.id.desc()))
    with pytest.raises(ValidationFailed) as no_scope:
        await trusted.name_trusted(session, parent, child, "Иванова Мария", [], now=NOW)
    assert no_scope.value.code == "trusted.no_scopes"
    with pytest.raises(ValidationFailed) as bad_name:
        await trusted.name_trusted(session, parent, child, "Бабушка", ["marks"], now=NOW)
    assert bad_name.value.code == "trusted.name_invalid"
    with pytest.raises(ValidationFailed):
        await trusted.name_trusted(session, parent, child, "Иванова Мария", ["secrets"], now=NOW)
    after = await session.scalar(select(Guardianship.id).order_by(Guardianship.id.desc()))
    assert after == before
    for i in range(trusted.MAX_TRUSTED_PER_CHILD - 1):
        await trusted.name_trusted(session, parent, child, f"Няня{i} Анна", ["marks"], now=NOW)
    with pytest.raises(Conflict):
        await trusted.name_trusted(session, parent, child, "Лишняя Анна", ["marks"], now=NOW)
