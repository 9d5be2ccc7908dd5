"""Files that cannot be an office database: each is one line of refusal, and is left as it was.

Through the real entry points: ``synergy-desk check`` and ``init`` run as a process, and
``open_database`` itself. After each refusal the file is byte-for-byte what it was and nothing
new (no -wal/-shm, no backup) lies beside it.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from synergy_desk.domain.errors import DatabaseError, SchemaTooNew
from synergy_desk.models.database import close_database, open_database, sqlite_url
from tests.cli.test_main import PASSWORD, assert_one_line_error

POSIX = os.name == "posix"


def _png() -> bytes:
    """A real 1×1 PNG picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _real_database(path: Path) -> bytes:
    """A real office database (migrated, some rows), checkpointed into one file."""
    open_database(sqlite_url(path))
    from synergy_desk.models import tables as t

    customer = t.Customer.create(account_code="C1", name="Ada Lovelace")
    for n in range(200):
        t.Contact.create(customer=customer.id, name=f"Contact {n}", phone=f"0113 496 {n:04d}")
    close_database()
    return path.read_bytes()


def _newer(path: Path) -> bytes:
    _real_database(path)
    conn = sqlite3.connect(str(path))
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES "
                 "('9999_from_the_future', '2030-01-01 00:00:00')")
    conn.commit()
    conn.close()
    return path.read_bytes()


