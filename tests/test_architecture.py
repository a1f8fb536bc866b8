"""The house plan (docs/ARCHITECTURE.md), checked: layers that import downwards only, and no cycle.

Every import in ``simulator/`` counts: at module level, inside functions, and under
``TYPE_CHECKING`` (a type-only import is still a design dependency).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"

# Lowest first. A module may import from its own layer or a lower one; within a layer the
# packages import each other without a cycle. Keep in step with docs/ARCHITECTURE.md.
LAYERS: list[tuple[str, list[str]]] = [
    ("core", ["core", "config", "resources"]),
    ("contracts, store, fake", ["contracts", "store", "fake"]),
    ("auth, imaging, faces", ["auth", "imaging", "faces"]),
    ("pipeline", ["pipeline"]),
    ("services", ["services"]),
    ("control, testing, verify, openapi, coverage", [
        "control", "testing", "verify", "openapi", "coverage", "authoring", "proxy",
        "simulator", "app", "server", "wsgi", "reading", "__init__"]),
    ("serving, cli", ["serving", "cli", "startup", "__main__"]),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The module an imported name lives in (``simulator.a.b.func`` -> ``simulator.a.b``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path) -> set[str]:
    is_package = path.name == "__init__.py"
    here = module if is_package else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name == "simulator" or name.startswith("simulator."):
                target = _owner(name)
                if target and target != module:
                    out.add(target)
    return out


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _unit(module: str) -> str:
    """The package (or top-level module) a module belongs to: ``simulator.pipeline.run`` -> ``pipeline``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(module: str) -> int | None:
    unit = _unit(module)
    return next((index for index, (_, units) in enumerate(LAYERS) if unit in units), None)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in MODULES if _layer(m) is None)
    assert not unplaced, (f"{unplaced}: give each new package a layer in docs/ARCHITECTURE.md and in LAYERS "
                          "(tests/test_architecture.py)")


def test_no_module_imports_from_a_higher_layer():
    upward = [f"{module} -> {target} ({LAYERS[_layer(module)][0]} -> {LAYERS[_layer(target)][0]})"
              for module, targets in sorted(GRAPH.items()) for target in sorted(targets)
              if _layer(module) is not None and _layer(target) is not None and _layer(target) > _layer(module)]
    assert not upward, "imports that run back up (docs/ARCHITECTURE.md says what may import what):\n" + \
        "\n".join(upward)


def test_the_modules_import_each_other_without_a_cycle():
    assert _cycles(GRAPH) == []


def test_the_packages_import_each_other_without_a_cycle():
    units: dict[str, set[str]] = defaultdict(set)
    for module, targets in GRAPH.items():
        units[_unit(module)] |= {_unit(t) for t in targets if _unit(t) != _unit(module)}
    assert _cycles(dict(units)) == []


@pytest.mark.parametrize("graph, cycles", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"b"}, "b": set()}, []),
])
def test_the_cycle_finder_finds_cycles(graph, cycles):
    assert _cycles(graph) == cycles


def test_the_import_reader_sees_type_checking_and_function_level_imports(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from simulator.pipeline.run import Pipeline\n"
                      "def f():\n    from simulator.control import plane\n", "utf-8")
    assert _imports("simulator.core.probe", source) == {"simulator.pipeline.run", "simulator.control.plane"}


# -- sizes: a module, or a contract file, that one can read in one sitting -------------------------

MAX_MODULE_LINES = 400
MAX_CONTRACT_FILE_LINES = 1_500
CONTRACTS = PACKAGE.parent / "contracts"


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _too_long() -> dict[str, int]:
    root = PACKAGE.parent
    found = {str(p.relative_to(root)): _lines(p) for p in PACKAGE.rglob("*.py") if _lines(p) > MAX_MODULE_LINES}
    for path in CONTRACTS.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".yaml", ".yml") and "sources" not in path.parts \
                and _lines(path) > MAX_CONTRACT_FILE_LINES:
            found[str(path.relative_to(root))] = _lines(path)
    return found


def test_no_module_is_longer_than_one_sitting():
    found = _too_long()
    assert not found, (f"over {MAX_MODULE_LINES} lines (a module) or {MAX_CONTRACT_FILE_LINES} (a contract file): "
                       f"{found}; split by job (a contract: its parts into files, docs/ARCHITECTURE.md)")


def test_the_size_check_reads_the_contracts():  # not vacuous: the contracts' files are there to be measured
    assert len([p for p in CONTRACTS.rglob("*.json") if "operations" in p.parts]) >= 90
