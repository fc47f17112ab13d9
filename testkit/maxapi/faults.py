"""Fault injection for the local MAX Bot API server (``server.faults``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from testkit.common.faults import FAULT_KINDS, Countdown, FaultRegistry, check_kind, new_fault_id

__all__ = ["FAULT_KINDS", "Fault", "Faults"]


@dataclass
class Fault(Countdown):
    """One injected fault.

    kinds:
      * ``5xx``        – answer ``status`` (503 by default) with a MAX error body;
      * ``429``        – ``{"code": "too.many.requests", ...}``;
      * ``403``        – ``{"code": "chat.denied", "message": "error.dialog.suspended"}``;
      * ``slow``, ``timeout``, ``disconnect`` – as ``testkit.common.faults`` says.

    ``method`` matches the schema's operationId ("sendMessage", "getUpdates"…), a path
    ("/messages") or "VERB /path" ("POST /messages"), case-insensitively; ``chat_id``
    matches the request's chat_id or user_id, or the dialog of that user.
    ``times=None`` means "until cleared"; ``None`` matchers match anything.
    """

    kind: str
    method: str | None = None
    chat_id: int | None = None
    times: int | None = 1
    delay: float = 2.0
    status: int = 503
    code: str | None = None
    message: str | None = None
    id: int = field(default_factory=new_fault_id)
    fired: int = 0

    def matches(self, names: tuple[str, ...], chat_ids: tuple[int, ...]) -> bool:
        if self.spent:
            return False
        if self.method is not None and self.method.lower() not in names:
            return False
        return self.chat_id is None or int(self.chat_id) in chat_ids

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Faults(FaultRegistry[Fault]):
    """Registry of injected faults."""

    def inject(
        self,
        method: str | None = None,
        chat_id: int | None = None,
        kind: str = "5xx",
        times: int | None = 1,
        delay: float = 2.0,
        status: int = 503,
        code: str | None = None,
        message: str | None = None,
    ) -> Fault:
        check_kind(kind)
        fault = Fault(
            kind=kind,
            method=method,
            chat_id=chat_id,
            times=times,
            delay=delay,
            status=status,
            code=code,
            message=message,
        )
        return self._add(fault)

    def take(self, names: tuple[str, ...], chat_ids: tuple[int, ...]) -> Fault | None:
        """Return (and count) the first fault matching this call, if any."""
        return self._take(lambda fault: fault.matches(names, chat_ids))
