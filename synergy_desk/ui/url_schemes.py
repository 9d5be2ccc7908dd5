"""Opening ``tel:`` and ``callto:`` links with Synergy Desk on Windows, for one user.

Everything is written under the user's own part of the registry (``HKEY_CURRENT_USER``), so no
administrator is needed:

- ``Software\\Classes\\tel`` and ``Software\\Classes\\callto``: each a URL protocol (its
  ``URL Protocol`` value), with the program's icon (``DefaultIcon``) and the command a link
  runs (``shell\\open\\command`` = ``"<program>" "%1"``: the link alone, which the program
  reads as ``synergy-desk call``);
- the Windows 10 and later Default apps registration: a ``SynergyDesk.Call`` program id,
  ``Software\\SynergyDesk\\Capabilities`` with its ``URLAssociations`` (tel and callto), and
  its entry in ``Software\\RegisteredApplications``, so the person can choose Synergy Desk for
  phone links in Settings ▸ Apps ▸ Default apps (Windows asks them: a program may not make
  itself the default).

The writing goes through a small :class:`RegistryWriter`, so that the same function is tested
on any system against a stand-in (:class:`SettingsWriter`, an INI file); ``winreg`` is used only
on Windows (:class:`WinregWriter`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Protocol

__all__ = ["SCHEMES", "PROG_ID", "CAPABILITIES", "RegistryWriter", "SettingsWriter",
           "WinregWriter", "program_command", "register_url_schemes",
           "unregister_url_schemes", "url_schemes_registered", "on_windows"]

#: The URL schemes the desk opens.
SCHEMES = ("tel", "callto")
#: The program id that Default apps offers for the schemes.
PROG_ID = "SynergyDesk.Call"
#: Where the program's capabilities are described (under HKEY_CURRENT_USER).
CAPABILITIES = r"Software\SynergyDesk\Capabilities"
APP_NAME = "Synergy Desk"


class RegistryWriter(Protocol):
    """The few registry operations registration needs, under HKEY_CURRENT_USER.

    ``name`` "" is a key's default value.
    """

    def set_value(self, key: str, name: str, value: str) -> None: ...

    def get_value(self, key: str, name: str) -> str | None: ...

    def delete_tree(self, key: str) -> None: ...

    def delete_value(self, key: str, name: str) -> None: ...


def on_windows() -> bool:
    return sys.platform == "win32"


def program_command() -> tuple[str, str]:
    """The program for the icon, and the command line a link runs (``%1`` is the link).

    The Windows program (``synergy-desk.exe``) runs itself; run from Python, it is
    ``pythonw -m synergy_desk`` (no console window).
    """
    exe = Path(sys.executable)
    if getattr(sys, "frozen", False):
        return str(exe), f'"{exe}" "%1"'
    windowed = exe.with_name("pythonw.exe")
    runner = windowed if windowed.exists() else exe
    return str(exe), f'"{runner}" -m synergy_desk "%1"'


def register_url_schemes(writer: RegistryWriter, command: tuple[str, str] | None = None
                         ) -> None:
    """Make ``tel:`` and ``callto:`` links open Synergy Desk for this user, and offer it in
    Default apps."""
    icon_file, open_command = command or program_command()
    icon = f"{icon_file},0"
    for scheme, description in (("tel", "URL:Telephone call"), ("callto", "URL:Call to")):
        _protocol(writer, rf"Software\Classes\{scheme}", description, icon, open_command)
    _protocol(writer, rf"Software\Classes\{PROG_ID}", "Synergy Desk call", icon,
              open_command)
    writer.set_value(CAPABILITIES, "ApplicationName", APP_NAME)
    writer.set_value(CAPABILITIES, "ApplicationIcon", icon)
    writer.set_value(CAPABILITIES, "ApplicationDescription",
                     "Pops the caller up at the help-desk when a phone link is opened.")
    for scheme in SCHEMES:
        writer.set_value(rf"{CAPABILITIES}\URLAssociations", scheme, PROG_ID)
    writer.set_value(r"Software\RegisteredApplications", APP_NAME, CAPABILITIES)


def _protocol(writer: RegistryWriter, key: str, description: str, icon: str,
              open_command: str) -> None:
    writer.set_value(key, "", description)
    writer.set_value(key, "URL Protocol", "")
    writer.set_value(rf"{key}\DefaultIcon", "", icon)
    writer.set_value(rf"{key}\shell\open\command", "", open_command)


def unregister_url_schemes(writer: RegistryWriter) -> None:
    """Take the desk's registration away: links go back to whatever the user had (a scheme
    now opening another program is left to it)."""
    for scheme in SCHEMES:
        key = rf"Software\Classes\{scheme}"
        if _opens_the_desk(writer.get_value(rf"{key}\shell\open\command", "")):
            writer.delete_tree(key)
    writer.delete_tree(rf"Software\Classes\{PROG_ID}")
    # Only the capabilities: the program's own settings live beside them under the
    # organisation's key and are the user's to keep.
    writer.delete_tree(CAPABILITIES)
    writer.delete_value(r"Software\RegisteredApplications", APP_NAME)


def url_schemes_registered(writer: RegistryWriter) -> bool:
    """Whether ``tel:`` links open Synergy Desk for this user now."""
    return _opens_the_desk(writer.get_value(r"Software\Classes\tel\shell\open\command", ""))


def _opens_the_desk(command: str | None) -> bool:
    """Whether a link's command runs Synergy Desk (this copy or another of it)."""
    if command is None:
        return False
    lowered = command.lower()
    # Another copy of the desk: the Windows program, or the module run by Python.
    return command == program_command()[1] or lowered.endswith(
        ('\\synergy-desk.exe" "%1"', '-m synergy_desk "%1"'))


