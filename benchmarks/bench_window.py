"""Window figures of docs/speed.md: start-up next to a bare PySide6 window, first paint, list memory.

    python benchmarks/bench_window.py --database sqlite:///office-1m.sqlite3

Start-up is measured from launching a fresh process to the window showing its first rows of
incidents (the login dialog is skipped: its time is the person's). The bare window is started
the same way. First paint is from asking the list for a view to its first rows painted. Memory
is what the list model holds after scrolling 10,000 rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import textwrap
import time

BARE = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication(sys.argv)
    w = QMainWindow(); w.resize(1200, 800); w.show()
    QTimer.singleShot(0, lambda: (print(time.time()), app.quit()))
    app.exec()
""")

OURS = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from synergy_desk.models.database import open_database
    app = QApplication(sys.argv)
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
                print(time.time())
                print(",".join(sorted(m for m in ("reportlab", "psycopg", "psycopg2")
                                      if m in sys.modules)) or "-")
                QTimer.singleShot(0, app.quit)
                w.table.viewport().removeEventFilter(self)
            return False
    f = Painted(); w.table.viewport().installEventFilter(f)
    w.resize(1400, 860); w.show()
    app.exec()
""")


def _launch(code: str, *args: str) -> tuple[float, list[str]]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    return float(out[0]) - start, out[1:]


def bench_startup(url: str, runs: int) -> None:
    import tempfile

    ini = os.path.join(tempfile.mkdtemp(), "prefs.ini")
    _launch(BARE)
    _launch(OURS, url, ini)  # warm the machine's file cache
    bare = [_launch(BARE)[0] for _ in range(runs)]
    ours, loaded = [], []
    for _ in range(runs):
        seconds, extra = _launch(OURS, url, ini)
        ours.append(seconds)
        loaded = extra
    print(f"start-up, bare PySide6 window shown:      median {statistics.median(bare):.3f} s  "
          f"max {max(bare):.3f} s")
    print(f"start-up, Synergy Desk list rows painted: median {statistics.median(ours):.3f} s  "
          f"max {max(ours):.3f} s   (target ≤ 0.5 s)")
    print(f"  heavy modules loaded at start-up: {loaded[0] if loaded else '-'} "
          "(ReportLab and the PostgreSQL driver should not be)")


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
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bench_startup(args.database, args.runs)
    bench_in_process(args.database)


if __name__ == "__main__":
    main()
