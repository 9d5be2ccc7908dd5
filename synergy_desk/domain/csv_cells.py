"""CSV cells a spreadsheet shows as text: a cell that would run as a formula is neutralised."""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "neutralise_cell", "restore_cell"]

#: A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def restore_cell(value: str) -> str:
    """A cell as it was before :func:`neutralise_cell`, so an exported file imports back."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
