"""Make the default cover art, ``bulletin/data/cover.png`` (1400x1400), with numpy and zlib.

Run once, from the repository root, when the design changes: ``python scripts/make_cover.py``.
The picture is drawn in code (a gradient, a waveform, the words THE BULLETIN in a 5x7 pixel
font), so the project ships no image from elsewhere and needs no imaging library.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

import numpy as np

SIZE = 1400
OUT = Path(__file__).resolve().parent.parent / "bulletin" / "data" / "cover.png"

_GLYPHS = {
    "T": ["11111", "00100", "00100", "00100", "00100", "00100", "00100"],
    "H": ["10001", "10001", "10001", "11111", "10001", "10001", "10001"],
    "E": ["11111", "10000", "10000", "11110", "10000", "10000", "11111"],
    "B": ["11110", "10001", "10001", "11110", "10001", "10001", "11110"],
    "U": ["10001", "10001", "10001", "10001", "10001", "10001", "01110"],
    "L": ["10000", "10000", "10000", "10000", "10000", "10000", "11111"],
    "I": ["11111", "00100", "00100", "00100", "00100", "00100", "11111"],
    "N": ["10001", "11001", "10101", "10011", "10001", "10001", "10001"],
    " ": ["00000"] * 7,
}


def _text_mask(text: str, scale: int) -> np.ndarray:
    columns = []
    for char in text:
        glyph = np.array([[c == "1" for c in row] for row in _GLYPHS[char]])
        columns += [glyph, np.zeros((7, 1), dtype=bool)]
    bitmap = np.hstack(columns[:-1])
    return np.kron(bitmap, np.ones((scale, scale), dtype=bool))


def _stamp(image: np.ndarray, mask: np.ndarray, top: int, colour: tuple[int, int, int]) -> None:
    left = (image.shape[1] - mask.shape[1]) // 2
    region = image[top : top + mask.shape[0], left : left + mask.shape[1]]
    region[mask] = colour


def draw() -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    image = np.empty((SIZE, SIZE, 3))
    image[..., 0] = 18 + 30 * y
    image[..., 1] = 32 + 40 * (1 - x) * y
    image[..., 2] = 70 + 80 * (1 - y)
    # A waveform of bars across the middle.
    bars = 41
    width = SIZE * 0.8 / bars
    for i in range(bars):
        height = SIZE * (0.04 + 0.18 * abs(np.sin(i * 0.55)) * np.exp(-(((i - 20) / 14) ** 2)))
        left = int(SIZE * 0.1 + i * width)
        top, bottom = int(SIZE * 0.67 - height), int(SIZE * 0.67 + height)
        image[top:bottom, left : left + int(width * 0.6)] = (240, 170, 60)
    image = image.astype(np.uint8)
    _stamp(image, _text_mask("THE", 22), int(SIZE * 0.10), (245, 245, 245))
    _stamp(image, _text_mask("BULLETIN", 22), int(SIZE * 0.10) + 7 * 22 + 40, (245, 245, 245))
    return image


def encode_png(image: np.ndarray) -> bytes:
    height, width, _ = image.shape
    raw = b"".join(b"\x00" + image[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> int:
    OUT.write_bytes(encode_png(draw()))
    print(f"{OUT}: {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
