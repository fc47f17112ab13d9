"""The office's actor and guards: the command line's actor, the admin check, the audit record of
office use cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.enums import Role
from services.errors import NotFound, ValidationFailed
from services.models import (
    AuditEntry,
    RoleGrant,
    School,
)
from services.people import policy
from services.people.identity import Actor
from services.unit_of_work import clean_text


@dataclass(frozen=True)
class SystemActor(Actor):
    """An actor without an account: the command line or a scheduled job.

    It acts as the admin of one school; its audit entries carry ``actor_label`` and
    ``source`` ("cli") instead of an account id.
    """

    source: str = "cli"

    @property
    def label(self) -> str:
        return self.source


async def find_school(session: AsyncSession, code: str | None) -> School:
    """The school with this code, or the only school when no code is given."""
    if code:
        school = await session.scalar(select(School).where(School.code == code))
        if school is None:
            raise NotFound("admin.school_not_found", school=code)
        return school
    schools = (await session.scalars(select(School).order_by(School.id).limit(2))).all()
    if len(schools) != 1:
        raise ValidationFailed("admin.school_required")
    return schools[0]


async def cli_actor(session: AsyncSession, school_code: str | None = None) -> SystemActor:
    """The command line's actor: admin of the chosen school (audit source "cli")."""
    school = await find_school(session, school_code)
    return SystemActor(
        account_id=0,
        person_id=0,
        school_id=school.id,
        roles=frozenset({Role.ADMIN}),
        language=None,
        display_name="CLI",
        timezone=school.timezone,
        source="cli",
    )


def record(session: AsyncSession, actor: Actor, **kwargs: Any) -> AuditEntry:
    """``audit.record`` for this module's use cases (a :class:`SystemActor` included)."""
    return audit.record(session, actor=actor, **kwargs)


def account_id_of(actor: Actor) -> int | None:
    """The actor's account id for ``created_by_id`` columns (None for the CLI)."""
    return None if isinstance(actor, SystemActor) or actor.account_id <= 0 else actor.account_id


def ensure_admin(actor: Actor, action: str, *also: Role) -> None:
    if actor.has(Role.ADMIN, *also):
        return
    raise policy.deny(actor, action)


async def has_role(session: AsyncSession, person_id: int, *roles: Role) -> bool:
    return bool(
        await session.scalar(
            select(
                exists().where(RoleGrant.person_id == person_id, RoleGrant.role.in_(list(roles)))
            )
        )
    )


def clean_note(note: str | None) -> str | None:
    """An office note (a reason, a title): at most 255 characters, None when empty."""
    return clean_text(note, 255, "note")
