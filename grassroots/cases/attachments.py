"""Photos attached to a case (re-exported by models.py, where Django looks for models)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.images import content_type as image_content_type
from grassroots.core.images import random_name

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024


def photo_name(instance: CasePhoto, filename: str) -> str:
    """A random name (192 bits), nothing of the upload's name or date: it cannot be guessed.

    Photos are served only by `cases.views.photo`, to who reaches the case; the
    name keeps only the extension the re-encoding chose (.jpg or .png).
    """
    return random_name("cases/photos", filename)


class CasePhoto(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=photo_name)
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.file.name or ""

    @property
    def content_type(self) -> str:
        return image_content_type(self.file.name or "")
