"""The one optional file of a duty: at most 10 MB, a document or a scan, checked by content.

The name is replaced by a random one (the original may carry a person's name);
the extension must agree with the first bytes, so a renamed program is refused.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension → accepted first bytes
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".pptx": (ZIP,),
    ".doc": (OLE,),
    ".xls": (OLE,),
    ".ppt": (OLE,),
}
ACCEPT = ",".join(sorted(SIGNATURES))


def checked_name(upload: Any) -> str:
    """A random file name for an acceptable upload, or a ValidationError on `evidence`."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise ValidationError({"evidence": _("The file is larger than 10 MB.")})
    if size == 0:
        raise ValidationError({"evidence": _("The file is empty.")})
    ext = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    signatures = SIGNATURES.get(ext)
    if signatures is None:
        raise ValidationError(
            {"evidence": _("Attach a PDF, Word, Excel or PowerPoint file, or a JPEG/PNG scan.")}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            {"evidence": _("The file's content does not match its type (%(ext)s).") % {"ext": ext}}
        )
    return f"{secrets.token_hex(12)}{ext}"
