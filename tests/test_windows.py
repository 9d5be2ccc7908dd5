"""What the program needs to run on Windows, checked on any system: paths, time zones, fonts,
no POSIX-only calls, and the built program's launcher."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest

from synergy_desk import __version__
from synergy_desk.documents.fonts import font_bytes
from synergy_desk.models.database import describe_url

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "synergy_desk"

#: Calls and modules that do not exist on Windows (or mean nothing there).
POSIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "resource", "termios", "tty", "pty", "posix"}
POSIX_ONLY_CALLS = {
    ("os", "fork"), ("os", "forkpty"), ("os", "geteuid"), ("os", "getuid"), ("os", "getgid"),
    ("os", "getegid"), ("os", "setuid"), ("os", "setsid"), ("os", "killpg"),
    ("os", "getpgid"), ("os", "chown"), ("os", "mkfifo"), ("os", "uname"), ("os", "sync"),
    ("signal", "SIGKILL"), ("signal", "SIGHUP"), ("signal", "SIGUSR1"), ("signal", "SIGALRM"),
    ("signal", "alarm"), ("signal", "pause"), ("time", "tzset"),
}
POSIX_ONLY_TEXT = ("/tmp", "/usr/share", "/etc/", "/var/", "/dev/null", "~/.", "/home/")


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _posix_only_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT).as_posix()}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names
                      if a.name.split(".")[0] in POSIX_ONLY_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in POSIX_ONLY_MODULES:
                found.append(f"{where} from {node.module}")
            found += [f"{where} from {node.module} import {a.name}" for a in node.names
                      if (node.module, a.name) in POSIX_ONLY_CALLS]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in POSIX_ONLY_CALLS:
                found.append(f"{where} {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"{where} {node.value!r}" for text in POSIX_ONLY_TEXT
                      if node.value.startswith(text)]
    return found


def test_the_program_makes_no_posix_only_calls() -> None:
    found = [use for path in _sources() for use in _posix_only_uses(path)]
    assert found == []


def test_the_audit_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os, fcntl\nos.fork()\nLOG = '/tmp/x.log'\n"
                      "from os import geteuid\n", encoding="utf-8")
    assert len(_posix_only_uses_outside(sample, tmp_path)) == 4


def _posix_only_uses_outside(path: Path, root: Path) -> list[str]:
    global ROOT
    saved, ROOT = ROOT, root
    try:
        return _posix_only_uses(path)
    finally:
        ROOT = saved


@pytest.mark.parametrize(("url", "windows_path"), [
    ("sqlite:///C:/Users/Mary/office.sqlite3", r"C:\Users\Mary\office.sqlite3"),
    ("sqlite:///C:/Users/Mary%20Smith/Synergy%20Desk/office.sqlite3",
     r"C:\Users\Mary Smith\Synergy Desk\office.sqlite3"),
    ("sqlite:///D:/Office/desk.sqlite3", r"D:\Office\desk.sqlite3"),
])
def test_a_windows_sqlite_address_names_a_windows_path(url: str, windows_path: str) -> None:
    info = describe_url(url)
    assert info.kind == "sqlite"
    assert info.path is not None
    # As Windows reads the path: a drive, no stray leading slash before it.
    path = PureWindowsPath(str(info.path))
    assert path == PureWindowsPath(windows_path)
    assert path.is_absolute()
    assert path.drive == windows_path[:2]
    assert not str(info.path).startswith(("/", "\\"))


TZ_SNIPPET = """
import datetime as dt, importlib.resources, zoneinfo
zoneinfo.reset_tzpath([])  # as on Windows: no system time-zone folder at all
assert zoneinfo.TZPATH == ()
london = zoneinfo.ZoneInfo("Europe/London")
summer = dt.datetime(2024, 7, 1, 12, tzinfo=london).utcoffset()
winter = dt.datetime(2024, 1, 1, 12, tzinfo=london).utcoffset()
assert (importlib.resources.files("tzdata.zoneinfo") / "Europe" / "London").is_file()
print(summer.total_seconds(), winter.total_seconds())
"""


def test_the_office_time_zone_comes_from_tzdata_without_system_zones() -> None:
    result = subprocess.run([sys.executable, "-c", TZ_SNIPPET], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3600.0", "0.0"]


def test_document_fonts_ship_inside_the_package() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        data = font_bytes(name)
        assert data[:4] == b"\x00\x01\x00\x00", name  # a TrueType font
        assert len(data) > 100_000


def test_no_code_reads_fonts_from_the_system() -> None:
    offenders = [p.relative_to(ROOT).as_posix() for p in _sources()
                 if any(s in p.read_text(encoding="utf-8").lower()
                        for s in ("\\fonts\\", "/fonts/", "fonts-dejavu", "fc-match"))]
    assert offenders == []


def test_the_built_programs_launcher_runs_the_command_line() -> None:
    launcher = ROOT / "packaging" / "launcher.py"
    result = subprocess.run([sys.executable, str(launcher), "--version"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"synergy-desk {__version__}"


def test_the_built_programs_launcher_runs_the_programs_own_helper_modules() -> None:
    """Frozen, sys.executable is the launcher: ``-m synergy_desk...`` (the demo's writer
    process) must still run the module, and nothing outside the program."""
    launcher = ROOT / "packaging" / "launcher.py"
    result = subprocess.run([sys.executable, str(launcher), "-m", "synergy_desk", "--version"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"synergy-desk {__version__}"
    other = subprocess.run([sys.executable, str(launcher), "-m", "json.tool", "--help"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert other.returncode == 2
    assert "json.tool" not in other.stdout
