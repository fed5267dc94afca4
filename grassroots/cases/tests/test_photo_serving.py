"""Photos are stored under unguessable names and served only to who reaches the case (issue #9)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from grassroots.cases import services
from grassroots.cases.models import CasePhoto, Category, Channel
from grassroots.testing import Town


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(out, "JPEG")
    return out.getvalue()


def _photo_case(town: Town, name: str = "IMG_20260929_home.jpg") -> CasePhoto:
    case = services.case_submit(
        actor=None,
        text="村口路面塌陷，附照片",
        category=Category.objects.get(code="roads-repair"),
        place=town.group_a1,
        channel=Channel.SELF_SERVICE,
        photos=[SimpleUploadedFile(name, _jpeg(), "image/jpeg")],
    )
    return CasePhoto.objects.get(case=case)


def test_the_stored_name_is_random_and_says_nothing_of_the_upload(town: Town, media: Any) -> None:
    first = _photo_case(town)
    second = _photo_case(town)
    for photo in (first, second):
        stem = photo.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        assert "IMG" not in photo.file.name and "home" not in photo.file.name
        assert "photo" not in stem and len(stem) >= 22
    assert first.file.name != second.file.name
    assert "/20" not in first.file.name  # no year/month directory to walk either


def test_the_handler_gets_the_image_and_outsiders_and_strangers_get_404(
    town: Town, media: Any, client_for: Any
) -> None:
    photo = _photo_case(town)
    url = reverse("cases:photo", args=[photo.case_id, photo.pk])
    html = client_for("sam").get(reverse("cases:detail", args=[photo.case_id])).content.decode()
    assert url in html and "/media/" not in html
    response = client_for("sam").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with photo.file.open("rb") as f:
        assert body == f.read()
    assert client_for("rita").get(url).status_code == 404  # another village
    assert client_for("oscar").get(url).status_code == 404
    assert Client().get(url).status_code == 404  # anonymous
    assert Client().get("/media/" + photo.file.name).status_code == 404
    # A photo id under another case's id is a 404 too.
    other = _photo_case(town)
    wrong = reverse("cases:photo", args=[photo.case_id, other.pk])
    assert client_for("sam").get(wrong).status_code == 404


def test_a_png_is_served_as_a_png(town: Town, media: Any, client_for: Any) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 0, 0, 0)).save(out, "PNG")
    case = services.case_submit(
        actor=None,
        text="村口路面塌陷，附照片",
        category=Category.objects.get(code="roads-repair"),
        place=town.group_a1,
        channel=Channel.SELF_SERVICE,
        photos=[SimpleUploadedFile("a.png", out.getvalue(), "image/png")],
    )
    photo = CasePhoto.objects.get(case=case)
    response = client_for("alice").get(reverse("cases:photo", args=[case.pk, photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
