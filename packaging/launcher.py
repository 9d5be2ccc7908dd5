"""The built program's entry point: the ``synergy-desk`` command line, as the installed script."""

from __future__ import annotations

import multiprocessing
import runpy
import sys


def _own_module(name: str) -> bool:
    return name == "synergy_desk" or name.startswith("synergy_desk.")


def main() -> int:
    """Run the command line, or one of the program's own helper modules."""
    multiprocessing.freeze_support()
    # The program starts helper processes as ``sys.executable -m synergy_desk.MODULE ...`` (the
    # demo's row writer). In the built program sys.executable is this launcher, not Python,
    # so it runs the module itself; only the program's own modules, nothing else.
    if len(sys.argv) >= 3 and sys.argv[1] == "-m" and _own_module(sys.argv[2]):
        module = sys.argv[2]
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    from synergy_desk.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
