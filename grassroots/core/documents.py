"""The one kind of file people attach to a record (a meeting's minutes, a duty's evidence, a
rectification's proof): judged by its first bytes, never by its name.

A document is a PDF, a JPEG/PNG/GIF/WebP image or an office document (Word, Excel,
PowerPoint as OOXML zips; WPS/Office 97 compound files), at most `MAX_BYTES`. `sniff` says
what the bytes are; `stored_name` gives it a random name with the extension of what it is
(the name a user gave may carry a person's name, and a renamed program is refused). Each
app words its own refusal, keyed by its own field.
"""

from __future__ import annotations

import secrets
import zipfile
from typing import Any

MAX_BYTES = 10 * 1024 * 1024
# What a file input offers first (the check itself reads the content).
ACCEPT = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


def sniff(upload: Any) -> tuple[str, str] | None:
    """(extension, content type) of what the file's bytes are, or None; the file is rewound."""
    try:
        upload.seek(0)
        head = upload.read(16)
        return _kind(head, upload)
    finally:
        upload.seek(0)


def _kind(head: bytes, upload: Any) -> tuple[str, str] | None:
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


def stored_name(extension: str) -> str:
    """A random file name with the extension `sniff` found."""
    return f"{secrets.token_hex(12)}.{extension}"
