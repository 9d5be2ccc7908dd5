"""Writing files so that a reader sees the old file or the whole new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_file_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write the bytes beside the target, flush them to disk, then rename over the target."""
    target = Path(path)
    handle, temp = tempfile.mkstemp(prefix=".synergy-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
