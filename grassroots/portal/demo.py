"""The demo portal (issue #13): three collections, seven articles with drawn pictures, and
two disclosure items for every branch of the demo town for the last quarter before `now`.

Everything goes through `portal.services` (the body through the sanitiser, the pictures
through `core.images`); the rows carry `is_demo`, so the demo reset removes them. Nothing
is made twice: a town that already has demo articles is left alone. The pictures are
simple illustrative graphics drawn with Pillow (a colour field, shapes, a figure), never
photographs of people.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.party.models import Member, Organization
from grassroots.portal import services
from grassroots.portal.demo_articles import ARTICLES, COLLECTIONS, DISCLOSURES
from grassroots.portal.models import Article, Collection
from grassroots.portal.quarters import previous_quarter
from grassroots.portal.sanitise import image_url

FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def _font(size: int) -> Any:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def picture(figure: str, colour: tuple[int, int, int], rng: random.Random) -> SimpleUploadedFile:
    """A 960×540 graphic: a colour field, a few translucent circles and a large figure."""
    image = Image.new("RGB", (960, 540), colour)
    draw = ImageDraw.Draw(image, "RGBA")
    for _ in range(6):
        x, y, r = rng.randint(0, 960), rng.randint(0, 540), rng.randint(60, 220)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(20, 60)))
    draw.rectangle((0, 470, 960, 540), fill=(0, 0, 0, 60))
    font = _font(150)
    box = draw.textbbox((0, 0), figure, font=font)
    width, height = box[2] - box[0], box[3] - box[1]
    draw.text(((960 - width) / 2, (470 - height) / 2 - box[1]), figure, fill="white", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("demo.png", out.getvalue(), content_type="image/png")


def _collections() -> dict[str, Collection]:
    made = {}
    for slug, name, order in COLLECTIONS:
        found, _ = Collection.objects.get_or_create(
            slug=slug, defaults={"name": name, "order": order, "is_demo": True}
        )
        made[slug] = found
    return made


def _article(
    actor: Any, town: Place, spec: dict, topic: Collection, now: dt.datetime, rng: random.Random
) -> Article:
    article = services.article_create(
        actor=actor,
        town=town,
        collection=topic,
        title=spec["title"],
        source=spec["source"],
        author=spec["author"],
        summary=spec["summary"],
        is_demo=True,
    )
    images = [
        services.image_add(
            actor=actor, article=article, upload=picture(fig, colour, rng), caption=caption
        )
        for fig, caption, colour in spec["pictures"]
    ]
    paragraphs = [f"<p>{text}</p>" for text in spec["paragraphs"]]
    if images:  # the first picture inside the text, after the first paragraph
        first = images[0]
        paragraphs.insert(
            1,
            f'<figure><img src="{image_url(first.pk)}" alt="{first.caption}">'
            f"<figcaption>{first.caption}</figcaption></figure>",
        )
    services.article_update(actor=actor, article=article, body="".join(paragraphs))
    at = now - dt.timedelta(days=spec["days_ago"], hours=rng.randint(0, 8))
    return services.article_publish(actor=actor, article=article, at=at)


def _disclosures(actor: Any, town: Place, now: dt.datetime) -> int:
    quarter = previous_quarter(now.date())
    branches = unscoped(Organization, why=Unscoped.SYSTEM).filter(
        town=town, kind=Organization.Kind.BRANCH
    )
    members = unscoped(Member, why=Unscoped.SYSTEM)
    made = 0
    for branch in branches.order_by("path"):
        count = members.filter(organization=branch).count()
        for category, title, body in DISCLOSURES:
            services.disclosure_create(
                actor=actor,
                branch=branch,
                quarter=quarter,
                category=category,
                title=title.format(quarter=quarter),
                body=body.format(members=count),
                publish=True,
                is_demo=True,
            )
            made += 1
    return made


def load_demo_portal(*, actor: Any, town: Place, now: dt.datetime, seed: int) -> dict[str, int]:
    """The demo portal of `town`; counts of what was made (nothing the second time)."""
    if unscoped(Article, why=Unscoped.SYSTEM).filter(town=town, is_demo=True).exists():
        return {"articles": 0, "disclosures": 0}
    rng = random.Random(seed * 7919 + 13)
    topics = _collections()
    for spec in ARTICLES:
        _article(actor, town, spec, topics[spec["collection"]], now, rng)
    return {"articles": len(ARTICLES), "disclosures": _disclosures(actor, town, now)}
