"""Draw the panel's icons (a white house on the office's blue) into admin_app/static/icons/.

    .venv/bin/python tools/make_icons.py

Run once when the design changes; the PNGs, favicon.ico and favicon.svg are committed. Plain
Python (zlib), no image library: the shapes are a few polygons, drawn with 4x4 supersampling.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "admin_app" / "static" / "icons"
BLUE = (31, 78, 121)  # the theme colour of the manifests
WHITE = (255, 255, 255)
SAMPLES = 4

# The house, in a unit square: roof, walls, and the door cut out of the walls.
ROOF = [(0.5, 0.06), (1.0, 0.5), (0.0, 0.5)]
WALLS = (0.14, 0.44, 0.86, 0.96)  # x0, y0, x1, y1
DOOR = (0.40, 0.64, 0.60, 0.96)


def inside_polygon(x: float, y: float, points) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def inside_box(x: float, y: float, box) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def inside_rounded(x: float, y: float, radius: float) -> bool:
    cx = min(max(x, radius), 1 - radius)
    cy = min(max(y, radius), 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def colour_at(x: float, y: float, *, maskable: bool):
    """The colour of one point of the icon, or None outside it (transparent)."""
    if not maskable and not inside_rounded(x, y, 0.18):
        return None
    # A maskable icon may be cut to a circle of 80% of its size: the house stays well inside.
    margin = 0.27 if maskable else 0.19
    hx, hy = (x - margin) / (1 - 2 * margin), (y - margin) / (1 - 2 * margin)
    house = inside_polygon(hx, hy, ROOF) or inside_box(hx, hy, WALLS)
    return WHITE if house and not inside_box(hx, hy, DOOR) else BLUE


def draw(size: int, *, maskable: bool = False) -> bytes:
    rows = []
    step = 1 / (size * SAMPLES)
    for py in range(size):
        row = bytearray(b"\x00")  # PNG filter: none
        for px in range(size):
            r = g = b = a = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px * SAMPLES + sx + 0.5) * step
                    y = (py * SAMPLES + sy + 0.5) * step
                    colour = colour_at(x, y, maskable=maskable)
                    if colour:
                        r, g, b, a = r + colour[0], g + colour[1], b + colour[2], a + 1
            if a:
                row += bytes((r // a, g // a, b // a, 255 * a // SAMPLES**2))
            else:
                row += b"\x00\x00\x00\x00"
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico(images: dict[int, bytes]) -> bytes:
    """A .ico holding PNG images (every browser since IE9 reads them)."""
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, data = b"", b""
    for size, image in images.items():
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
        data += image
    return head + entries + data


def svg() -> str:
    margin = 0.19
    scale = 1 - 2 * margin

    def at(x: float, y: float) -> str:
        return f"{(margin + x * scale) * 64:.2f},{(margin + y * scale) * 64:.2f}"

    roof = " ".join(at(x, y) for x, y in ROOF)
    walls = [at(WALLS[0], WALLS[1]), at(WALLS[2], WALLS[1]), at(WALLS[2], WALLS[3])]
    walls += [at(DOOR[2], DOOR[3]), at(DOOR[2], DOOR[1]), at(DOOR[0], DOOR[1])]
    walls += [at(DOOR[0], DOOR[3]), at(WALLS[0], WALLS[3])]
    colour = "#{:02x}{:02x}{:02x}".format(*BLUE)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="11.5" fill="{colour}"/>'
        f'<polygon points="{roof}" fill="#fff"/>'
        f'<polygon points="{" ".join(walls)}" fill="#fff"/>'
        "</svg>\n"
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
        # iOS rounds the corners itself and shows transparency as black: a full square.
        ("apple-touch-icon.png", 180, True),
    ):
        (OUT / name).write_bytes(draw(size, maskable=maskable))
    (OUT / "favicon.ico").write_bytes(ico({size: draw(size) for size in (16, 32, 48)}))
    (OUT / "favicon.svg").write_text(svg(), encoding="utf-8")
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
