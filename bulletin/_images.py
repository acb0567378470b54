"""Cover images: the shipped cover, and what a PNG or JPEG is, read from its first bytes."""

from __future__ import annotations

import struct
from importlib import resources

__all__ = ["default_cover", "image_size", "image_type"]

_PNG = b"\x89PNG"
_JPEG = b"\xff\xd8"


def default_cover() -> bytes:
    """The shipped cover: a 1400x1400 PNG, ``data/cover.png`` (``scripts/make_cover.py``)."""
    return resources.files("bulletin").joinpath("data/cover.png").read_bytes()


def image_type(head: bytes) -> str | None:
    """``image/png`` or ``image/jpeg`` from a file's first bytes; None if it is neither."""
    if head.startswith(_PNG):
        return "image/png"
    if head.startswith(_JPEG):
        return "image/jpeg"
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or baseline/progressive JPEG, read from its header."""
    if data.startswith(_PNG + b"\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith(_JPEG):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None
