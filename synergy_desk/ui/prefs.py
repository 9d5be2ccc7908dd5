"""Per-user preferences (window state, database URL, last user) behind one typed class."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings


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

    @property
    def database_url(self) -> str:
        return str(self._s.value("database/url", "", type=str))

    @database_url.setter
    def database_url(self, value: str) -> None:
        self._s.setValue("database/url", value)

    @property
    def last_user(self) -> str:
        return str(self._s.value("login/lastUser", "", type=str))

    @last_user.setter
    def last_user(self, value: str) -> None:
        self._s.setValue("login/lastUser", value)

    @property
    def poll_seconds(self) -> int:
        return int(self._s.value("sync/pollSeconds", 3, type=int))

    def sync(self) -> None:
        self._s.sync()
