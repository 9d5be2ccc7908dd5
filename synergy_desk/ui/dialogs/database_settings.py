"""Which database this desk uses: the SQLite file on this computer, or the office's PostgreSQL.

The choice belongs to the desk (it is kept in the user's preferences, like the window's size)
and takes effect when Synergy Desk next starts. "Test connection" tries the address on the
background helper and says what is there, changing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.errors import DomainError
from synergy_desk.models.database import (
    default_database_url,
    describe_url,
    postgres_parts,
    sqlite_url,
)
from synergy_desk.services.data import connection
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog
from synergy_desk.ui.operations import Op, reporting_errors
from synergy_desk.ui.worker import Background


@dataclass(frozen=True)
class DatabaseChoice:
    """The address this desk will use from its next start ("" means the default file)."""

    url: str
    display: str


class DatabaseSettingsDialog(FormDialog[DatabaseChoice]):
    """Choose the SQLite file or the PostgreSQL server; test it; save it for the next start.

    The message line sits beside "Test connection": it gives the test's answer, and says why
    an address cannot be saved.
    """

    def __init__(self, parent: QWidget | None, current_url: str, background: Background,
                 in_use: str = "") -> None:
        super().__init__(parent, message_name="connectionResult",
                         buttons=QDialogButtonBox.StandardButton.Save
                         | QDialogButtonBox.StandardButton.Cancel)
        self.setObjectName("databaseSettingsDialog")
        self.setWindowTitle(self.tr("Database for this desk"))
        self._background = background

        self.use_sqlite = QRadioButton(self.tr("A database &file on this computer (one desk)"))
        self.use_sqlite.setObjectName("useSqlite")
        self.use_postgres = QRadioButton(
            self.tr("The office's &PostgreSQL server (several desks)"))
        self.use_postgres.setObjectName("usePostgres")
        group = QButtonGroup(self)
        group.addButton(self.use_sqlite)
        group.addButton(self.use_postgres)

        self.sqlite_path = QLineEdit()
        self.sqlite_path.setObjectName("sqlitePath")
        browse = QPushButton(self.tr("&Browse…"))
        browse.setObjectName("sqliteBrowse")
        browse.clicked.connect(self._on_browse_clicked)
        default = QPushButton(self.tr("&Default"))
        default.setToolTip(self.tr("The file in your user data folder"))
        default.clicked.connect(self._on_default_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.sqlite_path, 1)
        file_row.addWidget(browse)
        file_row.addWidget(default)
        self.sqlite_box = QGroupBox()
        file_layout = QVBoxLayout(self.sqlite_box)
        file_layout.addLayout(file_row)

        self.host = QLineEdit()
        self.host.setObjectName("pgHost")
        self.host.setPlaceholderText(self.tr("server name or address"))
        self.port = QSpinBox()
        self.port.setObjectName("pgPort")
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.dbname = QLineEdit()
        self.dbname.setObjectName("pgDatabase")
        self.user = QLineEdit()
        self.user.setObjectName("pgUser")
        self.password = QLineEdit()
        self.password.setObjectName("pgPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.postgres_box = QGroupBox()
        pg_form = QFormLayout(self.postgres_box)
        pg_form.addRow(self.tr("&Server:"), self.host)
        pg_form.addRow(self.tr("P&ort:"), self.port)
        pg_form.addRow(self.tr("D&atabase:"), self.dbname)
        pg_form.addRow(self.tr("&User:"), self.user)
        pg_form.addRow(self.tr("Pass&word:"), self.password)
        kept = QLabel(self.tr("The password is kept in this computer's password store, not in "
                              "the settings; where there is none it is asked for at each "
                              "start."))
        kept.setWordWrap(True)
        pg_form.addRow("", kept)

        self.test_button = QPushButton(self.tr("&Test connection"))
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self._on_test_clicked)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        if in_use:
            now = QLabel(self.tr("In use now: %s") % in_use)
            now.setStyleSheet(palette.SECONDARY.text_style())
            now.setWordWrap(True)
            layout.addWidget(now)
        layout.addWidget(self.use_sqlite)
        layout.addWidget(self.sqlite_box)
        layout.addWidget(self.use_postgres)
        layout.addWidget(self.postgres_box)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.message, 1)
        layout.addLayout(test_row)
        layout.addWidget(QLabel(self.tr("A new choice takes effect when Synergy Desk next "
                                        "starts.")))
        layout.addWidget(self.buttons)
        self.use_sqlite.toggled.connect(self._on_kind_toggled)
        self._load(current_url)
        self.setMinimumWidth(560)

    # -- the address -----------------------------------------------------------------------

    def _load(self, url: str) -> None:
        try:
            self._load_address(url)
        except (DomainError, ValueError) as exc:
            # A saved address that cannot even be read: start from this computer's file and
            # say why, so the desk can be pointed somewhere that works.
            self._load_address("")
            message = exc.message if isinstance(exc, DomainError) else str(exc)
            self.message.problem(self.tr("The saved address cannot be used: %s") % message)

    def _load_address(self, url: str) -> None:
        info = describe_url(url or default_database_url())
        if info.kind == "sqlite":
            assert info.path is not None
            self.sqlite_path.setText(str(info.path))
            self.use_sqlite.setChecked(True)
        else:
            parts = postgres_parts(url)
            self.host.setText(parts.host)
            self.port.setValue(parts.port or 5432)
            self.dbname.setText(parts.database)
            self.user.setText(parts.user)
            self.password.setText(parts.password)
            self.use_postgres.setChecked(True)
        self._on_kind_toggled()

    def _on_kind_toggled(self, *_args: object) -> None:
        sqlite = self.use_sqlite.isChecked()
        self.sqlite_box.setEnabled(sqlite)
        self.postgres_box.setEnabled(not sqlite)
        self.message.clear()

    def url(self) -> str:
        """The address the form describes.

        Raises:
            DomainError: a part is missing or malformed.
        """
        if self.use_sqlite.isChecked():
            text = self.sqlite_path.text().strip()
            if not text:
                from synergy_desk.domain.errors import ValidationError

                raise ValidationError("Choose the database file.", "path")
            return sqlite_url(Path(text).expanduser())
        return connection.postgres_url(self.host.text(), self.port.value(), self.dbname.text(),
                                       self.user.text(), self.password.text())

    def _on_browse_clicked(self) -> None:
        path = self.ask_file_path()
        if path:
            self.sqlite_path.setText(path)

    def ask_file_path(self) -> str | None:
        """The file dialog (tests patch this)."""
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Database file"), self.sqlite_path.text(),
            self.tr("Synergy Desk databases (*.sqlite3);;All files (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        return path or None

    def _on_default_clicked(self) -> None:
        info = describe_url(default_database_url())
        self.sqlite_path.setText(str(info.path))

    # -- testing ---------------------------------------------------------------------------

    def _on_test_clicked(self) -> None:
        with reporting_errors(self, failure=self.message.failure) as outcome:
            url = self.url()
        if outcome.failed:
            return
        self.test_button.setEnabled(False)
        self.message.note(self.tr("Connecting…"), palette.SUCCESS)

        def done(result: connection.ProbeResult) -> None:
            self.message.note(result.message, palette.SUCCESS)

        # What stops the connection is the answer to the test, said beside it. The button
        # stays disabled until the answer comes, so one test runs at a time.
        Op(self, self._background, lambda: connection.probe(url)) \
            .finally_(lambda: self.test_button.setEnabled(True)) \
            .success(done).failure(self.message.failure).run()

    # -- saving ----------------------------------------------------------------------------

    def answer(self) -> DatabaseChoice:
        url = self.url()
        stored = "" if url == default_database_url() else url
        return DatabaseChoice(stored, describe_url(url).display)

    @classmethod
    def ask(cls, parent: QWidget | None, current_url: str, background: Background,
            in_use: str = "") -> DatabaseChoice | None:
        return cls(parent, current_url, background, in_use).ask_value()
