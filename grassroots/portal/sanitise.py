"""The one sanitiser of article bodies: an allow-list (nh3, the Rust `ammonia` crate), never regex.

Editors paste HTML from word processors and web pages. What survives is the
structure a portal article needs (paragraphs, headings, lists, emphasis, links,
tables, quotes, figures) and images only when they are this article's own uploads
(`/portal/images/<id>/` of an image of the article): no outside image can track
readers, and the CSP (`img-src 'self'`) would refuse it anyway. Everything else —
scripts, event handlers, styles, classes, `javascript:` and `data:` URLs — is
dropped; links get `rel="noopener noreferrer nofollow"`.
"""

from __future__ import annotations

from collections.abc import Iterable

import nh3
from django.urls import reverse

TAGS = frozenset(
    {
        "p", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "a", "img", "figure",
        "figcaption", "table", "thead", "tbody", "tr", "th", "td", "caption", "blockquote", "br",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "th": {"scope"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Content removed with its tag, not kept as text.
DROP_WITH_CONTENT = frozenset({"script", "style", "noscript", "template", "iframe", "object"})


def image_url(pk: int) -> str:
    """The public address of an article image (`portal:image`), as the body refers to it."""
    return reverse("portal:image", args=[pk])


def clean_body(html: str, *, image_ids: Iterable[int] = ()) -> str:
    """`html` reduced to the allow-list; images only from `image_ids` (the article's own)."""
    allowed_src = {image_url(pk) for pk in image_ids}

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            return value if value in allowed_src else None
        return value

    cleaned = nh3.clean(
        html or "",
        tags=set(TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        attribute_filter=keep,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return cleaned.strip()
