"""Data flows one way between the packages (docs/architecture.md): services/ knows no
messenger and no package above it (only the translator, i18n/, sits below it), notifications/
delivers and never reaches into the handlers or the bot, aiogram lives in the Telegram adapter,
the bot's wiring, the test kit, tests and benchmarks.

Every import counts, function-local and TYPE_CHECKING ones included.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The application's top-level packages (tests and benchmarks aside).
PACKAGES = sorted(
    p.name
    for p in ROOT.iterdir()
    if (p / "__init__.py").is_file() and p.name not in {"tests", "bench"}
)
# The only application package below the journal: the one translator (issue 12, item 3).
BELOW_SERVICES = {"i18n"}
SKIP = {".venv", ".git", "data", "build", "node_modules"}

# Where aiogram may be imported besides handlers/, maxbot/, bot/, testkit/, tests/ and bench/:
# nowhere. maxbot/ (the MAX front end) feeds MAX updates to the same aiogram Dispatcher as
# Telegram's and translates the Bot API calls of the handlers to MAX (docs/max.md); its client,
# renderer and alert transport import no aiogram.
# The delivery worker's Telegram transport lives in the adapter (handlers/common/transport.py),
# built by the bot's wiring and passed to the worker; alerts are neutral screens.
AIOGRAM_EXCEPTIONS: set[str] = set()
AIOGRAM_HOMES = ("handlers", "maxbot", "bot", "testkit", "tests", "bench")

# Package edges that close a cycle today, each with its reason; the test fails when one is gone
# so that the list stays true.
# (None today: bot/ wires the handlers, and the handlers import nothing of bot/ — the translator
# is i18n/, the command menus are handlers/common/commands.py.)
CYCLE_EXCEPTIONS: set[tuple[str, str]] = set()


def imports_of(path: Path) -> set[str]:
    """Absolute module names imported anywhere in the file."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def python_files(*folders: str) -> list[Path]:
    """Every Python file of the folders (a folder that does not exist has none)."""
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def top(module: str) -> str:
    return module.split(".")[0]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_services_import_no_messenger_and_nothing_above_them() -> None:
    bad = sorted(
        f"{rel(p)}: {m}"
        for p in python_files("services")
        for m in imports_of(p)
        if top(m) == "aiogram"
        or (top(m) in PACKAGES and top(m) not in {"services", *BELOW_SERVICES})
    )
    assert bad == []


def test_notifications_import_no_handlers_and_no_bot() -> None:
    bad = sorted(
        f"{rel(p)}: {m}"
        for p in python_files("notifications")
        for m in imports_of(p)
        if top(m) in {"handlers", "bot"}
    )
    assert bad == []


def test_aiogram_only_in_the_adapter_the_wiring_and_tests() -> None:
    found = {
        rel(p)
        for p in ROOT.rglob("*.py")
        if not SKIP.intersection(p.relative_to(ROOT).parts)
        and p.relative_to(ROOT).parts[0] not in AIOGRAM_HOMES
        and any(top(m) == "aiogram" for m in imports_of(p))
    }
    assert found == AIOGRAM_EXCEPTIONS
    for folder in AIOGRAM_HOMES:
        assert (ROOT / folder).is_dir()


def test_no_cycle_between_packages() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for package in PACKAGES:
        for p in python_files(package):
            for m in imports_of(p):
                if top(m) in PACKAGES and top(m) != package:
                    edges[package].add(top(m))
    for a, b in sorted(CYCLE_EXCEPTIONS):
        assert b in edges[a], f"{a} -> {b} is gone: remove it from CYCLE_EXCEPTIONS"
        edges[a].discard(b)
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges[node]):
            if nxt in path:
                cycles.append([*path[path.index(nxt) :], nxt])
            else:
                visit(nxt, [*path, nxt])

    for package in PACKAGES:
        visit(package, [package])
    assert cycles == []


def test_a_scan_sees_imports(tmp_path: Path) -> None:
    """The scanner is not blind: it sees a function-local import and a TYPE_CHECKING one."""
    module = tmp_path / "module.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from aiogram import Bot\n"
        "def run() -> None:\n"
        "    from services.tools import backup\n"
        "    import handlers.common.screens\n"
    )
    found = imports_of(module)
    assert {"aiogram", "services.tools.backup", "handlers.common.screens"} <= found
