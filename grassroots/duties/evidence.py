"""The one optional file of a duty: at most 10 MB, a document or a scan, checked by content
(`core.documents`). The name is replaced by a random one with the extension of what the
bytes are (the original may carry a person's name), so a renamed program is refused."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grassroots.core.documents import ACCEPT, MAX_BYTES, sniff, stored_name

__all__ = ["ACCEPT", "MAX_BYTES", "checked_name"]


def checked_name(upload: Any) -> str:
    """A random file name for an acceptable upload, or a ValidationError on `evidence`."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise ValidationError({"evidence": _("The file is larger than 10 MB.")})
    if size == 0:
        raise ValidationError({"evidence": _("The file is empty.")})
    found = sniff(upload)
    if found is None:
        raise ValidationError(
            {"evidence": _("Attach a PDF, Word, Excel or PowerPoint file, or a JPEG/PNG scan.")}
        )
    return stored_name(found[0])
