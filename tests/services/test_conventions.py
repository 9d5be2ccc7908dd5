"""How every service is written, held for all of them: a public list of names, the role checked
inside the transaction, and building blocks that refuse to run outside their caller's."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import synergy_desk.services as services_package

#: The context managers that open (or join) the one transaction of a use case.
TRANSACTIONS = {"transaction", "read_snapshot", "changing", "atomic"}


def service_modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(services_package.__path__, "synergy_desk.services."):
        yield importlib.import_module(info.name)
    yield services_package


MODULES = sorted(service_modules(), key=lambda m: m.__name__)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_services_module_lists_its_public_names(module: ModuleType) -> None:
    assert hasattr(module, "__all__"), f"{module.__name__} has no __all__"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == [], f"{module.__name__}.__all__ names what it lacks: {missing}"
    assert len(set(module.__all__)) == len(module.__all__), f"{module.__name__}: a name twice"
    unlisted = sorted(set(public_definitions(module)) - set(module.__all__))
    assert unlisted == [], f"{module.__name__} defines public names its __all__ leaves out"


def public_definitions(module: ModuleType) -> Iterator[str]:
    """The public functions, classes and UPPER_CASE constants a module defines itself."""
    if module.__file__ is None or not module.__file__.endswith(".py"):
        return
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        else:
            continue
        for name in names:
            constant = name.isupper() and len(name) > 1  # not a type variable (T, P)
            if not name.startswith("_") and (constant or not isinstance(node, ast.Assign
                                                                         | ast.AnnAssign)):
                yield name


def test_a_public_name_left_out_of_all_is_found(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text("T = 1\nLIMIT = 5\n_HIDDEN = 2\nlog = None\n"
                      "def shown(): pass\ndef _private(): pass\nclass Row: pass\n")
    module = ModuleType("sample")
    module.__file__ = str(source)
    assert sorted(public_definitions(module)) == ["LIMIT", "Row", "shown"]


def _opens_transaction(node: ast.With, kinds: set[str] = TRANSACTIONS) -> bool:
    for item in node.items:
        call = item.context_expr
        if isinstance(call, ast.Call):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(
                call.func, "id", "")
            if name in kinds:
                return True
    return False


def _is_building_block(function: ast.FunctionDef) -> bool:
    return any(getattr(d, "id", "") == "in_transaction" for d in function.decorator_list)


def role_checks_outside_a_transaction(source: str) -> list[str]:
    """The functions of ``source`` that call ``require`` outside a transaction's ``with``
    (a building block marked ``@in_transaction`` runs inside its caller's, so it may)."""
    found: list[str] = []

    def visit(node: ast.AST, function: ast.FunctionDef | None, inside: bool) -> None:
        if isinstance(node, ast.FunctionDef):
            function, inside = node, _is_building_block(node)
        elif isinstance(node, ast.With) and _opens_transaction(node):
            inside = True
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "require"
                and not inside and function is not None):
            found.append(f"{function.name} (line {node.lineno})")
        for child in ast.iter_child_nodes(node):
            visit(child, function, inside)

    visit(ast.parse(source), None, False)
    return found


def test_the_role_check_finder_finds_a_check_before_the_transaction() -> None:
    wrong = (
        "def refund(actor):\n"
        "    require(actor, MANAGERS, 'refund')\n"
        "    with transaction():\n"
        "        pass\n")
    right = (
        "def refund(actor):\n"
        "    with transaction():\n"
        "        require(actor, MANAGERS, 'refund')\n"
        "@in_transaction\n"
        "def refund_line_in_tx(actor):\n"
        "    require(actor, MANAGERS, 'refund')\n")
    assert role_checks_outside_a_transaction(wrong) == ["refund (line 2)"]
    assert role_checks_outside_a_transaction(right) == []


def test_every_role_check_is_inside_the_transaction_it_guards() -> None:
    root = Path(services_package.__file__).parent
    outside = {
        str(path.relative_to(root)): found
        for path in sorted(root.rglob("*.py"))
        if (found := role_checks_outside_a_transaction(path.read_text(encoding="utf-8")))}
    assert outside == {}


def building_blocks() -> list[tuple[str, object]]:
    blocks = []
    for module in MODULES:
        for name, value in inspect.getmembers(module, inspect.isfunction):
            if getattr(value, "__in_transaction__", False) and value.__module__ == module.__name__:
                blocks.append((f"{module.__name__}.{name}", value))
    return blocks


BLOCKS = building_blocks()


def test_the_money_building_blocks_are_marked() -> None:
    names = {name.rsplit(".", 1)[1] for name, _ in BLOCKS}
    assert {"audit", "audit_many", "next_number", "chain_append", "chain_extend",
            "attach_funding", "hand_back_funding",
            "end_funding_in_tx", "issue_credit_note_in_tx", "refund_line_in_tx",
            "append_ledger", "update_incident", "bump_count"} <= names


