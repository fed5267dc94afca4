"""Portal rows for the scope walker: an article with an image and a disclosure item in the
far town (reached by no persona); a published article of the persona town."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grassroots.portal import services
from grassroots.portal.models import Collection
from grassroots.testing import Town


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 90, 200)).save(out, "PNG")
    return SimpleUploadedFile("portal.png", out.getvalue(), content_type="image/png")


def collection() -> Collection:
    found, _ = Collection.objects.get_or_create(slug="news", defaults={"name": "党建动态"})
    return found


def far_rows(root: Any, far: dict[str, Any]) -> dict[str, Any]:
    article = services.article_create(
        actor=root,
        town=far["town"],
        collection=collection(),
        title="远方镇动态",
        body="<p>远方镇动态</p>",
    )
    image = services.image_add(actor=root, article=article, upload=png(), caption="远方图片")
    item = services.disclosure_create(
        actor=root,
        branch=far["branch"],
        quarter="2026Q3",
        category="organisation",
        title="远山村党支部组织建设公开",
        body="远方公开内容",
    )
    return {"portal_article": article, "portal_image": image, "portal_disclosure": item}


def town_rows(town: Town) -> None:
    article = services.article_create(
        actor=town.root,
        town=town.town,
        collection=collection(),
        title="本镇动态",
        body="<p>本镇动态</p>",
    )
    services.article_publish(actor=town.root, article=article)
