"""Every notification kind by name: the one registry the delivery worker and the renderer look
up. A kind lives in its domain's ``alert_kinds`` module (services/<domain>/); adding one means
adding it to that module's ``KINDS`` (and, for a new domain module, to :data:`MODULES` here).

The registry sits here, beside its readers, above the domains it collects: those domains queue
their alerts through services.notifications, so a registry inside services/ would close a cycle.
"""

from __future__ import annotations

from typing import Any

from services.attendance import alert_kinds as attendance_kinds
from services.early_warning import alert_kinds as early_warning_kinds
from services.family_messages import alert_kinds as family_messages_kinds
from services.homework import alert_kinds as homework_kinds
from services.marks import alert_kinds as marks_kinds
from services.messages import alert_kinds as messages_kinds
from services.messages import event_reminders
from services.notifications import alert_kinds as notifications_kinds
from services.notifications.kinds import Kind
from services.school import alert_kinds as school_kinds
from services.timetable import alert_kinds as timetable_kinds

MODULES = (
    attendance_kinds,
    marks_kinds,
    homework_kinds,
    messages_kinds,
    notifications_kinds,
    timetable_kinds,
    school_kinds,
    early_warning_kinds,
    family_messages_kinds,
    event_reminders,
)


class UnknownKind(LookupError):
    """An outbox row of a kind no module defines (a typo, or a row of a newer version)."""


def _collect() -> dict[str, Kind[Any]]:
    out: dict[str, Kind[Any]] = {}
    for module in MODULES:
        for kind in module.KINDS:
            if kind.name in out:
                raise ValueError(f"notification kind {kind.name!r} is defined twice")
            out[kind.name] = kind
    return out


KINDS: dict[str, Kind[Any]] = _collect()


def kind_of(name: str) -> Kind[Any]:
    """The kind of an outbox row; :class:`UnknownKind` for a name no module defines."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(f"unknown notification kind {name!r}") from None
