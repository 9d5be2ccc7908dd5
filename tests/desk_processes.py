"""Desks as processes of their own: start them, collect what each reports, and leave none
running."""

from __future__ import annotations

import queue
from collections.abc import Sequence
from typing import Any

import pytest


def run_desks(processes: Sequence[Any], results: Any, timeout: float, what: str) -> list[Any]:
    """Start ``processes``, each of which puts one report on ``results``; return the reports
    (in the order they came). Fails the test, naming ``what`` ("a desk did not finish its
    payments"), when one is not in within ``timeout`` seconds; any process still running at
    the end is killed."""
    for process in processes:
        process.start()
    reports = []
    try:
        for _ in processes:
            reports.append(results.get(timeout=timeout))
    except queue.Empty:
        pytest.fail(f"{what} in time")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return reports
