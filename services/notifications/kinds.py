"""A notification kind as one object: its payload, its text, and how it is sent.

An outbox row names its kind by a string (``"attendance.absent"``) and carries a JSON payload.
Each kind is one :class:`Kind`, defined in its domain's ``alert_kinds`` module
(services/attendance/, services/marks/, …) and registered by name in
:mod:`notifications.registry`, which the delivery worker and the renderer look up:

- ``payload``: the pydantic model its payload is validated with when the row is read (after the
  worker added the names and ids it looks up); extra keys are kept, so rows written by an older
  version still read;
- ``text``: the alert's paragraph in a language (HTML; every payload value escaped once by
  :func:`t`), also its part of a merged message; :meth:`Kind.message` the alert sent alone
  (``message_of`` where that is more than the paragraph: the question its buttons answer, a
  broadcast's file);
- ``brief``: the paragraph in a school's minimal personal data mode (``School.minimal_alerts``):
  the child's first name, the kind of event, the subject or area and "open the diary" — no
  surname, mark, reason, comment or teacher's name; ``None`` for a kind whose text carries no
  personal data (it is then sent as it is); a digest's ``brief`` gives counts;
- the send-time gates where kinds differ: ``gates`` (reasons to cancel: turned off in the
  settings, the absence corrected, the news deleted), ``digest`` (merged into a digest and, for
  marks, deferred to the recipient's digest slot), ``alone`` (own buttons: never merged).

Quiet hours, the binding and the recipient's language are the same for every kind (the worker).
Nothing here knows a messenger: the buttons are the screens' business (screens/common/alerts.py).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

import i18n
from services.models import NotificationPrefs
from services.texts import format_date, format_date_range

log = logging.getLogger(__name__)

# The kind of a fan-out row: one outbox row per school and digest (no recipient) that the
# delivery worker expands into the families' rows; never rendered.
FANOUT = "fanout"

# A JSON value as a template shows it (``str()`` of it, escaped).
Value = str | int | float | None


class Payload(BaseModel):
    """The base of every kind's payload: frozen, extra keys kept (ids the text does not show,
    keys of older versions)."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class Child(Payload):
    """A payload about a child: the display name the worker looked up, or the id."""

    student_id: int | None = None
    student: Value = None  # the worker's display name
    student_gender: str | None = None
    student_first: Value = None  # the first name alone, where the writer gives it
    # The order of the words of ``student`` (the worker writes "{first} {last}"; a payload
    # whose use case writes the name itself says so).
    last_first: ClassVar[bool] = False

    @property
    def student_name(self) -> str:
        return str(self.student or self.student_id or "")

    @property
    def first(self) -> str:
        """The child's first name alone (the minimal personal data mode); "" when unknown."""
        if isinstance(self.student_first, str) and self.student_first.strip():
            return self.student_first.strip()
        return first_name(self.student, last_first=self.last_first)


def first_name(display: object, *, last_first: bool = False) -> str:
    """The first name of a display name ("Аня Иванова" → "Аня"; with ``last_first``,
    "Иванова Аня" → "Аня"): the worker and the jobs write ``"{first} {last}"``. Nothing when
    there is no name (never an id or a surname instead)."""
    if not isinstance(display, str):
        return ""
    words = display.split()
    if not words:
        return ""
    return words[-1] if last_first else words[0]


P = TypeVar("P", bound=Payload)

# A reason to cancel a row at send time (None: go on), from its payload and the settings.
Gate = Callable[[Any, NotificationPrefs | None], str | None]


@dataclass(frozen=True)
class AlertMessage:
    """One alert's message, neutral: HTML text and a file by reference (``photo``/``document``)."""

    text: str
    attachment_kind: str | None = None
    attachment_ref: str | None = None


@dataclass(frozen=True)
class Digest(Generic[P]):
    """Alerts merged under one heading (marks: by child and subject); ``deferred``: the
    recipient's marks mode may hold them for the hourly or evening digest."""

    name: str
    render: Callable[[Sequence[tuple[str, Any]], str], list[str]]
    deferred: bool = False
    # The minimal personal data mode: counts by child, no values.
    brief: Callable[[Sequence[tuple[str, Any]], str], list[str]] | None = None

    def lines(self, entries: Sequence[tuple[str, Any]], lang: str, *, minimal: bool) -> list[str]:
        if minimal and self.brief is not None:
            return self.brief(entries, lang)
        return self.render(entries, lang)


