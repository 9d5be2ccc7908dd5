"""Window figures of docs/speed.md: start-up next to a bare PySide6 window, first paint, list memory.

    python benchmarks/bench_window.py --database sqlite:///office-copy.sqlite3 [--runs 7]
    python benchmarks/bench_window.py --database URL --startup-only

Start-up is measured from launching a fresh process to the window showing its first rows of
incidents (the login dialog is skipped: its time is the person's; Python's automatic cycle
collection is off from the QApplication on, as the program has it). The bare window is started
the same way, in the same run: the two are launched in turn, ``--runs`` times each, and the
script prints the median and 95th percentile of each and the ratio of the medians (the target
is at most 2). It also names the heavy modules (ReportLab, the PostgreSQL driver, e-mail,
bank and telephone-number rules, ...) that were loaded by the time the rows were painted:
none should be. First paint is from asking the list for a view to its first rows painted.
Memory is what the list model holds after scrolling 10,000 rows. Both windows start from
compiled bytecode, as an installed program does (a first, untimed start compiles it).

The window writes to the office as any desk does (its heartbeat, and a migration if the
schema is behind): give it a copy of the demo office, never one in use.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import textwrap
import time

from _bench import load_average, percentile

BARE = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication(sys.argv)
    w = QMainWindow(); w.resize(1200, 800); w.show()
    QTimer.singleShot(0, lambda: (print(time.time(), time.process_time()), app.quit()))
    app.exec()
""")

OURS = textwrap.dedent("""
    import sys, time
    import synergy_desk.cli  # as the installed program starts, and what it loads before Qt
    from synergy_desk.app import load_model_layer
    load_model_layer()
    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from synergy_desk.models.database import open_database
    app = QApplication(sys.argv)
    from synergy_desk.app import collect_garbage_on_gui_thread
    collect_garbage_on_gui_thread(app)  # as the program does, once it has its QApplication
    open_database(sys.argv[1])
    from synergy_desk.models import tables as t
    from synergy_desk.services.common import Actor
    from synergy_desk.ui.prefs import Preferences
    from synergy_desk.ui.main_window import MainWindow
    user = t.User.select().where(t.User.role == "engineer").first()
    prefs = Preferences(QSettings(sys.argv[2], QSettings.Format.IniFormat))
    w = MainWindow(Actor.from_user(user), prefs, sys.argv[1])
    class Painted(QObject):
        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Type.Paint and w.model.rowCount() > 0:
                print(time.time(), time.process_time())
                print(",".join(sorted(m for m in HEAVY if m in sys.modules)) or "-")
                QTimer.singleShot(0, app.quit)
                w.table.viewport().removeEventFilter(self)
            return False
    f = Painted(); w.table.viewport().installEventFilter(f)
    w.resize(1400, 860); w.show()
    app.exec()
""")

#: Modules the first screen does not need; none should be loaded when its rows are painted.
HEAVY = ("reportlab", "PIL", "psycopg", "psycopg2", "email", "imapclient", "inscriptis",
         "smtplib", "ssl", "schwifty", "stdnum", "phonenumbers", "pycountry", "argon2",
         "synergy_desk.documents", "synergy_desk.services.reporting",
         "synergy_desk.services.money", "synergy_desk.ui.reports", "synergy_desk.ui.dialogs")
OURS = OURS.replace("HEAVY", repr(HEAVY))


#: Where the launched windows keep their compiled bytecode (set by bench_startup).
_BYTECODE: list[str] = []