def _truncated(path: Path) -> bytes:
    whole = _real_database(path)
    path.write_bytes(whole[:len(whole) // 2])
    return path.read_bytes()


def _write(data: bytes) -> Callable[[Path], bytes]:
    def make(path: Path) -> bytes:
        path.write_bytes(data)
        return data
    return make


#: (name, how to make the file, what the one-line message says)
BAD_FILES = [
    ("random bytes", _write(random.Random(7).randbytes(8192)), "not a SQLite file"),
    ("a text file", _write(b"Milk\nEggs\nBread\n" * 50), "not a SQLite file"),
    ("a picture", _write(_png()), "not a SQLite file"),
    ("cut in half", _truncated, "is damaged"),
    ("a newer version", _newer, "newer version"),
]


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder of its own under the system's temporary folder (readable by other users, so
    a test can run the program as one)."""
    path = Path(tempfile.mkdtemp(prefix="synergy-bad-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for sub in [path, *path.rglob("*")]:
            if sub.is_dir():
                sub.chmod(0o755)
            else:
                sub.chmod(0o644)
        shutil.rmtree(path, ignore_errors=True)


def _unprivileged() -> list[str]:
    """How to run a command without the power to ignore file permissions.

    The tests and CI run as root, who may write to any read-only file or folder. The program
    is then started through ``setpriv`` with every capability dropped (it keeps uid 0, so it
    can still reach an interpreter in root's home, but the permission bits now apply to it).
    """
    if not POSIX or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: read-only files "
                    "cannot be shown to a root process")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all", "--"]


def _run(folder: Path, args: list[str], *, stdin: str = "",
         prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    scratch = Path(tempfile.mkdtemp(prefix="synergy-bad-home-"))
    scratch.chmod(0o777)
    env = dict(os.environ)
    env["SYNERGY_DESK_LOG_DIR"] = str(scratch / "log")
    env["XDG_DATA_HOME"] = str(scratch / "data")
    env["XDG_STATE_HOME"] = str(scratch / "state")
    try:
        return subprocess.run([*(prefix or []), sys.executable, *args], input=stdin,
                              capture_output=True, text=True, env=env, timeout=120,
                              check=False, cwd=folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _cli(folder: Path, *args: str, stdin: str = "",
         prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return _run(folder, ["-m", "synergy_desk", *args], stdin=stdin, prefix=prefix)


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(("name", "make", "says"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
@pytest.mark.parametrize("command", ["check", "init"])
def test_a_bad_file_is_one_line_and_left_alone_by_the_command_line(
        folder: Path, name: str, make: Callable[[Path], bytes], says: str,
        command: str) -> None:
    path = folder / "office.sqlite3"
    before = make(path)
    listing = _listing(folder)
    args = ["init", "--manager", "mary"] if command == "init" else ["check"]
    result = _cli(folder, "--database", sqlite_url(path), *args, stdin=PASSWORD + "\n")
    assert says in assert_one_line_error(result, 2)
    assert result.stdout == ""
    assert path.read_bytes() == before
    assert _listing(folder) == listing


@pytest.mark.parametrize(("name", "make", "says"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_by_open_database(
        folder: Path, name: str, make: Callable[[Path], bytes], says: str) -> None:
    path = folder / "office.sqlite3"
    before = make(path)
    listing = _listing(folder)
    with pytest.raises(DatabaseError) as caught:
        open_database(sqlite_url(path))
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)
    if name == "a newer version":
        assert isinstance(caught.value, SchemaTooNew)
    assert path.read_bytes() == before
    assert _listing(folder) == listing


def test_a_truncated_database_is_caught_when_it_is_opened(folder: Path) -> None:
    """Refused at once, not later in the middle of a payment when a missing page is reached."""
    path = folder / "office.sqlite3"
    whole = _real_database(path)
    page_size = int.from_bytes(whole[16:18], "big")
    # Whole pages only, so only the header's page count gives the cut away.
    path.write_bytes(whole[:page_size * (len(whole) // page_size // 2)])
    with pytest.raises(DatabaseError, match="is damaged"):
        open_database(sqlite_url(path))


def test_an_intact_database_with_bytes_after_its_last_page_still_opens(folder: Path) -> None:
    path = folder / "office.sqlite3"
    whole = _real_database(path)
    path.write_bytes(whole + b"\x00" * 100)  # not a whole number of pages, but nothing missing
    open_database(sqlite_url(path))
    close_database()


# --- read-only places ---

def _read_only_folder(folder: Path) -> Path:
    """A real database in a folder nobody may write to (the file itself is writable)."""
    place = folder / "locked"
    place.mkdir()
    path = place / "office.sqlite3"
    _real_database(path)
    path.chmod(0o666)
    place.chmod(0o555)
    return path


def _read_only_file(folder: Path) -> Path:
    """A real database that may not be written, in a folder that may."""
    place = folder / "open"
    place.mkdir()
    place.chmod(0o777)
    path = place / "office.sqlite3"
    _real_database(path)
    path.chmod(0o444)
    return path


def _new_file_in_read_only_folder(folder: Path) -> Path:
    place = folder / "locked"
    place.mkdir()
    place.chmod(0o555)
    return place / "office.sqlite3"


READ_ONLY = [
    ("read-only folder", _read_only_folder, "folder is read-only"),
    ("read-only file", _read_only_file, "file is read-only"),
    ("new file in a read-only folder", _new_file_in_read_only_folder, "folder is read-only"),
]

OPEN_SNIPPET = """
import sys
from synergy_desk.domain.errors import DatabaseError
from synergy_desk.models.database import open_database
try:
    open_database(sys.argv[1])
except DatabaseError as exc:
    print(exc)
    sys.exit(2)
print("opened")
"""


@pytest.mark.skipif(not POSIX, reason="file modes are a POSIX idea; Windows uses ACLs")
@pytest.mark.parametrize(("name", "make", "says"), READ_ONLY, ids=[r[0] for r in READ_ONLY])
@pytest.mark.parametrize("command", ["check", "init", "open_database"])
def test_a_read_only_place_is_one_line_and_changes_nothing(
        folder: Path, name: str, make: Callable[[Path], Path], says: str,
        command: str) -> None:
    prefix = _unprivileged()
    path = make(folder)
    before = path.read_bytes() if path.exists() else None
    listing = _listing(path.parent)
    url = sqlite_url(path)
    if command == "open_database":
        result = _run(folder, ["-c", OPEN_SNIPPET, url], prefix=prefix)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr == ""
        [line] = result.stdout.strip().splitlines()
        assert says in line
    else:
        args = ["init", "--manager", "mary"] if command == "init" else ["check"]
        result = _cli(folder, "--database", url, *args, stdin=PASSWORD + "\n", prefix=prefix)
        if command == "check" and before is None:
            # Only init creates an office: check says there is none, before the folder's mode.
            says = f"There is no office database at {path}"
        assert says in assert_one_line_error(result, 2)
    assert (path.read_bytes() if path.exists() else None) == before
    assert _listing(path.parent) == listing
    if before is not None:
        assert stat.S_IMODE(path.stat().st_mode) in (0o444, 0o666)
