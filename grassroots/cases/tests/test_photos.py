"""Photos are proven to be images and stored without their metadata (no EXIF GPS)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from grassroots.cases.models import Case, CasePhoto
from grassroots.testing import Town

GPS_IFD = 0x8825


def jpeg_with_gps(size: tuple[int, int] = (800, 600)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: turned 90° clockwise
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (28.0, 11.0, 30.0), 3: "E", 4: (113.0, 5.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def report(client: Client, town: Town, *photos: SimpleUploadedFile) -> Any:
    client.get("/cases/report/")
    answer = client.session["case_challenge"]
    return client.post(
        "/cases/report/",
        {
            "place": town.group_a1.pk,
            "text": "村口路面塌陷，附照片",
            "answer": answer,
            "photos": list(photos),
        },
    )


def test_a_phone_photo_is_stored_upright_small_and_without_its_gps(
    town: Town, client: Client, media: Any
) -> None:
    raw = jpeg_with_gps(size=(4000, 3000))
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(GPS_IFD)  # the upload has GPS
    response = report(client, town, SimpleUploadedFile("IMG_0001.jpg", raw, "image/jpeg"))
    assert response.status_code == 302, response.content.decode()[:500]
    [photo] = CasePhoto.objects.all()
    stored = Image.open(photo.file.path)
    assert stored.format == "JPEG"
    assert not stored.getexif() and not stored.getexif().get_ifd(GPS_IFD)
    assert "exif" not in stored.info and "icc_profile" not in stored.info
    # Turned by its orientation tag (4000×3000 lying → standing), then shrunk to 2048.
    assert stored.size == (1536, 2048)
    with open(photo.file.path, "rb") as f:
        assert b"PhoneMaker" not in f.read()


def test_a_file_that_only_starts_like_a_jpeg_is_refused_and_nothing_is_filed(
    town: Town, client: Client, media: Any
) -> None:
    fake = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0" + b"not really an image" * 50)
    response = report(client, town, fake)
    assert response.status_code == 200
    assert "照片须为JPEG、PNG、WebP或GIF格式" in response.content.decode()
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_a_transparent_png_stays_a_png_and_at_most_three_are_taken(
    town: Town, client: Client, media: Any
) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(out, "PNG")
    png = out.getvalue()
    response = report(client, town, SimpleUploadedFile("a.png", png, "image/png"))
    assert response.status_code == 302
    assert Image.open(CasePhoto.objects.get().file.path).format == "PNG"
    four = [SimpleUploadedFile(f"{n}.png", png, "image/png") for n in range(4)]
    too_many = report(Client(), town, *four)
    assert too_many.status_code == 200 and Case.objects.count() == 1
