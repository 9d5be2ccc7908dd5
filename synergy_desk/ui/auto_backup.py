"""The window's backups: the daily automatic copy of a SQLite office, and "Back up now"."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QProgressDialog
from shiboken6 import isValid

from synergy_desk.models.base import utcnow
from synergy_desk.models.database import DatabaseInfo
from synergy_desk.services.common import Actor
from synergy_desk.services.data import backup
from synergy_desk.ui import formatting
from synergy_desk.ui.operations import Op
from synergy_desk.ui.worker import Background

log = logging.getLogger(__name__)

__all__ = ["AutoBackup", "start_daily_backup", "backup_now"]

#: The first look a minute after start-up (the desk is busy opening before that), then hourly.
FIRST_CHECK_MS = 60_000
CHECK_EVERY_MS = 60 * 60_000
#: How long the status bar shows the outcome.
MESSAGE_MS = 15_000


class AutoBackup(QObject):
    """Makes the day's automatic backup of a SQLite office, checking hourly whether it is due.

    A PostgreSQL office is backed up on its server; for it this does nothing (``active`` is
    False).
    """

    backed_up = Signal(object)  # the new backup's Path
    failed = Signal(str)

    def __init__(self, window: QMainWindow, background: Background, info: DatabaseInfo,
                 keep: int = 7, first_check_ms: int = FIRST_CHECK_MS,
                 every_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(window)
        self._window = window
        self._background = background
        self._info = info
        self.keep = keep
        self.folder = backup.backup_folder(info)
        self.active = info.kind == "sqlite"
        self.running = False
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.setInterval(first_check_ms)
        self._first.timeout.connect(self.check)
        self._hourly = QTimer(self)
        self._hourly.setInterval(every_ms)
        self._hourly.timeout.connect(self.check)
        if self.active:
            self._first.start()
            self._hourly.start()

    def stop(self) -> None:
        self._first.stop()
        self._hourly.stop()

    def check(self) -> None:
        """Start today's backup on the background helper if it has not been made yet."""
        if not self.active or self.running:
            return
        now = formatting.local(utcnow())
        assert now is not None
        if not backup.daily_backup_due(self.folder, now):
            return
        self.running = True
        url, folder, keep = self._info.url, self.folder, self.keep
        # Nothing more is said once the window (and this, its child) has gone.
        Op(self._window, self._background,
           lambda: backup.run_daily_backup(url, folder, keep, now=now)) \
            .finally_(self._on_ended).success(self._on_done).failure(self._on_error).run()

    def _on_ended(self) -> None:
        self.running = False

    def _on_done(self, path: Path | None) -> None:
        if path is None:
            return
        self._window.statusBar().showMessage(self.tr("Backed up to %s") % str(path), MESSAGE_MS)
        self.backed_up.emit(path)

    def _on_error(self, exc: Exception) -> None:
        # A routine failure (a full disk, a folder that cannot be written) is no reason to
        # stop a receptionist with a dialog: it goes in the status bar and the log, and the
        # next hour tries again.
        log.warning("The automatic backup failed: %s", exc, exc_info=exc)
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self._window.statusBar().showMessage(
            self.tr("The automatic backup failed: %s") % text, MESSAGE_MS)
        self.failed.emit(text)


def start_daily_backup(window: QMainWindow, background: Background, database_info: DatabaseInfo,
                       keep: int = 7) -> AutoBackup:
    """Keep a daily backup of a SQLite office (the newest ``keep``), checked hourly."""
    return AutoBackup(window, background, database_info, keep)


class _ProgressRelay(QObject):
    """Carries the backup's progress from the worker thread to the dialog (queued)."""

    moved = Signal(int, int)


def backup_now(window: QMainWindow, background: Background, actor: Actor,
               database_info: DatabaseInfo) -> QProgressDialog:
    """Back the office up now into its backup folder, with a progress dialog.

    Returns the progress dialog (it closes itself when the backup ends).
    """
    dialog = QProgressDialog(window)
    dialog.setObjectName("backupProgress")
    dialog.setWindowTitle(dialog.tr("Back up now"))
    dialog.setLabelText(dialog.tr("Backing up %s…") % database_info.display)
    dialog.setCancelButton(None)
    dialog.setMinimumWidth(460)  # room for the database's path
    dialog.setRange(0, 0)
    dialog.setMinimumDuration(0)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    relay = _ProgressRelay(dialog)

    def moved(done: int, total: int) -> None:
        if isValid(dialog) and total:
            dialog.setRange(0, total)
            dialog.setValue(min(done, total))

    relay.moved.connect(moved)
    dialog.show()
    url = database_info.url

    def work() -> backup.BackupResult:
        return backup.back_up_office(
            actor, url, progress=lambda done, total, _stage: relay.moved.emit(done, total))

    def ended() -> None:
        if isValid(dialog):
            dialog.close()
            dialog.deleteLater()

    def done(result: backup.BackupResult) -> None:
        window.statusBar().showMessage(window.tr("Backed up to %s") % str(result.path),
                                       MESSAGE_MS)

    # A failure is shown as usual: asked for there and then, the person is told at once.
    Op(window, background, work).finally_(ended).success(done).run()
    return dialog
