"""A parent's trusted persons of a child (seed 000 §1.3): the list, a new one's name asked for,
what they may see (toggles), the sign-in to pass on, a person's card (what they see, revoke)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from i18n import Translator
from screens.actions import Action
from screens.bounds import Id, OneOf, OptId, Range
from screens.common.invite import links_text
from screens.screen import Button, Screen
from services.people.accounts import IssuedCredentials
from services.people.context import StudentRef
from services.people.policy import TRUSTED_SCOPES
from services.people.trusted import TrustedRow
from services.richtext import escape

ALL_SCOPES = (1 << len(TRUSTED_SCOPES)) - 1


class TrustedCb(Action, prefix="ftr"):
    a: Annotated[str, OneOf("list", "add", "tog", "new", "card", "set", "rev", "rvy")]
    s: Id  # the child
    p: OptId = 0  # the trusted person (0: a new one)
    m: Annotated[int, Range(0, ALL_SCOPES, zero=True)] = 0  # the scopes, a bit each


def mask_of(scopes: Sequence[str]) -> int:
    return sum(1 << i for i, s in enumerate(TRUSTED_SCOPES) if s in scopes)


def scopes_of(mask: int) -> list[str]:
    return [s for i, s in enumerate(TRUSTED_SCOPES) if mask & (1 << i)]


def _scopes_text(t: Translator, scopes: Sequence[str]) -> str:
    return ", ".join(t(f"trusted.scope.{s}") for s in scopes) or "—"


def _toggles(t: Translator, action: str, student_id: int, person_id: int, mask: int) -> list:
    rows = []
    for i, scope in enumerate(TRUSTED_SCOPES):
        on = bool(mask & (1 << i))
        mark = "✅" if on else "⬜"
        rows.append(
            (
                Button(
                    f"{mark} {t(f'trusted.scope.{scope}')}",
                    TrustedCb(a=action, s=student_id, p=person_id, m=mask ^ (1 << i)),
                ),
            )
        )
    return rows


def list_screen(
    t: Translator, child: StudentRef, rows: Sequence[TrustedRow], note: str = ""
) -> Screen:
    lines = [t("trusted.title", child=escape(child.name))]
    if not rows:
        lines.append(t("trusted.none"))
    for r in rows:
        status = t("trusted.signed_in") if r.signed_in else t("trusted.not_signed_in")
        lines.append(
            t(
                "trusted.row",
                name=escape(r.name),
                scopes=escape(_scopes_text(t, r.scopes)),
                status=status,
            )
        )
    buttons = [(Button(r.name, TrustedCb(a="card", s=child.id, p=r.person_id)),) for r in rows]
    buttons.append((Button(t("trusted.add"), TrustedCb(a="add", s=child.id)),))
    text = "\n".join(lines)
    return Screen((f"{note}\n\n{text}" if note else text,), tuple(buttons))


def ask_name_screen(t: Translator, child: StudentRef) -> Screen:
    cancel = Button(t("trusted.cancel"), TrustedCb(a="list", s=child.id))
    return Screen((t("trusted.ask_name", child=escape(child.name)),), ((cancel,),))


def name_refused_screen(t: Translator) -> Screen:
    return Screen((t("trusted.name_invalid"),), replace=False)


def choose_screen(t: Translator, child: StudentRef, name: str, mask: int) -> Screen:
    """What the new person may see: a toggle per scope; create when at least one is on."""
    rows = _toggles(t, "tog", child.id, 0, mask)
    if mask:
        rows.append((Button(t("trusted.create"), TrustedCb(a="new", s=child.id, m=mask)),))
    rows.append((Button(t("trusted.cancel"), TrustedCb(a="list", s=child.id)),))
    text = t("trusted.choose", name=escape(name), child=escape(child.name))
    return Screen((text,), tuple(rows), replace=False)


def issued_screen(
    t: Translator,
    child: StudentRef,
    name: str,
    creds: IssuedCredentials,
    links: Sequence[tuple[str, str]],
    days: int,
) -> Screen:
    text = t(
        "trusted.issued",
        name=escape(name),
        child=escape(child.name),
        link=links_text(t, links),
        login=escape(creds.login),
        password=escape(creds.password),
        days=days,
    )
    back = Button(t("trusted.back"), TrustedCb(a="list", s=child.id))
    return Screen((text,), ((back,),))


def card_screen(t: Translator, child: StudentRef, row: TrustedRow, note: str = "") -> Screen:
    """A trusted person's card: what they see (a tap changes it at once), revoke."""
    rows = _toggles(t, "set", child.id, row.person_id, mask_of(row.scopes))
    rows.append((Button(t("trusted.revoke"), TrustedCb(a="rev", s=child.id, p=row.person_id)),))
    rows.append((Button(t("trusted.back"), TrustedCb(a="list", s=child.id)),))
    text = t(
        "trusted.card",
        name=escape(row.name),
        child=escape(child.name),
        scopes=escape(_scopes_text(t, row.scopes)),
    )
    return Screen((f"{note}\n\n{text}" if note else text,), tuple(rows))


def confirm_revoke_screen(t: Translator, child: StudentRef, row: TrustedRow) -> Screen:
    yes = Button(t("trusted.revoke_yes"), TrustedCb(a="rvy", s=child.id, p=row.person_id))
    no = Button(t("trusted.cancel"), TrustedCb(a="card", s=child.id, p=row.person_id))
    text = t("trusted.revoke_ask", name=escape(row.name), child=escape(child.name))
    return Screen((text,), ((yes, no),))
