"""Photos attached to a case: proven to be images, stored without their metadata.

A phone photo carries EXIF data: the exact GPS position where it was taken
(often the resident's home), the phone model, sometimes the owner's name.
None of it is needed to handle a case, so every upload is decoded with
Pillow, turned upright by its EXIF orientation, shrunk to at most
`MAX_SIDE` pixels on the longer side and encoded afresh (JPEG, or PNG when
the picture has transparency). What cannot be decoded is refused; so is an
image whose pixel count could exhaust the worker's memory.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from grassroots.cases.models import MAX_PHOTO_BYTES, MAX_PHOTOS

MAX_SIDE = 2048
MAX_PIXELS = 40_000_000  # a 40-megapixel photo decodes to ≈160 MB; above that, refuse
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def clean_photos(photos: Sequence[Any]) -> list[ContentFile]:
    """The uploads as clean image files, ready to store; ValidationError for any bad one."""
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    return [clean_photo(f, n) for n, f in enumerate(photos, start=1)]


def clean_photo(upload: Any, n: int = 1) -> ContentFile:
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("A photo may be at most 5 MB."))
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
    image = ImageOps.exif_transpose(image)
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
