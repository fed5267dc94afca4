"""The one optional file of a meeting: judged by its content, never by its name
(`core.documents`: a PDF, an image or an office document), at most 10 MB. It is stored under a random name with the extension of what it is;
the name the user gave it is kept for display only.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from grassroots.core import clock
from grassroots.core.documents import sniff
from grassroots.orglife.models import MAX_FILE_BYTES


def clean_file(upload: Any) -> tuple[ContentFile, str, str]:
    """(file to store under a random name, its content type, the name shown); else ValidationError."""
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file may be at most 10 MB.")})
    found = sniff(upload)
    if found is None:
        raise ValidationError(
            {"file": _("The file must be a PDF, an image or an office document.")}
        )
    extension, content_type = found
    content = ContentFile(upload.read())
    upload.seek(0)
    content.name = f"{clock.today():%Y}/{uuid.uuid4().hex}.{extension}"
    shown = str(getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
    return content, content_type, shown or content.name.rsplit("/", 1)[-1]
