"""The project's own design notes stay true to the tree: every file they name exists, and the
code cites them rather than anything outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
#: A path the pages name: from the top of the repository, or inside the package.
PATH = re.compile(r"(?<![\w/.-])((?:tests|benchmarks|synergy_desk|tools|packaging|docs|services|"
                  r"domain|models|documents|ui|cli|demo|migrations)/[\w/.-]*[\w/])")
PACKAGE_ROOTS = ("services/", "domain/", "models/", "documents/", "ui/", "cli/", "demo/",
                 "migrations/")


def named_paths(text: str) -> list[str]:
    return [m.group(1).rstrip(".") for m in PATH.finditer(text)]


def exists(path: str) -> bool:
    if "…" in path or "<" in path:
        return True
    candidates = [ROOT / path]
    if path.startswith(PACKAGE_ROOTS):
        candidates.append(ROOT / "synergy_desk" / path)
    return any(c.exists() for c in candidates)


def test_the_finder_reads_paths_as_the_pages_write_them() -> None:
    text = ("Held by tests/services/money/test_payments.py and tests/cli/test_main.py. See "
            "`services/money/payments.py`, `take_payment`, and docs/roles.md.")
    assert named_paths(text) == ["tests/services/money/test_payments.py",
                                 "tests/cli/test_main.py", "services/money/payments.py",
                                 "docs/roles.md"]
    assert exists("services/money/payments.py") and not exists("services/money/nowhere.py")


def test_there_are_design_notes() -> None:
    names = {p.name for p in DOCS}
    assert {"README.md", "support-terms.md", "roles.md", "money.md", "architecture.md",
            "storage.md", "speed.md", "window.md"} <= names


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_every_file_a_page_names_exists(page: Path) -> None:
    missing = sorted({p for p in named_paths(page.read_text(encoding="utf-8")) if not exists(p)})
    assert missing == [], f"{page.name} names files that are not there: {missing}"


def test_the_code_cites_its_own_notes() -> None:
    """Comments, docstrings and benchmark notes cite docs/, never a document kept elsewhere."""
    outside = re.compile(r"DESIGN\s*§|DESIGN\.md|CONVENTIONS\.md|\.\./shared")
    offenders = []
    for folder in ("synergy_desk", "tests", "benchmarks", "tools", "packaging", "docs"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".md", ".spec") and path != Path(__file__):
                if outside.search(path.read_text(encoding="utf-8", errors="replace")):
                    offenders.append(str(path.relative_to(ROOT)))
    for name in ("README.md",):
        if outside.search((ROOT / name).read_text(encoding="utf-8")):
            offenders.append(name)
    assert offenders == []
