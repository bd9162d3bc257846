"""Real files for the attachment tests, made with Pillow and pypdf: photos as a phone takes
them (EXIF orientation, GPS), PDFs, and the hostile kinds (polyglots, bombs, markup)."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

SCRIPT = b"<script>alert(document.cookie)</script>"
HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"


def jpeg(size=(400, 200), colour=(200, 30, 30), orientation: int | None = None, gps=False) -> bytes:
    """A JPEG as a phone stores it: the pixels as the sensor saw them, and a tag saying how
    to turn them (6: turn 90° clockwise to show it upright)."""
    image = Image.new("RGB", size, colour)
    # A marker: the left half blue, so turning can be seen in the pixels.
    image.paste((20, 20, 220), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation is not None:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png(size=(300, 300), alpha=True) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", size, (10, 120, 10, 128) if alpha else "green")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def gif(size=(50, 50)) -> bytes:
    out = io.BytesIO()
    Image.new("P", size, 3).save(out, "GIF", comment=HTML)
    return out.getvalue()


def webp(size=(120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "orange").save(out, "WEBP")
    return out.getvalue()


def noisy_jpeg(size) -> bytes:
    """A large photo that does not compress to nothing (random pixels)."""
    import os

    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def bomb_png() -> bytes:
    """81 million pixels in a few kilobytes."""
    out = io.BytesIO()
    Image.new("1", (9000, 9000), 0).save(out, "PNG")
    return out.getvalue()


def pdf(extra_root: dict | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "维修报价单"})
    if extra_root:
        for key, value in extra_root.items():
            writer._root_object[NameObject(key)] = value
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x')"),
        }
    )
    return pdf({"/OpenAction": action})


def view(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
