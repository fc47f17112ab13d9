"""Fault injection for the local Bot API server."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FaultKind = Literal["5xx", "timeout", "disconnect", "429", "403", "slow"]
FAULT_KINDS: tuple[str, ...] = ("5xx", "timeout", "disconnect", "429", "403", "slow")

_ids = itertools.count(1)


@dataclass
class Fault:
    """One injected fault.

    kinds:
      * ``5xx``        – answer ``status`` (502 "Bad Gateway" by default);
      * ``429``        – "Too Many Requests: retry after N" with ``retry_after``;
      * ``403``        – "Forbidden: bot was blocked by the user";
      * ``slow``       – sleep ``delay`` seconds, then process normally;
      * ``timeout``    – hold the request ``delay`` seconds, then drop the connection
                         (use a delay longer than the client's timeout);
      * ``disconnect`` – drop the connection immediately without an answer.
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
    id: int = field(default_factory=lambda: next(_ids))
    fired: int = 0

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        if self.method is not None and self.method.lower() != method:
            return False
        return self.chat_id is None or str(self.chat_id) == str(chat_id)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Faults:
    """Registry of injected faults (``server.faults``)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self.injected = 0

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
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
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
        self._faults.append(fault)
        return fault

    def remove(self, fault: Fault | int) -> None:
        fault_id = fault.id if isinstance(fault, Fault) else fault
        self._faults = [f for f in self._faults if f.id != fault_id]

    def clear(self) -> None:
        self._faults.clear()

    @property
    def active(self) -> list[Fault]:
        return [f for f in self._faults if f.times is None or f.fired < f.times]

    def __len__(self) -> int:
        return len(self.active)

    def take(self, method: str, chat_id: Any) -> Fault | None:
        """Return (and count) the first fault matching this call, if any."""
        if not self._faults:
            return None
        for fault in self._faults:
            if fault.matches(method, chat_id):
                fault.fired += 1
                self.injected += 1
                if fault.times is not None and fault.fired >= fault.times:
                    self._faults.remove(fault)
                return fault
        return None
