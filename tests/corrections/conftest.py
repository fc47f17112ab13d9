"""The delivery fixtures of tests/notifications (a local Bot API server, a worker on a fake
clock, a school whose people have bindings); every test here is ``committed``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.notifications.conftest import bot, clock, server, worker, world

__all__ = ["bot", "clock", "server", "worker", "world"]

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.committed)
