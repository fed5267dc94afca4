"""The public portal: collections of articles, Party-affairs disclosure, the visitor counter.

Staff read and write these rows through the scoped querysets (a town's articles need
`Cap.PUBLISH` and a reach over the whole town; a branch's disclosure items need
`Cap.DISCLOSE` and a reach into the branch). The public pages read only what is
published, through `core.scoping.unscoped(..., why=Unscoped.PUBLIC)` in `public.py`.

An article is public when its status is PUBLISHED, or SCHEDULED with `publish_at` in
the past: the reading side decides (`public.live_articles`), so a scheduled article
appears on time without waiting for a job; the worker's periodic task only turns due
SCHEDULED rows into PUBLISHED for the staff list (`services.publish_due`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.images import content_type as image_content_type
from grassroots.core.images import random_name
from grassroots.core.roles import Cap
from grassroots.core.scoping import (
    NOTHING,
    Scope,
    ScopedQuerySet,
    Unscoped,
    minimal_prefixes,
    prefix_q,
    unscoped,
)
from grassroots.grid.models import Place
from grassroots.party.models import Organization


class Collection(models.Model):
    """A topic (专题) articles are filed under; shared by every town of the installation."""

    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("portal", "name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


def publishing_paths(scope: Scope) -> tuple[str, ...]:
    """The place prefixes under which a publisher writes articles.

    Their own place reach (a town administrator's town), and the town of each Party
    committee they reach: an organisation officer publishes for their committee's town
    without reaching its households.
    """
    if not scope.org_paths:
        return scope.place_paths
    committees = (
        unscoped(Organization, why=Unscoped.SYSTEM)
        .filter(prefix_q("path", scope.org_paths), kind=Organization.Kind.COMMITTEE)
        .exclude(place_path="")
        .values_list("place_path", flat=True)
    )
    return minimal_prefixes([*scope.place_paths, *committees])


def publishes_for(scope: Scope, town_path: str) -> bool:
    return scope.can(Cap.PUBLISH) and (
        scope.everything or any(town_path.startswith(p) for p in publishing_paths(scope))
    )


class ArticleQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        # A publisher who reaches the whole town (a town-level anchor) edits its articles.
        if not scope.can(Cap.PUBLISH):
            return self.filter(NOTHING)
        return self.filter(prefix_q("town_path", publishing_paths(scope)))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("article", "draft")
        SCHEDULED = "scheduled", pgettext_lazy("article", "scheduled")
        PUBLISHED = "published", pgettext_lazy("article", "published")
        UNPUBLISHED = "unpublished", pgettext_lazy("article", "withdrawn")

    collection = models.ForeignKey(
        Collection,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("collection"),
    )
    title = models.CharField(pgettext_lazy("article", "title"), max_length=120)
    source = models.CharField(pgettext_lazy("article", "source"), max_length=80, blank=True)
    author = models.CharField(pgettext_lazy("article", "author"), max_length=60, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(pgettext_lazy("article", "body"), blank=True)  # sanitised HTML
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("town")
    )
    town_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "published_at"], name="portal_article_live")]

    def __str__(self) -> str:
        return self.title


def image_name(instance: ArticleImage, filename: str) -> str:
    """A random name: nothing of the upload's name or date (core.images)."""
    return random_name("portal/images", filename)


class ArticleImageQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        if not scope.can(Cap.PUBLISH):
            return self.filter(NOTHING)
        return self.filter(prefix_q("article__town_path", publishing_paths(scope)))


class ArticleImage(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="images", verbose_name=_("article")
    )
    image = models.FileField(_("image"), upload_to=image_name)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ArticleImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("article image")
        verbose_name_plural = _("article images")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.caption or str(self.pk)

    @property
    def content_type(self) -> str:
        return image_content_type(self.image.name or "")


class DisclosureQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        if not scope.can(Cap.DISCLOSE):
            return self.filter(NOTHING)
        return self.filter(scope.orgs("org_path"))


class Disclosure(models.Model):
    """A Party-affairs disclosure item (党务公开) of one branch for one quarter."""

    class Category(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation building")
        DUES = "dues", _("Party dues")
        RECRUITMENT = "recruitment", _("Admitting new members")
        MAJOR = "major", _("Major matters")
        OTHER = "other", _("Other matters")

    branch = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="disclosures",
        verbose_name=_("branch"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("town")
    )
    quarter = models.CharField(_("quarter"), max_length=6, db_index=True)  # e.g. 2026Q3
    category = models.CharField(_("category"), max_length=16, choices=Category)
    title = models.CharField(pgettext_lazy("article", "title"), max_length=120)
    body = models.TextField(pgettext_lazy("article", "body"))  # plain text, shown escaped
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")
        indexes = [models.Index(fields=["quarter", "org_path"], name="portal_disclosure_q")]

    def __str__(self) -> str:
        return self.title


class VisitorDay(models.Model):
    """One visitor seen on one day: the unique pair makes counting once a day a single insert.

    `visitor` is a keyed hash of the random visitor cookie and the day
    (`counter.visitor_key`): it cannot be linked across days or back to a person.
    """

    day = models.DateField()
    visitor = models.CharField(max_length=64)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "visitor"],
                condition=Q(article__isnull=True),
                name="portal_visitor_once_a_day",
            ),
            models.UniqueConstraint(
                fields=["day", "visitor", "article"],
                condition=Q(article__isnull=False),
                name="portal_view_once_a_day",
            ),
        ]


class Counter(models.Model):
    """Running totals by key (`visitors`): the footer reads one row instead of counting days."""

    key = models.CharField(max_length=20, unique=True)
    value = models.BigIntegerField(default=0)
