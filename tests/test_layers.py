"""The layering rules hold: no Qt below the ui, and imports only point down the layers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def test_no_qt_imports_outside_the_ui() -> None:
    # TID251 bans PySide6 everywhere but synergy_desk/ui and synergy_desk/app.py (pyproject).
    result = _run("-m", "ruff", "check", "--no-cache", "--select", "TID251",
                  "--output-format", "concise", "synergy_desk")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold() -> None:
    # The import-linter contracts in pyproject: imports point down the layers; no Qt below ui.
    result = _run("-c", "import sys; from importlinter.cli import lint_imports_command; "
                        "sys.exit(lint_imports_command())", "--no-cache", "--no-logo",
                  "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_passes_its_lint() -> None:
    # The rules of pyproject's [tool.ruff], on the package, the tests and the benchmarks.
    result = _run("-m", "ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_services_and_models_are_type_checked_strictly() -> None:
    # mypy --strict over domain, models, services and documents (pyproject's [tool.mypy]).
    result = _run("-m", "mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


def import_cycles(graph: Any) -> list[list[str]]:
    """Every group of modules that import each other round in a circle (Tarjan's strongly
    connected components of the import graph, each of more than one module or importing
    itself), each listed in name order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        # An explicit stack of (module, the modules it imports still to visit).
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = counter
                    counter += 1
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, iter(sorted(graph.find_modules_directly_imported_by(other)))))
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1 or module in graph.find_modules_directly_imported_by(module):
                        cycles.append(sorted(group))
    return sorted(cycles)


def test_the_cycle_finder_finds_a_circle_and_nothing_else() -> None:
    import grimp

    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d"),
                               ("p.d", "p.e"), ("p.f", "p.f")]:
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [["p.a", "p.b", "p.c"], ["p.f"]]


def test_no_module_of_the_package_imports_itself_round_a_circle() -> None:
    import grimp

    graph = grimp.build_graph("synergy_desk", cache_dir=None)
    cycles = import_cycles(graph)
    assert cycles == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)
