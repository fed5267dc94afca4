"""A document is judged by its first bytes (core.documents), whatever its name says."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grassroots.core.documents import sniff, stored_name


def office(prefix: str, *, content_types: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{prefix}document.xml", "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("会议记录.pdf", b"%PDF-1.7 ...", "pdf"),
        ("scan.txt", b"\xff\xd8\xff\xe0 jpeg", "jpg"),  # named wrongly, stored as what it is
        ("a.png", b"\x89PNG\r\n\x1a\n....", "png"),
        ("a.gif", b"GIF89a....", "gif"),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "doc"),
        ("a.docx", office("word/"), "docx"),
        ("a.xlsx", office("xl/"), "xlsx"),
        ("a.pptx", office("ppt/"), "pptx"),
        ("a.docx", office("word/", content_types=False), None),  # a plain zip
        ("a.docx", b"PK\x03\x04 broken", None),
        ("setup.pdf", b"MZ\x90\x00", None),  # a program renamed
        ("notes.txt", "会议纪要".encode(), None),
        ("empty.pdf", b"", None),
    ],
)
def test_sniff_reads_the_bytes_not_the_name(
    name: str, content: bytes, expected: str | None
) -> None:
    upload = SimpleUploadedFile(name, content)
    found = sniff(upload)
    assert (found[0] if found else None) == expected
    assert upload.tell() == 0  # rewound for whoever stores it


def test_a_stored_name_is_random_and_keeps_only_the_found_extension() -> None:
    first, second = stored_name("pdf"), stored_name("pdf")
    assert first != second and first.endswith(".pdf") and "/" not in first
