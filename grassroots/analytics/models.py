"""Prepared figures: one row per grid place and per Party organisation.

Dashboards read a node's figures with one indexed lookup instead of counting
households under a path prefix on every request. Rows carry the node's `path`
and `depth`, so a level (all towns of a county) is one prefix range scan.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place
from grassroots.party.models import Organization

# Counters of PlaceFigures that rebuild() and apply_delta() maintain. Every counter's
# definition is one aggregate in analytics/sources.py (shared with the direct counts).
GRID_COUNTERS = (
    "households",
    "residents",
    "representatives",
    "households_with_rep",
    "visited_30d",
    "visited_90d",
    "visits_month",
)
# Residents' cases of a grid node (issue #13). The rate parts follow cases/measures.py exactly,
# over the cohort of cases submitted this calendar year (local time): a rate is part ÷ base.
CASE_COUNTERS = (
    "cases_open",  # not closed, rejected or withdrawn
    "cases_overdue",  # on the clock and past resolve_due_at
    "cases_year",  # submitted this year
    "cases_closed_year",  # closed this year (by call-back or withdrawal)
    "response_base",
    "responded_on_time",  # 响应率 = responded_on_time / response_base
    "resolution_base",
    "resolved",  # 解决率 = resolved / resolution_base
    "callbacks",
    "satisfied_callbacks",  # 满意率 = satisfied_callbacks / callbacks
    "on_time_base",
    "on_time",  # 按期办结率 = on_time / on_time_base
)
PLACE_COUNTERS = GRID_COUNTERS + CASE_COUNTERS

PARTY_COUNTERS = ("members", "probationary", "branches")
# The Party-building loop of an organisation node (issue #13), summed over its branches.
LOOP_COUNTERS = (
    "duty_total_month",  # duty assignments (any cadence) whose due date is in this month
    "duty_done_month",  # of which done
    "duty_overdue",  # not done and due before today, any period
    "score_quarter_tenths",  # sum of the scores of cadence's last review before this quarter
    "scored_quarter",  # branches with a score in that review: average = tenths / 10 / scored
    "inspections_quarter",  # inspections submitted or acknowledged, inspected this quarter
    "inspection_tenths_quarter",  # sum of their total scores, in tenths
    "rectify_open",  # rectification items not closed
    "rectify_overdue",  # of which past their deadline (red, as rectify.sweeps colours them)
    "training_attendances_year",  # attendances (on site, online, make-up) this year
    "training_hours_tenths_year",  # study hours credited this year, in tenths of an hour
    "training_members_met_year",  # enrolled members at their town's hours (trainings.measures)
    "sites_planned",  # site projects in survey, siting or design
    "sites_build",
    "sites_acceptance",
    "sites_in_use",
    "sites_demonstration",  # demonstration (示范) site projects
)
ORG_COUNTERS = PARTY_COUNTERS + LOOP_COUNTERS
# What a month adds up to, for trends and the monthly report (MonthFigures rows).
MONTH_COUNTERS = (
    "visits",
    "cases_submitted",
    "cases_closed",
    "response_base",
    "responded_on_time",
    "resolution_base",
    "resolved",
    "callbacks",
    "satisfied_callbacks",
    "on_time_base",
    "on_time",
    "duty_total",
    "duty_done",
    "training_attendances",
    "training_hours_tenths",
)


def _counter(name: str) -> models.IntegerField:
    # Not shown by name anywhere (the dashboards label figures from core.glossary), hence no gettext.
    return models.IntegerField(name.replace("_", " "), default=0)


class PlaceFiguresQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        # Only reached subtrees: an ancestor's totals would reveal other villages' figures.
        return self.filter(scope.places("path"))


class RateParts(models.Model):
    """The eight parts of the four case rates (cases.measures.RATE_PARTS): a node's year or a month."""

    response_base = _counter("response_base")
    responded_on_time = _counter("responded_on_time")
    resolution_base = _counter("resolution_base")
    resolved = _counter("resolved")
    callbacks = _counter("callbacks")
    satisfied_callbacks = _counter("satisfied_callbacks")
    on_time_base = _counter("on_time_base")
    on_time = _counter("on_time")

    class Meta:
        abstract = True


