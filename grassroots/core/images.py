"""Uploaded photos, proven to be images and stored without their metadata (cases, sites).

A phone photo carries EXIF data: the exact GPS position where it was taken (often
someone's home), the phone model, sometimes the owner's name. None of it is needed,
so every upload is decoded with Pillow, turned upright by its EXIF orientation, shrunk
to at most `MAX_SIDE` pixels on the longer side and encoded afresh (JPEG, or PNG when
the picture has transparency). What cannot be decoded is refused; so is an image whose
pixel count could exhaust the worker's memory. Stored names are random
(`random_name`): nothing of the upload's name or date, so they cannot be guessed; the
files are served only by a scoped view.
"""

from __future__ import annotations

import io
import secrets
import warnings
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 2048
MAX_PIXELS = 40_000_000  # a 40-megapixel photo decodes to ≈160 MB; above that, refuse
MAX_BYTES = 5 * 1024 * 1024
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def random_name(folder: str, filename: str) -> str:
    """`folder/<192 random bits>.jpg|.png`: only the extension the re-encoding chose is kept."""
    extension = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"{folder.rstrip('/')}/{secrets.token_urlsafe(24)}{extension}"


def content_type(name: str) -> str:
    return "image/png" if (name or "").endswith(".png") else "image/jpeg"


def _decode(upload: Any) -> Image.Image:
    not_an_image = ValidationError(_("Photos must be JPEG, PNG, WebP or GIF images."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in FORMATS:
                raise not_an_image
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    except Image.DecompressionBombWarning:
        raise ValidationError(_("The photo has too many pixels.")) from None
    finally:
        upload.seek(0)
    return image


def clean_image(upload: Any, n: int = 1, *, max_bytes: int = MAX_BYTES) -> ContentFile:
    """The upload as a clean image file, ready to store; ValidationError for a bad one."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("A photo may be at most %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}
        )
    image = ImageOps.exif_transpose(_decode(upload))
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    transparent = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if transparent:
        image.convert("RGBA").save(out, "PNG", optimize=True)
        name = f"photo-{n}.png"
    else:
        # A fresh encoding with no `exif=` and no `icc_profile=`: nothing carries over.
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        name = f"photo-{n}.jpg"
    return ContentFile(out.getvalue(), name=name)
