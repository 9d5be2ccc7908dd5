"""The layering rules hold: no Qt below the ui, and imports only point down the layers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
