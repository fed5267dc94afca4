"""Reads of the portal: the public side (published rows only, no user) and the staff lists.

Public reads say so with `unscoped(..., why=Unscoped.PUBLIC)` and filter to what is
published; nothing personal is in these tables (a disclosure item is text a branch
chose to publish). Staff reads start from `visible_to(user)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from grassroots.core import clock
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.inspections import selectors as inspections
from grassroots.party.models import Organization
from grassroots.portal.counter import VISITORS
from grassroots.portal.models import Article, ArticleImage, Collection, Counter, Disclosure

LATEST = 5


def live_q(now: dt.datetime) -> Q:
    """Published, or scheduled and due (the reading side publishes on time, no job needed)."""
    return Q(status=Article.Status.PUBLISHED) | Q(
        status=Article.Status.SCHEDULED, publish_at__lte=now
    )


def live_articles(now: dt.datetime | None = None) -> QuerySet:
    return (
        unscoped(Article, why=Unscoped.PUBLIC)
        .filter(live_q(now or clock.now()))
        .select_related("collection")
        .order_by("-published_at", "-pk")
    )


def collections() -> list[Collection]:
    return list(Collection.objects.order_by("order", "pk"))


def collection_by_slug(slug: str) -> Collection | None:
    return Collection.objects.filter(slug=slug).first()


def home_sections(limit: int = LATEST) -> list[dict[str, Any]]:
    """Each collection with its latest live articles (one query per collection, few rows)."""
    live = live_articles()
    sections = []
    for collection in collections():
        rows = list(live.filter(collection=collection)[:limit])
        sections.append({"collection": collection, "articles": rows})
    return sections


def public_article(pk: int) -> Article | None:
    return live_articles().filter(pk=pk).first()


def public_images(article: Article) -> list[ArticleImage]:
    return list(unscoped(ArticleImage, why=Unscoped.PUBLIC).filter(article=article))


def public_image(pk: int) -> ArticleImage | None:
    """An image, only while its article is live (a draft's pictures stay private)."""
    return (
        unscoped(ArticleImage, why=Unscoped.PUBLIC)
        .filter(pk=pk, article__in=live_articles().values("pk"))
        .first()
    )


def portal_town() -> Place | None:
    """The town the portal speaks for: the first town of the installation."""
    return (
        unscoped(Place, why=Unscoped.PUBLIC)
        .filter(kind__in=(Place.Kind.TOWN, Place.Kind.SUBDISTRICT))
        .order_by("path")
        .first()
    )


def visitor_total() -> int:
    return Counter.objects.filter(key=VISITORS).values_list("value", flat=True).first() or 0


# --- disclosure -----------------------------------------------------------------------


def published_disclosures() -> QuerySet:
    return (
        unscoped(Disclosure, why=Unscoped.PUBLIC)
        .filter(published_at__isnull=False)
        .select_related("branch")
    )


def disclosure_quarters() -> list[str]:
    return sorted(
        set(published_disclosures().values_list("quarter", flat=True).distinct()), reverse=True
    )


def disclosure_branches() -> list[Organization]:
    ids = published_disclosures().values("branch_id")
    return list(unscoped(Organization, why=Unscoped.PUBLIC).filter(pk__in=ids).order_by("path"))


def disclosures_for(branch_id: int | None, quarter: str | None) -> QuerySet:
    rows = published_disclosures()
    if branch_id:
        rows = rows.filter(branch_id=branch_id)
    if quarter:
        rows = rows.filter(quarter=quarter)
    return rows.order_by("-quarter", "org_path", "category", "pk")


# --- the model-branch notice period (inspections' public 公示) -------------------------


def notices_now() -> list[Any]:
    return list(inspections.in_notice(clock.today()))


# --- staff ----------------------------------------------------------------------------


def staff_articles(user: Any) -> QuerySet:
    return (
        Article.objects.visible_to(user)
        .select_related("collection", "town")
        .order_by("-updated_at", "-pk")
    )


def staff_disclosures(user: Any) -> QuerySet:
    return (
        Disclosure.objects.visible_to(user)
        .select_related("branch")
        .order_by("-quarter", "org_path", "-pk")
    )
