"""Who acts in a use case: an account with its person, school and roles (the kernel's type; the
audit log and every domain take it). How a messenger user becomes one: services.people.identity.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.enums import Role


@dataclass(frozen=True)
class Actor:
    account_id: int
    person_id: int
    school_id: int
    roles: frozenset[Role]
    language: str | None
    display_name: str
    timezone: str
    # The account's login, for the audit log's snapshot of who acted.
    login: str | None = None
    # The messenger the actor acts from (None: the command line, a job): the chat context (the
    # chosen role and child) is kept per messenger binding.
    messenger: str | None = None

    @property
    def label(self) -> str:
        return f"account:{self.account_id}"

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)
