"""What an attachment may be, decided by its bytes: images re-encoded clean, PDFs parsed."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from admin_app.services.errors import ServiceError
from admin_app.services.storage import safe_filename

# A phone photo is 12-50 megapixels; beyond this a file is a decompression bomb, not a photo.
MAX_PIXELS = 80_000_000
THUMBNAIL_PX = 320
# Sniffed from the first bytes, never from the file name or the browser's Content-Type.
IMAGE_MAGIC = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
}
PDF_MAGIC = b"%PDF-"
# A PDF that runs code or carries files or markup is not evidence of a leak: refused.
PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData)\b"
    rb"|<\s*(?:script|html|svg|body|iframe|!doctype)",
    re.IGNORECASE,
)
NOT_ACCEPTED = _l("Only photos (JPEG, PNG, WebP, GIF) and PDF files can be attached.")


@dataclass(frozen=True)
class Checked:
    data: bytes
    content_type: str
    filename: str
    thumbnail: bytes | None = None  # images only: a small JPEG or PNG for lists and phones


def image_format(data: bytes) -> str | None:
    for magic, name in IMAGE_MAGIC.items():
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def check(data: bytes, filename: str, *, max_bytes: int, max_px: int) -> Checked:
    """The file as it will be stored, or ServiceError saying why it is refused."""
    if not data:
        raise ServiceError(_l("The file is empty."))
    if len(data) > max_bytes:
        raise ServiceError(
            _l("The file is larger than %(limit)s MB."), limit=round(max_bytes / 2**20, 1)
        )
    sniffed = image_format(data)
    if sniffed is not None:
        return _image(data, sniffed, filename, max_px)
    if data.startswith(PDF_MAGIC):
        return _pdf(data, filename)
    raise ServiceError(NOT_ACCEPTED)


def _open(data: bytes, sniffed: str) -> Image.Image:
    """The image, opened only if it is what its first bytes claim and not a bomb."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[sniffed])
            if image.width * image.height > MAX_PIXELS:
                raise ServiceError(_l("The image has too many pixels."))
            image.verify()  # the whole structure; the object is unusable afterwards
            image = Image.open(io.BytesIO(data), formats=[sniffed])
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ServiceError(_l("The image has too many pixels.")) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ServiceError(
                _l("The file is not a readable image (damaged, or something else named as one).")
            ) from exc
    return image


def _image(data: bytes, sniffed: str, filename: str, max_px: int) -> Checked:
    """Re-encoded from the pixels alone: nothing the file carried besides the picture (EXIF with
    the GPS position, comments, trailing bytes, a second format hidden inside) is kept; turned
    upright as the camera's orientation tag says, and shrunk to max_px on its longest side."""
    image = _open(data, sniffed)
    image = ImageOps.exif_transpose(image)
    keeps_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if keeps_alpha else "RGB")
    image.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    kind = "PNG" if keeps_alpha or sniffed in ("PNG", "GIF") else "JPEG"
    stem = PurePosixPath(safe_filename(filename)).stem or "photo"
    return Checked(
        data=_encode(image, kind),
        content_type=f"image/{kind.lower()}",
        filename=f"{stem}.{'png' if kind == 'PNG' else 'jpg'}",
        thumbnail=_encode(_thumbnail(image), kind),
    )


def _thumbnail(image: Image.Image) -> Image.Image:
    small = image.copy()
    small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX), Image.Resampling.LANCZOS)
    return small


def _encode(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _pdf(data: bytes, filename: str) -> Checked:
    """A PDF that parses, with pages, and nothing active in it."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if PDF_ACTIVE.search(data):
        raise ServiceError(_l("The PDF contains scripts, embedded files or web content."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ServiceError(_l("The PDF is password-protected."))
        if len(reader.pages) == 0:
            raise ServiceError(_l("The PDF has no pages."))
        # What the byte scan cannot see inside compressed object streams.
        root = reader.trailer["/Root"]
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        if "/AA" in root or "/JavaScript" in names or "/EmbeddedFiles" in names:
            raise ServiceError(_l("The PDF contains scripts, embedded files or web content."))
    except ServiceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise ServiceError(_l("The PDF is damaged and cannot be read.")) from exc
    stem = PurePosixPath(safe_filename(filename)).stem or "document"
    return Checked(data=data, content_type="application/pdf", filename=f"{stem}.pdf")
