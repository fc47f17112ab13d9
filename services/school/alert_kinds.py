"""The school year's notification kinds: a year closed, told to the staff who taught in it —
its journal is read-only from now on, corrections go through the admin
(services.notifications.kinds)."""

from __future__ import annotations

from typing import Any

from services.notifications.kinds import Kind, Payload, Value, t


class YearClosedPayload(Payload):
    year_id: int | None = None
    year: Value = ""


def _closed_text(p: YearClosedPayload, lang: str) -> str:
    return t(lang, "year.alert.closed", year=p.year)


YEAR_CLOSED: Kind[YearClosedPayload] = Kind("year.closed", YearClosedPayload, _closed_text)

KINDS: tuple[Kind[Any], ...] = (YEAR_CLOSED,)
