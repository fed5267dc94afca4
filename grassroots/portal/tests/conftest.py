from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grassroots.portal import services
from grassroots.portal.models import Article, Collection
from grassroots.testing import Town


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(out, "PNG")
    return SimpleUploadedFile("picture.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def topic(db: None) -> Collection:
    return Collection.objects.create(slug="library", name="专题资料库", order=1)


@pytest.fixture
def published(town: Town, topic: Collection) -> Article:
    article = services.article_create(
        actor=town.alice,
        town=town.town,
        collection=topic,
        title="村民代表走访记",
        source="测试镇党委",
        body="<p>走访入户，倾听民声。</p>",
    )
    return services.article_publish(actor=town.alice, article=article)