def _launch(code: str, *args: str) -> tuple[float, float, list[str]]:
    """Start a window in a new process: the seconds to its first paint, the CPU seconds the
    process had used by then (from its first line: the interpreter's own start is left out
    of both windows alike), and what else it printed."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if _BYTECODE:
        # As an installed program starts: from bytecode compiled once (pip compiles at
        # install), even where PYTHONDONTWRITEBYTECODE would have every start compile
        # every module from its source.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = _BYTECODE[0]
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    return float(out[0]) - start, float(out[1]), out[2:]


def bench_startup(url: str, runs: int) -> None:
    import tempfile

    folder = tempfile.mkdtemp()
    ini = os.path.join(folder, "prefs.ini")
    _BYTECODE[:] = [os.path.join(folder, "bytecode")]
    print(f"load average: {load_average()}")
    _launch(BARE)
    _launch(OURS, url, ini)  # compiles the bytecode and warms the machine's file cache
    bare: list[float] = []
    ours: list[float] = []
    bare_cpu: list[float] = []
    ours_cpu: list[float] = []
    loaded: list[str] = []
    for _ in range(runs):  # in turn, so both meet the same load
        seconds, cpu, _printed = _launch(BARE)
        bare.append(seconds)
        bare_cpu.append(cpu)
        seconds, cpu, loaded = _launch(OURS, url, ini)
        ours.append(seconds)
        ours_cpu.append(cpu)
    print(f"start-up, {runs} runs each, launched in turn (wall clock; CPU of the process):")
    for label, wall, cpu in (("bare PySide6 window shown:     ", bare, bare_cpu),
                             ("Synergy Desk list rows painted:", ours, ours_cpu)):
        print(f"  {label} median {statistics.median(wall):.3f} s  "
              f"p95 {percentile(wall, 0.95):.3f} s;  CPU median "
              f"{statistics.median(cpu):.3f} s  p95 {percentile(cpu, 0.95):.3f} s")
    print(f"  ratio (medians): {statistics.median(ours) / statistics.median(bare):.2f}x wall, "
          f"{statistics.median(ours_cpu) / statistics.median(bare_cpu):.2f}x CPU   "
          "(target ≤ 2x)")
    print(f"  heavy modules loaded by the first paint: {loaded[0] if loaded else '-'} "
          "(none should be)")


def bench_in_process(url: str) -> None:
    import tempfile
    import tracemalloc

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication

    from synergy_desk.models import tables as t
    from synergy_desk.models.database import open_database
    from synergy_desk.services.common import Actor
    from synergy_desk.ui.main_window import VIEWS, MainWindow
    from synergy_desk.ui.prefs import Preferences

    app = QApplication.instance() or QApplication([])
    open_database(url)
    user = t.User.select().where(t.User.role == "engineer").first()
    prefs = Preferences(QSettings(os.path.join(tempfile.mkdtemp(), "p.ini"),
                                  QSettings.Format.IniFormat))
    window = MainWindow(Actor.from_user(user), prefs, url)
    window.resize(1400, 860)
    window.show()
    app.processEvents()

    painted: list[float] = []

    class Watch(QObject):
        def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802
            if ev.type() == QEvent.Type.Paint and window.model.rowCount() and not painted:
                painted.append(time.perf_counter())
            return False

    watch = Watch()
    window.table.viewport().installEventFilter(watch)
    print("first paint of the list after the window asks (target ≤ 100 ms):")
    for key, label, _shortcut in VIEWS:
        times = []
        for _ in range(5):
            painted.clear()
            start = time.perf_counter()
            window._select_view(key)
            window.table.viewport().repaint()
            app.processEvents()
            if painted:
                times.append((painted[0] - start) * 1000)
        if times:
            print(f"  {label:22s} median {statistics.median(times):6.1f} ms  "
                  f"max {max(times):6.1f} ms  rows {window.model.rowCount()}")
        else:
            print(f"  {label:22s} (no rows to paint)")

    window._select_view("all")
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    bar = window.table.verticalScrollBar()
    start = time.perf_counter()
    while window.model.rowCount() < 10_000 and window.model.canFetchMore():
        bar.setValue(bar.maximum())
        app.processEvents()
    seconds = time.perf_counter() - start
    after = tracemalloc.take_snapshot()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    tracemalloc.stop()
    print(f"list memory after scrolling {window.model.rowCount():,} rows: "
          f"{grown / 1e6:.1f} MB (target ≤ 20 MB); scrolled in {seconds:.2f} s")
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=7,
                        help="start-ups of each window (default 7)")
    parser.add_argument("--startup-only", action="store_true",
                        help="measure start-up only, not first paint and memory")
    args = parser.parse_args()
    bench_startup(args.database, args.runs)
    if not args.startup_only:
        bench_in_process(args.database)


if __name__ == "__main__":
    main()
