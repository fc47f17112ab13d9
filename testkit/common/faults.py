"""The registry of injected faults both servers keep (``server.faults``).

The kinds of fault: ``5xx``, ``429`` and ``403`` answer the messenger's error (each
server's ``Fault`` says which), and the three that do not answer:
  * ``slow``       – sleep ``delay`` seconds, then process normally;
  * ``timeout``    – hold the request ``delay`` seconds, then drop the connection
                     (use a delay longer than the client's timeout);
  * ``disconnect`` – drop the connection immediately without an answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Generic, Literal, Protocol, TypeVar

FaultKind = Literal["5xx", "timeout", "disconnect", "429", "403", "slow"]
FAULT_KINDS: tuple[str, ...] = ("5xx", "timeout", "disconnect", "429", "403", "slow")

_ids = itertools.count(1)


def new_fault_id() -> int:
    return next(_ids)


def check_kind(kind: str) -> None:
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")


class Countdown:
    """A fault's ``times`` (None: until cleared) and how often it has ``fired``."""

    times: int | None
    fired: int

    @property
    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times


class _Fault(Protocol):
    id: int

    @property
    def spent(self) -> bool: ...

    fired: int


F = TypeVar("F", bound=_Fault)


class FaultRegistry(Generic[F]):
    """The faults injected and not yet spent, in the order they were injected."""

    def __init__(self) -> None:
        self._faults: list[F] = []
        self.injected = 0

    def _add(self, fault: F) -> F:
        self._faults.append(fault)
        return fault

    def remove(self, fault: F | int) -> None:
        fault_id = fault if isinstance(fault, int) else fault.id
        self._faults = [f for f in self._faults if f.id != fault_id]

    def clear(self) -> None:
        self._faults.clear()

    @property
    def active(self) -> list[F]:
        return [f for f in self._faults if not f.spent]

    def __len__(self) -> int:
        return len(self.active)

    def _take(self, matches: Callable[[F], bool]) -> F | None:
        """Return (and count) the first fault that ``matches`` this call, if any."""
        for fault in self._faults:
            if not fault.spent and matches(fault):
                fault.fired += 1
                self.injected += 1
                if fault.spent:
                    self._faults.remove(fault)
                return fault
        return None
