"""Files the program reads and writes: written so that a reader sees the old file or the whole
new one, never half of it; never over a database, its logs, a backup or anything that is not a
plain file; a file that cannot be read or written said in plain words.

A file being written is first a hidden temporary file beside its target whose name carries
the writing process's id (``.synergy-PID-….part``, ``.NAME.PID-….partial``). A process killed
half-way cannot remove its own, so the next write into that folder removes those whose process
is gone (:func:`remove_stale_temporaries`)."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from synergy_desk.domain.errors import ValidationError
from synergy_desk.models.database import open_in_this_process

__all__ = ["file_problem", "open_atomically", "write_file_atomically", "save_file",
           "refuse_to_overwrite", "temporary_beside", "remove_stale_temporaries",
           "DATABASE_HEADERS"]

#: The first bytes of a SQLite database (an office or its backup) and of a pg_dump archive.
DATABASE_HEADERS = (b"SQLite format 3\x00", b"PGDMP")

#: The files SQLite keeps beside a database while it is open or being changed.
_LOG_SUFFIXES = ("-wal", "-shm", "-journal")

#: A temporary file this program writes: the process id is the first number in its name.
_TEMPORARY = re.compile(
    r"^\.(?:synergy-|.+\.)(\d+)-[^/]*\.(?:part|partial)(?:-wal|-shm|-journal)?$")


def file_problem(path: str | os.PathLike[str], exc: OSError, doing: str) -> ValidationError:
    """A file that could not be read or written, as a refusal in plain words: the person
    chose the file, so it is not a fault in the program.

    Example: ``file_problem("x.csv", PermissionError(13, "Permission denied"), "save")`` says
    "Could not save x.csv: Permission denied."

    Args:
        path: the file.
        exc: what the operating system said.
        doing: "save", "read", …
    """
    return ValidationError(f"Could not {doing} {Path(path).name}: {exc.strerror or exc}.",
                           "path")


def refuse_to_overwrite(path: str | os.PathLike[str]) -> None:
    """Refuse to write over what must never be replaced by a document or an export.

    That is: anything that is not a plain file (a folder, a device such as /dev/null, a pipe,
    or a link to one of those), a SQLite database or pg_dump archive (the office itself or a
    backup, recognised by its first bytes), a database's log files (``-wal``, ``-shm``,
    ``-journal``) and the files of a backup folder. A file that does not exist yet is fine.

    Raises:
        ValidationError: naming the path; nothing was written.
    """
    target = Path(path)
    nothing = "; nothing was written. Give another file name."
    try:
        info = os.stat(target)
    except FileNotFoundError:
        if target.is_symlink():
            raise ValidationError(f"{target} is a link to nothing{nothing}", "path") from None
        return
    except OSError as exc:
        raise file_problem(target, exc, "check") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValidationError(f"{target} is a folder{nothing}", "path")
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError(f"{target} is not a plain file (a device or a pipe){nothing}",
                              "path")
    if target.name.endswith(_LOG_SUFFIXES):
        raise ValidationError(f"{target} may be a database's log file{nothing}", "path")
    if target.parent.name == "backups" and target.name.startswith("synergy-desk-"):
        raise ValidationError(f"{target} is a backup{nothing}", "path")
    if open_in_this_process(target):
        # Never opened as a plain file: that would drop this program's own database locks.
        raise ValidationError(f"{target} is open in this program (the office database){nothing}",
                              "path")
    try:
        with open(target, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise file_problem(target, exc, "check") from None
    if any(head.startswith(magic) for magic in DATABASE_HEADERS):
        raise ValidationError(f"{target} is a database or a backup of one{nothing}", "path")


def _process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False
    return False


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files in ``folder`` left by a process that was killed half-way
    (its process id is in the name and no such process runs); returns those removed."""
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match is None or not _process_gone(int(match.group(1))):
            continue
        with suppress(OSError):
            if entry.is_file() and not entry.is_symlink():
                entry.unlink()
                removed.append(entry)
    return removed


def temporary_beside(target: Path, suffix: str = ".partial") -> Path:
    """A new, empty hidden file in the target's folder (named after it and this process),
    to be renamed over the target when whole; stale ones of killed processes are removed
    first."""
    remove_stale_temporaries(target.parent)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=suffix,
                                dir=target.parent)
    os.close(fd)
    return Path(name)


@contextmanager
def open_atomically(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file to stream into; it replaces ``path`` only when the block ends without error.

    The bytes go to a temporary file beside the target, are flushed to disk, and the temporary
    file is renamed over the target. On any error the temporary file is removed and the target
    is left as it was.

    Raises:
        ValidationError: the target must not be written over (:func:`refuse_to_overwrite`).
    """
    target = Path(path)
    refuse_to_overwrite(target)
    remove_stale_temporaries(target.parent)
    handle, temp = tempfile.mkstemp(prefix=f".synergy-{os.getpid()}-", suffix=".part",
                                    dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        # Asked again at the last moment: the target may have appeared meanwhile.
        refuse_to_overwrite(target)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_file_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write the bytes beside the target, flush them to disk, then rename over the target.

    Raises:
        ValidationError: the target must not be written over (:func:`refuse_to_overwrite`).
    """
    with open_atomically(path) as out:
        out.write(data)


def save_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Save a file a person chose (an export, a PDF): whole or not at all.

    Raises:
        ValidationError: it could not be written (:func:`file_problem` says why), or it must
            not be written over (:func:`refuse_to_overwrite`).
    """
    try:
        write_file_atomically(path, data)
    except OSError as exc:
        raise file_problem(path, exc, "save") from None
