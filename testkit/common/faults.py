"""The registry of injected faults both servers keep (``server.faults``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


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
