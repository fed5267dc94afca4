"""Photos attached to a case: proven to be images, stored without their metadata.

The decoding and re-encoding is `core.images` (shared with the sites' photos); this
module adds the case's own limits (how many photos, how large).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from grassroots.cases.models import MAX_PHOTO_BYTES, MAX_PHOTOS
from grassroots.core.images import MAX_SIDE as MAX_SIDE
from grassroots.core.images import clean_image


def clean_photos(photos: Sequence[Any]) -> list[ContentFile]:
    """The uploads as clean image files, ready to store; ValidationError for any bad one."""
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    return [clean_photo(f, n) for n, f in enumerate(photos, start=1)]


def clean_photo(upload: Any, n: int = 1) -> ContentFile:
    return clean_image(upload, n, max_bytes=MAX_PHOTO_BYTES)