class PlaceFigures(RateParts):
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
    cases_open = _counter("cases_open")
    cases_overdue = _counter("cases_overdue")
    cases_year = _counter("cases_year")
    cases_closed_year = _counter("cases_closed_year")
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
    duty_total_month = _counter("duty_total_month")
    duty_done_month = _counter("duty_done_month")
    duty_overdue = _counter("duty_overdue")
    score_quarter_tenths = _counter("score_quarter_tenths")
    scored_quarter = _counter("scored_quarter")
    inspections_quarter = _counter("inspections_quarter")
    inspection_tenths_quarter = _counter("inspection_tenths_quarter")
    rectify_open = _counter("rectify_open")
    rectify_overdue = _counter("rectify_overdue")
    training_attendances_year = _counter("training_attendances_year")
    training_hours_tenths_year = _counter("training_hours_tenths_year")
    training_members_met_year = _counter("training_members_met_year")
    sites_planned = _counter("sites_planned")
    sites_build = _counter("sites_build")
    sites_acceptance = _counter("sites_acceptance")
    sites_in_use = _counter("sites_in_use")
    sites_demonstration = _counter("sites_demonstration")
    updated_at = models.DateTimeField(_("updated"))

    objects = OrgFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation figures")
        verbose_name_plural = _("organisation figures")
        indexes = [models.Index(fields=["depth", "path"])]

    def __str__(self) -> str:
        return f"{self.path}: {self.members}"


class MonthFiguresQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(
            (Q(node=MonthFigures.Node.PLACE) & scope.places("path"))
            | (Q(node=MonthFigures.Node.ORG) & scope.orgs("path"))
        )


class MonthFigures(RateParts):
    """What one node's month added up to: the trends and the monthly report read these rows.

    One row per (node kind, path, month); a place row counts visits and cases, an
    organisation row duties and trainings (the other counters stay 0). Rolled up like
    PlaceFigures: a row's counters include every descendant's.
    """

    class Node(models.TextChoices):
        PLACE = "place", _("place")
        ORG = "org", _("Party organisation")

    node = models.CharField(max_length=5, choices=Node)
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    month = models.DateField(_("month"))  # the first day of the month
    visits = _counter("visits")
    cases_submitted = _counter("cases_submitted")
    cases_closed = _counter("cases_closed")
    duty_total = _counter("duty_total")
    duty_done = _counter("duty_done")
    training_attendances = _counter("training_attendances")
    training_hours_tenths = _counter("training_hours_tenths")
    updated_at = models.DateTimeField(_("updated"))

    objects = MonthFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("month figures")
        verbose_name_plural = _("month figures")
        constraints = [
            models.UniqueConstraint(fields=["node", "path", "month"], name="month_figures_once")
        ]
        indexes = [models.Index(fields=["node", "depth", "month", "path"], name="month_fig_level")]

    def __str__(self) -> str:
        return f"{self.node} {self.path} {self.month:%Y-%m}"


class StaleSubtree(models.Model):
    """A node whose subtree changed since the figures were last recomputed.

    Written after the change's commit (`Event.FIGURES_STALE`), consumed by the worker's
    `refresh_stale` task: many changes in one town leave one row per node and one recompute
    per town. Not scoped: only the worker reads it, and it holds no figures.
    """

    node = models.CharField(max_length=5, choices=MonthFigures.Node)
    path = models.CharField(max_length=255)
    marked_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("figures to recompute")
        verbose_name_plural = _("figures to recompute")
        constraints = [models.UniqueConstraint(fields=["node", "path"], name="stale_subtree_once")]

    def __str__(self) -> str:
        return f"{self.node} {self.path}"