@pytest.mark.parametrize(("name", "block"), BLOCKS, ids=[name for name, _ in BLOCKS])
def test_a_building_block_refuses_to_run_outside_a_transaction(
        sqlite_db_url: str, name: str, block: object) -> None:
    assert callable(block)
    with pytest.raises(RuntimeError, match="must run inside the caller's transaction"):
        block()


#: The context managers that open the write transaction of a use case (a read snapshot
#: takes no lock, so it never loses a race).
WRITE_TRANSACTIONS = {"transaction", "changing"}


def _decorators(function: ast.FunctionDef) -> set[str]:
    return {d.attr if isinstance(d, ast.Attribute) else getattr(d, "id", "")
            for d in function.decorator_list}


def unretried_transactions(source: str) -> list[str]:
    """The functions of ``source`` that open a write transaction but are not run again when
    it loses a race (``@retried``), or open more than one, or open one in a loop (running such
    a function again would repeat what it had committed). A context manager that opens one
    (``changing``) is the transaction its callers open, so they answer for it."""
    found: list[str] = []
    tree = ast.parse(source)
    retried = _retried_names(tree)
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        decorators = _decorators(function)
        if "contextmanager" in decorators:
            continue
        opened: list[ast.With] = []
        looped: list[ast.With] = []

        def visit(node: ast.AST, in_loop: bool, opened: list[ast.With] = opened,
                  looped: list[ast.With] = looped) -> None:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                return  # a nested function answers for itself
            if isinstance(node, ast.With) and _opens_transaction(node, WRITE_TRANSACTIONS):
                opened.append(node)
                if in_loop:
                    looped.append(node)
            in_loop = in_loop or isinstance(node, ast.For | ast.While)
            for child in ast.iter_child_nodes(node):
                visit(child, in_loop)

        for statement in function.body:
            visit(statement, False)
        if not opened:
            continue
        if "retried" not in decorators:
            found.append(f"{function.name} (line {function.lineno}) is not @retried")
        elif len(opened) > 1 or looped or _commits_outside(function, opened[0], retried):
            found.append(f"{function.name} (line {function.lineno}) opens more than one "
                         "transaction")
    return found


def _retried_names(tree: ast.AST) -> set[str]:
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and "retried" in _decorators(node)}


def _commits_outside(function: ast.FunctionDef, opened: ast.With, retried: set[str]) -> bool:
    """Whether the function calls another of its module's transactions outside its own (which
    would commit before it, and be run again with it)."""
    inside = {id(node) for node in ast.walk(opened)}
    return any(isinstance(node, ast.Call) and getattr(node.func, "id", "") in retried
               and id(node) not in inside for node in ast.walk(function))


def test_the_retry_finder_finds_a_transaction_that_is_not_run_again() -> None:
    wrong = (
        "def pay(actor):\n"
        "    with transaction():\n"
        "        pass\n"
        "@retried\n"
        "def import_rows(batches):\n"
        "    for batch in batches:\n"
        "        with transaction():\n"
        "            pass\n"
        "@retried\n"
        "def twice():\n"
        "    with transaction():\n"
        "        pass\n"
        "    with changing(actor, 1, ENGINEERS, 'claim'):\n"
        "        pass\n"
        "@retried\n"
        "def count_attempt():\n"
        "    with transaction():\n"
        "        pass\n"
        "@retried\n"
        "def log_in():\n"
        "    count_attempt()\n"
        "    with transaction():\n"
        "        pass\n")
    right = (
        "@retried\n"
        "def pay(actor):\n"
        "    with transaction():\n"
        "        pass\n"
        "    return read_back()\n"
        "@contextmanager\n"
        "def changing(actor):\n"
        "    with transaction():\n"
        "        yield\n"
        "def import_rows(batches):\n"
        "    for batch in batches:\n"
        "        write_batch(batch)\n"
        "def snapshot_only():\n"
        "    with read_snapshot():\n"
        "        pass\n")
    assert unretried_transactions(wrong) == [
        "pay (line 1) is not @retried", "import_rows (line 5) opens more than one transaction",
        "twice (line 10) opens more than one transaction",
        "log_in (line 20) opens more than one transaction"]
    assert unretried_transactions(right) == []


def test_every_transaction_is_run_again_when_it_loses_a_race() -> None:
    root = Path(services_package.__file__).parent
    found = {
        str(path.relative_to(root)): missing
        for path in sorted(root.rglob("*.py"))
        if (missing := unretried_transactions(path.read_text(encoding="utf-8")))}
    assert found == {}