@dataclass(frozen=True)
class Kind(Generic[P]):
    """One notification kind; ``name`` is the outbox row's ``kind`` (never renamed: rows may
    wait in a running deployment)."""

    name: str
    payload: type[P]
    text: Callable[[P, str], str]
    # The message sent alone around its paragraph (payload, language, paragraph).
    message_of: Callable[[P, str, str], AlertMessage] | None = None
    # The paragraph in the minimal personal data mode (None: ``text`` has no personal data).
    brief: Callable[[P, str], str] | None = None
    gates: tuple[Gate, ...] = ()
    digest: Digest[Any] | None = None
    alone: bool = False  # carries its own buttons: sent alone, never merged

    def read(self, payload: Any) -> P:
        """The payload as this kind's model (``pydantic.ValidationError`` when malformed)."""
        if isinstance(payload, self.payload):
            return payload
        return self.payload.model_validate(payload)

    def paragraph(self, payload: P, lang: str, *, minimal: bool = False) -> str:
        """The alert's paragraph; with ``minimal``, its minimal personal data form."""
        if minimal and self.brief is not None:
            return self.brief(payload, lang)
        return self.text(payload, lang)

    def message(self, payload: P, lang: str, *, minimal: bool = False) -> AlertMessage:
        text = self.paragraph(payload, lang, minimal=minimal)
        if self.message_of is not None:
            return self.message_of(payload, lang, text)
        return AlertMessage(text)

    def cancel_reason(self, payload: P, prefs: NotificationPrefs | None) -> str | None:
        for gate in self.gates:
            reason = gate(payload, prefs)
            if reason is not None:
                return reason
        return None


def turned_off(setting: str) -> Gate:
    """Cancelled when the recipient turned ``setting`` off (NotificationPrefs' flag)."""

    def gate(payload: Any, prefs: NotificationPrefs | None) -> str | None:
        if prefs is not None and not getattr(prefs, setting):
            return "disabled in settings"
        return None

    return gate


# --------------------------------------------------------------------------- text helpers


def escape(value: object) -> str:
    return html.escape(str(value), quote=False)


@dataclass(frozen=True)
class Safe:
    """Already-rendered HTML passed into a template without escaping."""

    html: str


def _value(value: object) -> object:
    """A param as the translator gets it: HTML as it is, a whole number as a number (a plural
    selector chooses its form by it), anything else escaped."""
    if isinstance(value, Safe):
        return value.html
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return escape(value)


def t(lang: str, key: str, /, **params: Any) -> str:
    """A text filled with ``params``; each param is escaped unless wrapped in :class:`Safe`.
    A form that agrees with a person takes ``gender=`` ("m", "f"; else the neutral form); a
    plural form, a whole number."""
    values = {k: _value(v) for k, v in params.items()}
    text = i18n.translate(lang, key, **values)
    if text is None:
        log.warning("missing notification text", extra={"key": key, "lang": lang})
        return escape(key)
    return text


def date_text(lang: str, value: object) -> str:
    """A date the user's way (one formatter for every user text: services.texts)."""
    if isinstance(value, dt.date | str):
        return format_date(lang, value)
    return "" if value is None else str(value)


def dates_text(lang: str, start: object, end: object) -> str:
    """One day as one date; a period as "from — to"."""
    if isinstance(start, dt.date | str) and isinstance(end, dt.date | str):
        return format_date_range(lang, start, end)
    return date_text(lang, start)


def work_text(lang: str, kind: object) -> str:
    return t(lang, f"notify.work.{kind}") if kind else ""


def child_text(lang: str, display: object) -> str:
    """The child as the minimal mode names them: the first name, or "your child" without one."""
    return first_name(display) or t(lang, "notify.minimal.child")


def missing_text(lang: str, missing: Sequence[str]) -> str:
    return ", ".join(t(lang, f"notify.reminder.missing_{m}") for m in missing)
