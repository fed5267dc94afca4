"""Prepared figures: one row per grid place and per Party organisation.

Dashboards read a node's figures with one indexed lookup instead of counting
households under a path prefix on every request. Rows carry the node's `path`
and `depth`, so a level (all towns of a county) is one prefix range scan.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place
from grassroots.party.models import Organization

# Counters of PlaceFigures that rebuild() and apply_delta() maintain.
PLACE_COUNTERS = (
    "households",
    "residents",
    "representatives",
    "households_with_rep",
    "visited_30d",
    "visited_90d",
    "visits_month",
)
ORG_COUNTERS = ("members", "probationary", "branches")


class PlaceFiguresQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        # Only reached subtrees: an ancestor's totals would reveal other villages' figures.
        return self.filter(scope.places("path"))


class PlaceFigures(models.Model):
    place = models.OneToOneField(
        Place, on_delete=models.CASCADE, related_name="figures", verbose_name=_("place")
    )
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=12)
    households = models.IntegerField(pgettext_lazy("count", "households"), default=0)
    residents = models.IntegerField(pgettext_lazy("count", "residents"), default=0)
    representatives = models.IntegerField(pgettext_lazy("count", "representatives"), default=0)
    households_with_rep = models.IntegerField(_("households with a representative"), default=0)
    visited_30d = models.IntegerField(_("households visited in the last 30 days"), default=0)
    visited_90d = models.IntegerField(_("households visited in the last 90 days"), default=0)
    visits_month = models.IntegerField(_("visits this month"), default=0)
    updated_at = models.DateTimeField(_("updated"))

    objects = PlaceFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("place figures")
        verbose_name_plural = _("place figures")
        indexes = [models.Index(fields=["depth", "path"])]

    def __str__(self) -> str:
        return f"{self.path}: {self.households}"


class OrgFiguresQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("path"))


class OrgFigures(models.Model):
    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("Party organisation"),
    )
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField()
    members = models.IntegerField(_("members"), default=0)
    probationary = models.IntegerField(_("probationary members"), default=0)
    branches = models.IntegerField(pgettext_lazy("count", "branches"), default=0)
    updated_at = models.DateTimeField(_("updated"))

    objects = OrgFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation figures")
        verbose_name_plural = _("organisation figures")
        indexes = [models.Index(fields=["depth", "path"])]

    def __str__(self) -> str:
        return f"{self.path}: {self.members}"
