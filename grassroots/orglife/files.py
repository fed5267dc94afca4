"""The one optional file of a meeting: judged by its content, never by its name.

A file is accepted when its first bytes say it is a PDF, a JPEG/PNG/GIF/WebP image or an
office document (Word, Excel, PowerPoint: OOXML zips, WPS/Office 97 compound files) and
it is at most 10 MB. It is stored under a random name with the extension of what it is;
the name the user gave it is kept for display only.
"""

from __future__ import annotations

import uuid
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from grassroots.core import clock
from grassroots.orglife.models import MAX_FILE_BYTES

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


def sniff(head: bytes, upload: Any) -> tuple[str, str] | None:
    """(extension, content type) of what the bytes are, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg", "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif", "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", "image/webp"
    if head.startswith(OLE):
        return "doc", "application/msword"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(upload)
    return None


def _ooxml(upload: Any) -> tuple[str, str] | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, found in OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return found
    return None


def clean_file(upload: Any) -> tuple[ContentFile, str, str]:
    """(file to store under a random name, its content type, the name shown); else ValidationError."""
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError({"file": _("The file may be at most 10 MB.")})
    try:
        upload.seek(0)
        head = upload.read(16)
        found = sniff(head, upload)
    finally:
        upload.seek(0)
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
