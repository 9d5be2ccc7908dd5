"""The office's logo as a picture: its size read from the file's header, and a smaller copy.

A logo prints 48 mm wide at most, so 1,200 pixels on its longer side is already sharper than
any printer needs. A tiny file can still claim huge dimensions (a 17 kB PNG of 12,000 × 12,000
pixels): decoding it takes seconds and gigabytes, so the size is read from the header alone,
before any decoding, and Pillow is never handed a picture above ``MAX_PIXELS`` (which also
keeps its decompression-bomb warning off standard error).
"""

from __future__ import annotations

import io
import struct

#: The longer side, in pixels, a logo is stored at, at most.
MAX_SIDE = 1200
#: The longer side, in pixels, a logo is drawn at, at most: over 300 dots an inch across the
#: 48 mm it prints at, and small enough to embed in every document in a few milliseconds.
PRINT_SIDE = 600
#: More pixels than this (5,000 × 5,000) and a picture is not decoded at all.
MAX_PIXELS = 25_000_000

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
# The JPEG markers that start a frame and carry its size (not DHT, JPG or DAC).
_JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD,
                          0xCE, 0xCF})


def picture_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG or JPEG, read from its header without decoding;
    None when it is neither or its header is damaged."""
    if data.startswith(_PNG):
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith(_JPEG):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # no length follows
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if marker in _JPEG_FRAMES:
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        if marker == 0xD9 or length < 2:
            return None
        at += 2 + length
    return None


def too_many_pixels(size: tuple[int, int]) -> bool:
    """Whether a picture of this size is too large to decode at all."""
    width, height = size
    return width * height > MAX_PIXELS


def scaled_down(data: bytes, max_side: int = MAX_SIDE) -> bytes:
    """The picture with its longer side at most ``max_side`` pixels, in its own format (PNG
    stays PNG, JPEG stays JPEG); the same bytes when it is that small already.

    Only for a picture whose header says it has at most ``MAX_PIXELS`` pixels.

    Raises:
        OSError: the picture cannot be decoded (Pillow's error).
        ValueError: the header is unreadable or claims too many pixels.
    """
    size = picture_size(data)
    if size is None or too_many_pixels(size):
        raise ValueError("not a picture this can scale")
    if max(size) <= max_side:
        return data
    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as opened:
        kind = opened.format
        opened.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        if kind == "JPEG":
            opened.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
        elif opened.mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
            opened.save(out, "PNG", optimize=True)
        else:
            opened.convert("RGBA").save(out, "PNG", optimize=True)
    return out.getvalue()
