"""The chat's working context: which role a person acts in and which child a parent looks at.

A teacher who is also a parent switches between roles; a parent with several children picks one
(PRODUCT.md "Who uses it"). The choice is kept on the live messenger binding, so it survives a
restart and follows the person, not the process.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, bindparam, event, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.enums import Role
from services.models import Enrolment, Guardianship, MessengerBinding, Person, SchoolClass
from services.people import policy
from services.people.identity import Actor
from services.unit_of_work import UnitOfWork

# When a person has several roles, the one the chat starts in.
ROLE_PRIORITY = (
    Role.TEACHER,
    Role.CLASS_TEACHER,
    Role.EXTRA_TEACHER,
    Role.EDUCATOR,
    Role.DEPUTY,
    Role.DIRECTOR,
    Role.ADMIN,
    Role.OBSERVER,
    Role.PARENT,
    Role.TRUSTED,
    Role.STUDENT,
)


@dataclass(frozen=True)
class StudentRef:
    id: int
    name: str  # "Иванов Пётр"
    class_name: str | None


@dataclass(frozen=True)
class ChatContext:
    role: Role
    roles: tuple[Role, ...]
    student: StudentRef | None  # the child the family views are about
    students: tuple[StudentRef, ...]  # every child this person may pick


async def _binding(session: AsyncSession, actor: Actor) -> MessengerBinding | None:
    """The live binding the actor acts through (of their messenger; without one, the command
    line, the newest)."""
    query = select(MessengerBinding).where(
        MessengerBinding.account_id == actor.account_id, MessengerBinding.ended_at.is_(None)
    )
    if actor.messenger is not None:
        query = query.where(MessengerBinding.messenger == actor.messenger)
    return await session.scalar(query.order_by(MessengerBinding.id.desc()).limit(1))


# The chosen role and child of the account's live binding in one messenger (one live binding
# per account and messenger).
_CHOICE = select(MessengerBinding.active_role, MessengerBinding.active_student_id).where(
    MessengerBinding.account_id == bindparam("account_id"),
    MessengerBinding.messenger == bindparam("messenger"),
    MessengerBinding.ended_at.is_(None),
)
# Without a messenger (the command line, a job acting for the account): the newest binding's.
_CHOICE_ANY = (
    select(MessengerBinding.active_role, MessengerBinding.active_student_id)
    .where(
        MessengerBinding.account_id == bindparam("account_id"), MessengerBinding.ended_at.is_(None)
    )
    .order_by(MessengerBinding.id.desc())
    .limit(1)
)


# Per session (one update in the bot): the chat context and the family's students are read
# once however many views and checks ask for them; a commit or rollback forgets them.
CACHE = "schoolbot.chat_context"


def _cache(session: AsyncSession) -> dict[tuple[object, ...], object]:
    cache: dict[tuple[object, ...], object] = session.info.setdefault(CACHE, {})
    return cache


def forget(session: AsyncSession) -> None:
    """Drop what this session remembers of chat contexts (after a change to them)."""
    session.info.pop(CACHE, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_on_transaction_end(session: Session) -> None:
    session.info.pop(CACHE, None)


def remember_binding_choice(
    session: AsyncSession, actor: Actor, role: Role | None, student_id: int | None
) -> None:
    """What :func:`services.people.identity.resolve_actor` read of the actor's live binding with the
    identity (the chat's chosen role and child): the chat context of this session uses it
    instead of reading the binding again. Forgotten like the context (commit, rollback,
    :func:`forget`), so a change made since is always read afresh."""
    _cache(session)[("binding", actor.account_id, actor.messenger)] = (role, student_id)


def _students_select(student: bool, family: bool) -> Select[int, str, str, str]:
    who = []
    if student:
        who.append(Person.id == bindparam("person_id"))
    if family:
        who.append(
            Person.id.in_(
                select(Guardianship.student_id).where(
                    Guardianship.guardian_id == bindparam("person_id")
                )
            )
        )
    return (
        select(Person.id, Person.last_name, Person.first_name, SchoolClass.name)
        .outerjoin(Enrolment, and_(Enrolment.student_id == Person.id, Enrolment.left_on.is_(None)))
        .outerjoin(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(or_(*who))
    )


# Built once (each keeps its cache key; see services.people.identity): a student, a parent or
# trusted
# person, both.
_STUDENTS = {
    (student, family): _students_select(student, family)
    for student, family in ((True, False), (False, True), (True, True))
}


async def family_students(session: AsyncSession, actor: Actor) -> list[StudentRef]:
    """The students this person sees as family (their children, or themself), by name.

    The same students as :func:`services.people.policy.children_of`, read with their names and
    current classes in one statement."""
    key = ("students", actor.account_id, actor.person_id, actor.roles)
    cache = _cache(session)
    cached = cache.get(key)
    if isinstance(cached, tuple):
        return list(cached)
    shape = (actor.has(Role.STUDENT), actor.has(Role.PARENT, Role.TRUSTED))
    refs: dict[int, StudentRef] = {}
    if any(shape):
        rows = await session.execute(_STUDENTS[shape], {"person_id": actor.person_id})
        for person_id, last, first, class_name in rows:
            refs[person_id] = StudentRef(person_id, f"{last} {first}", class_name)
    result = sorted(refs.values(), key=lambda r: r.name)
    cache[key] = tuple(result)
    return result


def ordered_roles(actor: Actor) -> tuple[Role, ...]:
    return tuple(r for r in ROLE_PRIORITY if r in actor.roles)


async def chat_context(session: AsyncSession, actor: Actor) -> ChatContext:
    key = ("context", actor.account_id, actor.messenger, actor.person_id, actor.roles)
    cache = _cache(session)
    cached = cache.get(key)
    if isinstance(cached, ChatContext):
        return cached
    roles = ordered_roles(actor)
    choice = cache.get(("binding", actor.account_id, actor.messenger))
    if isinstance(choice, tuple):
        role, chosen = choice
    else:
        params: dict[str, object] = {"account_id": actor.account_id}
        query = _CHOICE_ANY
        if actor.messenger is not None:
            query, params["messenger"] = _CHOICE, actor.messenger
        choice_row = (await session.execute(query, params)).first()
        role, chosen = choice_row if choice_row is not None else (None, None)
    if role not in roles:
        role = roles[0] if roles else Role.STUDENT
    students = tuple(await family_students(session, actor))
    student = next((s for s in students if s.id == chosen), students[0] if students else None)
    context = ChatContext(role=role, roles=roles, student=student, students=students)
    cache[key] = context
    return context


async def set_role(session: AsyncSession, actor: Actor, role: Role) -> ChatContext:
    if role not in actor.roles:
        raise policy.deny(actor, "set_role", role=str(role))
    async with UnitOfWork(session, actor) as uow:
        binding = await _binding(session, actor)
        if binding is not None and binding.active_role != role:
            binding.active_role = role
            uow.record(
                action="context.role",
                entity="account",
                entity_id=actor.account_id,
                after={"role": role},
            )
    forget(session)
    return await chat_context(session, actor)


async def set_student(session: AsyncSession, actor: Actor, student_id: int) -> ChatContext:
    """Pick the child the family views are about; only one's own child (forged ids refused)."""
    if student_id not in await policy.children_of(session, actor):
        raise policy.deny(actor, "set_student", student_id=student_id)
    async with UnitOfWork(session, actor):
        binding = await _binding(session, actor)
        if binding is not None and binding.active_student_id != student_id:
            binding.active_student_id = student_id
    forget(session)
    return await chat_context(session, actor)


async def set_language(session: AsyncSession, actor: Actor, language: str) -> None:
    from services.models import Account

    async with UnitOfWork(session, actor):
        account = await session.get(Account, actor.account_id)
        if account is not None and account.language != language:
            account.language = language
