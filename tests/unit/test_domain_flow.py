"""Imports flow one way between the domain packages of services/ (docs/services-map.md): the
kernel (the modules at the root of services/) imports no domain package, and the graph of
imports between services/<domain> packages has no cycle. No module imports another module's
private name (``_name``): what two modules share is public where it belongs.

Every import counts, function-local and TYPE_CHECKING ones included.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.unit.test_package_imports import ROOT, imports_of, rel

SERVICES = ROOT / "services"
KERNEL = "kernel"
DOMAINS = sorted(p.name for p in SERVICES.iterdir() if (p / "__init__.py").is_file())

# Edges allowed to close a cycle, each with the one file that makes it (none today); the test
# fails when a listed one is gone, so that the list stays true.
EDGE_EXCEPTIONS: dict[tuple[str, str], str] = {}


def node_of(module: str) -> str | None:
    """The graph's node of a module of services/: its domain package, or the kernel."""
    parts = module.split(".")
    if parts[0] != "services" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in DOMAINS else KERNEL


def file_node(path: Path) -> str:
    parts = path.relative_to(SERVICES).parts
    return parts[0] if len(parts) > 1 else KERNEL


def service_files() -> list[Path]:
    return sorted(SERVICES.rglob("*.py"))


def edges_by_file() -> dict[tuple[str, str], set[str]]:
    """(from, to) → the files that make the edge."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in service_files():
        src = file_node(path)
        for module in imports_of(path):
            dst = node_of(module)
            if dst is not None and dst != src:
                out[(src, dst)].add(rel(path))
    return out


def cycles_of(edges: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges[node]):
            if nxt in path:
                found.append([*path[path.index(nxt) :], nxt])
            else:
                visit(nxt, [*path, nxt])

    for node in sorted(edges):
        visit(node, [node])
    return found


def test_the_kernel_imports_no_domain() -> None:
    bad = sorted(
        f"{rel(p)}: {m}"
        for p in service_files()
        if file_node(p) == KERNEL
        for m in imports_of(p)
        if node_of(m) not in (None, KERNEL)
    )
    assert bad == []


def test_no_cycle_between_domain_packages() -> None:
    found = edges_by_file()
    edges: dict[str, set[str]] = defaultdict(set)
    for src, dst in found:
        edges[src].add(dst)
    for (src, dst), file in sorted(EDGE_EXCEPTIONS.items()):
        assert found.get((src, dst)) == {file}, (
            f"{src} -> {dst} is made by {sorted(found.get((src, dst), ()))}, "
            f"not by {file} alone: fix EDGE_EXCEPTIONS"
        )
        edges[src].discard(dst)
    assert cycles_of(edges) == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    """Not blind: a cycle of three, and the scan of a real edge between two domains."""
    edges: dict[str, set[str]] = defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a"}})
    assert cycles_of(edges) == [["a", "b", "c", "a"], ["b", "c", "a", "b"], ["c", "a", "b", "c"]]
    assert "services/marks/marking.py" in edges_by_file()[("marks", "timetable")]


def private_uses(path: Path) -> set[str]:
    """Private names of other modules of services/ the file uses: ``from m import _x`` and
    ``m._x`` where ``m`` is a module of services/ imported by name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: dict[str, str] = {}
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("services"):
                for a in node.names:
                    if a.name.startswith("_"):
                        out.add(f"{node.module}.{a.name}")
                    # ``from services.x import module`` binds a module by its name.
                    if (SERVICES.parent / node.module.replace(".", "/") / f"{a.name}.py").exists():
                        modules[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("services") and a.asname:
                    modules[a.asname] = a.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
        ):
            out.add(f"{modules[node.value.id]}.{node.attr}")
    return out


def test_no_private_name_used_across_modules() -> None:
    bad = sorted(f"{rel(p)}: {name}" for p in service_files() for name in private_uses(p))
    assert bad == []


def test_the_private_scan_sees_a_use(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from services.timetable import lesson_sheet\n"
        "from services.people.office_actor import _hidden\n"
        "x = lesson_sheet._sheet_head\n",
        encoding="utf-8",
    )
    assert private_uses(sample) == {
        "services.timetable.lesson_sheet._sheet_head",
        "services.people.office_actor._hidden",
    }
