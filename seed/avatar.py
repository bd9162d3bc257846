"""A placeholder portrait (a grey silhouette) as PNG bytes, for the demo's worker passes."""

from __future__ import annotations

import struct
import zlib

WIDTH, HEIGHT = 120, 160


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def silhouette_png(background: tuple[int, int, int] = (214, 226, 240)) -> bytes:
    figure = (118, 128, 140)
    rows = []
    for y in range(HEIGHT):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(WIDTH):
            head = (x - 60) ** 2 + (y - 62) ** 2 <= 27**2
            shoulders = y >= 105 and (x - 60) ** 2 / 55**2 + (y - 160) ** 2 / 55**2 <= 1
            row += bytes(figure if head or shoulders else background)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
