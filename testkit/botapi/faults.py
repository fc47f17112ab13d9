"""Fault injection for the local Bot API server."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from testkit.common.faults import (
    FAULT_KINDS,
    Countdown,
    FaultKind,
    FaultRegistry,
    check_kind,
    new_fault_id,
)

__all__ = ["FAULT_KINDS", "Fault", "FaultKind", "Faults"]


@dataclass
class Fault(Countdown):
    """One injected fault.

    kinds:
      * ``5xx``        – answer ``status`` (502 "Bad Gateway" by default);
      * ``429``        – "Too Many Requests: retry after N" with ``retry_after``;
      * ``403``        – "Forbidden: bot was blocked by the user";
      * ``slow``, ``timeout``, ``disconnect`` – as ``testkit.common.faults`` says.
    ``times=None`` means "until cleared".  ``method=None``/``chat_id=None`` match anything.
    """

    kind: str
    method: str | None = None
    chat_id: int | str | None = None
    times: int | None = 1
    retry_after: int = 3
    delay: float = 2.0
    status: int = 502
    description: str | None = None
    id: int = field(default_factory=new_fault_id)
    fired: int = 0

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.spent:
            return False
        if self.method is not None and self.method.lower() != method:
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Faults(FaultRegistry[Fault]):
    """Registry of injected faults (``server.faults``)."""

    def inject(
        self,
        method: str | None = None,
        chat_id: int | str | None = None,
        kind: str = "5xx",
        times: int | None = 1,
        retry_after: int = 3,
        delay: float = 2.0,
        status: int = 502,
        description: str | None = None,
    ) -> Fault:
        check_kind(kind)
        fault = Fault(
            kind=kind,
            method=method,
            chat_id=chat_id,
            times=times,
            retry_after=retry_after,
            delay=delay,
            status=status,
            description=description,
        )
        return self._add(fault)

    def take(self, method: str, chat_id: Any) -> Fault | None:
        """Return (and count) the first fault matching this call, if any."""
        return self._take(lambda fault: fault.matches(method, chat_id))
