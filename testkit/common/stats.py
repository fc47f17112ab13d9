"""The counters both servers keep (``server.stats``, ``GET /_control/stats``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Stats:
    requests: int = 0
    sent_messages: int = 0
    edited_messages: int = 0
    deleted_messages: int = 0
    rate_limited: int = 0
    faults_injected: int = 0
    errors: int = 0
    updates_created: int = 0
    webhook_deliveries: int = 0
    webhook_failures: int = 0
    per_method: Counter[str] = field(default_factory=Counter)
    errors_by_code: Counter[int] = field(default_factory=Counter)

    def count_request(self, method: str, status: int) -> None:
        """Count one answered (or dropped: status 0) request."""
        self.requests += 1
        self.per_method[method] += 1
        if status != 200:
            self.errors += 1
            self.errors_by_code[status] += 1
            if status == 429:
                self.rate_limited += 1

    def to_dict(self) -> dict[str, Any]:
        """The counters (a subclass's too, after the common ones), then the two tallies."""
        data: dict[str, Any] = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("per_method", "errors_by_code")
        }
        data["per_method"] = dict(self.per_method)
        data["errors_by_code"] = {str(k): v for k, v in self.errors_by_code.items()}
        return data