class SettingsWriter:
    """The registry written into a ``QSettings`` (an INI file in tests): each key a group,
    the default value named ``@default``."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    @staticmethod
    def _path(key: str, name: str) -> str:
        return key.replace("\\", "/") + "/" + (name or "@default")

    def set_value(self, key: str, name: str, value: str) -> None:
        self.settings.setValue(self._path(key, name), value)

    def get_value(self, key: str, name: str) -> str | None:
        path = self._path(key, name)
        if not self.settings.contains(path):
            return None
        return str(self.settings.value(path, "", type=str))

    def delete_tree(self, key: str) -> None:
        self.settings.remove(key.replace("\\", "/"))

    def delete_value(self, key: str, name: str) -> None:
        self.settings.remove(self._path(key, name))


class WinregWriter:  # pragma: no cover - Windows only
    """The real registry, HKEY_CURRENT_USER, through ``winreg``."""

    def __init__(self) -> None:
        import winreg  # type: ignore[import-not-found,unused-ignore]

        self.winreg: Any = winreg

    def set_value(self, key: str, name: str, value: str) -> None:
        reg = self.winreg
        with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, key, 0, reg.KEY_WRITE) as handle:
            reg.SetValueEx(handle, name, 0, reg.REG_SZ, value)

    def get_value(self, key: str, name: str) -> str | None:
        reg = self.winreg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, key) as handle:
                return str(reg.QueryValueEx(handle, name)[0])
        except OSError:
            return None

    def delete_tree(self, key: str) -> None:
        reg = self.winreg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, key, 0,
                             reg.KEY_READ | reg.KEY_WRITE) as handle:
                while True:
                    try:
                        child = reg.EnumKey(handle, 0)
                    except OSError:
                        break
                    self.delete_tree(rf"{key}\{child}")
            reg.DeleteKey(reg.HKEY_CURRENT_USER, key)
        except FileNotFoundError:
            pass

    def delete_value(self, key: str, name: str) -> None:
        reg = self.winreg
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, key, 0, reg.KEY_WRITE) as handle:
                reg.DeleteValue(handle, name)
        except FileNotFoundError:
            pass

    def changed(self) -> None:
        """Tell Explorer that associations changed (SHChangeNotify), so links use it now."""
        import ctypes

        ctypes.windll.shell32.SHChangeNotify(0x08000000, 0, None, None)
