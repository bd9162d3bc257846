"""What a file must be to be attached, judged by its bytes: photos come out upright, clean and
no larger than 2000 px; PDFs only when they parse and carry nothing active; anything else,
and every disguise, is refused or stored as plain pixels."""

from __future__ import annotations

import pytest

from admin_app.attachments.content import check
from admin_app.services.errors import ServiceError

from . import files

LIMIT = 10 * 2**20


def checked(data, name="photo.jpg", max_bytes=LIMIT, max_px=2000):
    return check(data, name, max_bytes=max_bytes, max_px=max_px)


def refusal(in_app, data, **kwargs) -> str:
    with in_app(), pytest.raises(ServiceError) as caught:
        checked(data, **kwargs)
    return str(caught.value)


def test_a_phone_photo_is_turned_upright_and_loses_its_exif_and_position():
    # Stored sideways (400x200) with "turn 90° clockwise": shown as 200x400.
    out = checked(files.jpeg((400, 200), orientation=6, gps=True))
    image = files.view(out.data)
    assert out.content_type == "image/jpeg" and image.format == "JPEG"
    assert image.size == (200, 400)
    assert not image.getexif()  # no maker, no GPS, no orientation left to apply twice
    assert b"PhoneMaker" not in out.data
    # The blue half was on the left; after turning clockwise it is on top.
    top, bottom = image.getpixel((100, 50)), image.getpixel((100, 350))
    assert top[2] > 150 and bottom[0] > 150


def test_a_large_photo_is_shrunk_to_2000_px_on_its_longest_side_with_a_thumbnail():
    out = checked(files.noisy_jpeg((3000, 1500)))
    assert files.view(out.data).size == (2000, 1000)
    assert max(files.view(out.thumbnail).size) == 320


def test_a_png_with_transparency_stays_a_png():
    out = checked(files.png(alpha=True), name="plan.png")
    image = files.view(out.data)
    assert (out.content_type, image.format, image.mode) == ("image/png", "PNG", "RGBA")
    assert out.filename == "plan.png"


def test_webp_and_gif_are_accepted_and_stored_as_jpeg_or_png():
    assert checked(files.webp(), name="a.webp").content_type == "image/jpeg"
    assert checked(files.gif(), name="a.gif").content_type == "image/png"


def test_the_file_name_is_only_a_name_with_the_stored_type_as_extension():
    out = checked(files.jpeg(), name="../../etc/漏水 照片.exe")
    assert out.filename == "漏水 照片.jpg"


def test_a_file_over_the_limit_is_refused_with_the_limit(in_app):
    message = refusal(in_app, files.noisy_jpeg((800, 800)), max_bytes=100_000)
    assert "larger than 0.1 MB" in message


def test_an_empty_file_is_refused(in_app):
    assert "empty" in refusal(in_app, b"")


@pytest.mark.parametrize(
    "data",
    [
        files.HTML,
        b"MZ\x90\x00" + b"\x00" * 100,  # a Windows program
        b"PK\x03\x04" + b"\x00" * 100,  # a zip (or .docx)
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"hello, plain text",
    ],
    ids=["html", "exe", "zip", "svg", "text"],
)
def test_what_is_neither_an_image_nor_a_pdf_is_refused_whatever_its_name(in_app, data):
    assert "Only photos" in refusal(in_app, data, name="photo.jpg")


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + files.HTML,  # a JPEG's first bytes, then a web page
        b"GIF89a" + files.HTML,
        b"\x89PNG\r\n\x1a\n" + files.HTML,
        files.jpeg()[:200],  # a photo cut short
    ],
    ids=["jpeg-html", "gif-html", "png-html", "truncated"],
)
def test_markup_behind_an_image_signature_is_refused(in_app, data):
    assert "not a readable image" in refusal(in_app, data)


@pytest.mark.parametrize(
    "data",
    [files.jpeg() + files.HTML, files.png() + files.SCRIPT, files.gif()],
    ids=["jpeg+html", "png+script", "gif-comment-html"],
)
def test_a_real_image_carrying_markup_is_stored_as_its_pixels_alone(data):
    out = checked(data)
    assert b"<script" not in out.data.lower() and b"<html" not in out.data.lower()
    assert b"<script" not in out.thumbnail.lower()
    files.view(out.data)  # still a picture


def test_a_decompression_bomb_is_refused_before_it_is_decoded(in_app):
    assert "too many pixels" in refusal(in_app, files.bomb_png())


def test_a_pdf_is_accepted_as_it_is():
    data = files.pdf()
    out = checked(data, name="报价单.PDF")
    assert (out.content_type, out.data, out.filename, out.thumbnail) == (
        "application/pdf",
        data,
        "报价单.pdf",
        None,
    )


@pytest.mark.parametrize(
    "data",
    [
        files.pdf_with_javascript(),
        files.pdf() + files.HTML,
        b"%PDF-1.7\n" + files.HTML,
    ],
    ids=["javascript", "pdf+html", "pdf-header-html"],
)
def test_a_pdf_with_scripts_or_web_content_is_refused(in_app, data):
    assert "scripts, embedded files or web content" in refusal(in_app, data, name="a.pdf")


def test_a_damaged_pdf_is_refused(in_app):
    assert "damaged" in refusal(in_app, b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF")
