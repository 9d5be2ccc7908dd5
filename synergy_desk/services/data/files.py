"""Files the program reads and writes: written so that a reader sees the old file or the whole
new one, never half of it; a file that cannot be read or written said in plain words."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from synergy_desk.domain.errors import ValidationError

__all__ = ["file_problem", "open_atomically", "write_file_atomically", "save_file"]


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


@contextmanager
def open_atomically(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file to stream into; it replaces ``path`` only when the block ends without error.

    The bytes go to a temporary file beside the target, are flushed to disk, and the temporary
    file is renamed over the target. On any error the temporary file is removed and the target
    is left as it was.
    """
    target = Path(path)
    handle, temp = tempfile.mkstemp(prefix=".synergy-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_file_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write the bytes beside the target, flush them to disk, then rename over the target."""
    with open_atomically(path) as out:
        out.write(data)


def save_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Save a file a person chose (an export, a PDF): whole or not at all.

    Raises:
        ValidationError: it could not be written (:func:`file_problem` says why).
    """
    try:
        write_file_atomically(path, data)
    except OSError as exc:
        raise file_problem(path, exc, "save") from None
