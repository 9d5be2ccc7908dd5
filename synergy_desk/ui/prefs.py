"""Per-user preferences (window state, appearance, database URL, last user) behind one typed
class.

What differs between the people who log in at one desk (the incident list's column widths,
the view each chose last) is kept under each one's user name.

The database address is kept without its password: the password goes to the system's
credential store (Windows Credential Manager, the macOS Keychain, the Secret Service) through
``keyring``. Where there is no store the password is kept nowhere and asked for at log-in.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import QByteArray, QSettings

from synergy_desk.domain.errors import DomainError
from synergy_desk.models.database import postgres_parts

log = logging.getLogger(__name__)

#: The appearances a desk may choose (those of ui.palette.Appearance).
APPEARANCES = ("desktop", "light", "dark")

#: The name this program's passwords are kept under in the credential store.
KEYRING_SERVICE = "Synergy Desk"


def _credential_store() -> Any | None:
    """The system's credential store, or None when there is none (keyring's fail backend)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    store = keyring.get_keyring()
    return None if isinstance(store, fail.Keyring) else store


class Preferences:
    """Typed access to QSettings; every read gives ``type=`` so values never come back as str."""

    def __init__(self, settings: QSettings) -> None:
        self._s = settings

    @property
    def qsettings(self) -> QSettings:
        return self._s

    def _bytes(self, key: str) -> QByteArray:
        value = self._s.value(key, QByteArray(), type=QByteArray)
        return value if isinstance(value, QByteArray) else QByteArray()

    @property
    def window_geometry(self) -> QByteArray:
        return self._bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("window/state", value)

    @property
    def splitter_state(self) -> QByteArray:
        return self._bytes("window/splitter")

    @splitter_state.setter
    def splitter_state(self, value: QByteArray) -> None:
        self._s.setValue("window/splitter", value)

    @property
    def right_splitter_state(self) -> QByteArray:
        return self._bytes("window/rightSplitter")

    @right_splitter_state.setter
    def right_splitter_state(self, value: QByteArray) -> None:
        self._s.setValue("window/rightSplitter", value)

    @property
    def header_state(self) -> QByteArray:
        return self._bytes("incidentTable/header")

    @header_state.setter
    def header_state(self, value: QByteArray) -> None:
        self._s.setValue("incidentTable/header", value)

    @staticmethod
    def _user_key(user: str, key: str) -> str:
        """A key of one user's own (a name with a slash in it makes no extra group)."""
        return f"users/{quote(user, safe='')}/{key}"

    def list_header(self, user: str, columns: str) -> QByteArray:
        """The incident list's header as ``user`` left it (widths, order, sort), or empty
        when it was saved for another set of ``columns`` (an older version's list)."""
        kept = str(self._s.value(self._user_key(user, "incidentTable/columns"), "", type=str))
        if kept != columns:
            return QByteArray()
        return self._bytes(self._user_key(user, "incidentTable/header"))

    def set_list_header(self, user: str, columns: str, state: QByteArray) -> None:
        self._s.setValue(self._user_key(user, "incidentTable/columns"), columns)
        self._s.setValue(self._user_key(user, "incidentTable/header"), state)

    def last_view(self, user: str) -> str:
        """The view of the incident list ``user`` chose last ("" for none yet)."""
        return str(self._s.value(self._user_key(user, "incidentTable/view"), "", type=str))

    def set_last_view(self, user: str, view: str) -> None:
        self._s.setValue(self._user_key(user, "incidentTable/view"), view)

    @property
    def database_url(self) -> str:
        """The address this desk's settings choose ("" for the default file), with its
        password from the credential store when one is kept there."""
        stored = str(self._s.value("database/url", "", type=str))
        parts = _postgres(stored)
        if parts is None:
            return stored
        if parts.password:
            # Saved by an earlier version with its password: move the password to the store.
            self.database_url = stored
            return stored
        password = _stored_password(parts.display)
        return parts.url(password) if password else stored

    @database_url.setter
    def database_url(self, value: str) -> None:
        parts = _postgres(value)
        if parts is None:
            self._s.setValue("database/url", value)
            self._s.remove("database/askPassword")
            return
        self._s.setValue("database/url", parts.url(""))
        kept = _keep_password(parts.display, parts.password)
        # A password that could not be kept is asked for at log-in.
        self._s.setValue("database/askPassword", bool(parts.password) and not kept)

    @property
    def database_password_needed(self) -> bool:
        """Whether the saved address has a password that no credential store keeps, so that
        it is asked for at log-in."""
        if not self._s.value("database/askPassword", False, type=bool):
            return False
        parts = _postgres(str(self._s.value("database/url", "", type=str)))
        return parts is not None and not parts.password and not _stored_password(parts.display)

    @property
    def last_user(self) -> str:
        return str(self._s.value("login/lastUser", "", type=str))

    @last_user.setter
    def last_user(self, value: str) -> None:
        self._s.setValue("login/lastUser", value)

    @property
    def appearance(self) -> str:
        """How this desk colours the window: "desktop" (follow the desktop's scheme, the
        default), "light" or "dark"; anything else read is taken as "desktop"."""
        value = str(self._s.value("window/appearance", "desktop", type=str))
        return value if value in APPEARANCES else "desktop"

    @appearance.setter
    def appearance(self, value: str) -> None:
        self._s.setValue("window/appearance", value if value in APPEARANCES else "desktop")

    @property
    def poll_seconds(self) -> int:
        return int(self._s.value("sync/pollSeconds", 3, type=int))

    def sync(self) -> None:
        self._s.sync()


def _postgres(url: str) -> Any | None:
    """The parts of a PostgreSQL address, or None for anything else (or one unreadable)."""
    if not url.lower().startswith(("postgresql://", "postgres://")):
        return None
    try:
        return postgres_parts(url)
    except DomainError:
        return None


def _stored_password(account: str) -> str:
    store = _credential_store()
    if store is None:
        return ""
    from keyring.errors import KeyringError

    try:
        return str(store.get_password(KEYRING_SERVICE, account) or "")
    except KeyringError as exc:  # a locked or unreachable store: the password is asked for
        log.warning("The credential store could not be read: %s", type(exc).__name__)
        return ""


def _keep_password(account: str, password: str) -> bool:
    """Keep (or, for "", forget) the password in the credential store; whether it is kept."""
    store = _credential_store()
    if store is None:
        return not password
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        if password:
            store.set_password(KEYRING_SERVICE, account, password)
        else:
            try:
                store.delete_password(KEYRING_SERVICE, account)
            except PasswordDeleteError:
                pass  # none was kept
    except KeyringError as exc:
        log.warning("The credential store could not be written: %s", type(exc).__name__)
        return not password
    return True
