"""Unannounced inspections (不定期实地督查考核) and the model-branch campaign (示范创优).

Design:

- An `IndicatorSet` is a versioned list of weighted `Indicator`s owned by the town committee
  (purpose: inspection or campaign criteria). It is activated only when its weights sum to
  exactly 100; an active (or retired) set is never edited: revising it makes a new draft
  version that copies the indicators and points back to it (`previous`). Activating a version
  retires the one it revises. Inspections and campaigns keep the version they used.
- An `InspectionPlan` draws a random sample of the town's branches: the seed is stored, and
  the draw is `random.Random(seed).sample(sorted branch ids, size)`, so anyone can repeat
  it from the record. The drawn branches are kept in draw order (`PlanSample.position`).
- An `Inspection` of one branch holds one `Finding` per indicator of its set: a score
  0..weight (one decimal), a finding text (required below the weight) and a flag asking for
  rectification; a flagged finding becomes one `rectify` item (once). The branch secretary
  acknowledges a submitted inspection, with an optional note and the time.
- A `Campaign` takes `Application`s from branches (self-score per indicator), which are
  reviewed (review score per indicator), published for a public notice period (公示) of N
  working days, then awarded a star rating or not (an objection may be recorded during the
  notice). `StarRating` is a history per branch: the latest row is the current rating, a
  downgrade is a new row with its reason.

Every row a user sees carries `org_path` (copied from the organisation), `town` and
`is_demo`; the querysets state their rule once, in `scope_filter`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.rectify.models import Item as RectificationItem


def _above(scope: Scope) -> set[str]:
    """Paths of the organisations above what the scope reaches (its committee, general branch)."""
    step = Organization.steplen
    return {path[:i] for path in scope.org_paths for i in range(step, len(path), step)}


class TownCriteriaQuerySet(ScopedQuerySet):
    """Rows owned by a committee: seen by whoever reaches the committee or a branch under it."""

    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path") | Q(org_path__in=_above(scope)))


class IndicatorSet(models.Model):
    class Purpose(models.TextChoices):
        INSPECTION = "inspection", _("inspection")
        CAMPAIGN = "campaign", _("campaign criteria")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", pgettext_lazy("indicator set", "active")
        RETIRED = "retired", _("retired")

    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.DRAFT)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("previous version"),
    )
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = TownCriteriaQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator set")
        verbose_name_plural = _("indicator sets")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def total_weight(self) -> int:
        return sum(i.weight for i in self.indicators.all())


class Indicator(models.Model):
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("indicator"), max_length=120)
    guidance = models.TextField(_("what to check"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["indicator_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "position"], name="inspections_indicator_position"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="inspections_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class CommitteeQuerySet(ScopedQuerySet):
    """Rows owned by a committee, seen only by those who reach the committee itself."""

    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path"))


class InspectionPlan(models.Model):
    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="plans", verbose_name=_("indicators")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    sample_size = models.PositiveSmallIntegerField(_("sample size"), null=True, blank=True)
    seed = models.BigIntegerField(_("seed"), null=True, blank=True)
    sample = models.ManyToManyField(
        Organization, through="PlanSample", related_name="+", verbose_name=_("sample")
    )
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def drawn(self) -> list[Organization]:
        """The sampled branches in draw order."""
        return [s.organization for s in self.samples.select_related("organization")]


class PlanSample(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="samples")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "organization"], name="inspections_sample_once")
        ]


class BranchRowQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path"))


class InspectionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        rows = self.filter(scope.orgs("org_path"))
        # A draft is the inspectors' working copy: the branch sees it once submitted.
        if not scope.can(Cap.INSPECT):
            rows = rows.exclude(status=Inspection.Status.DRAFT)
        return rows


class Inspection(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", pgettext_lazy("inspection", "submitted")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")

    plan = models.ForeignKey(
        InspectionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("plan"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    indicator_set = models.ForeignKey(
        IndicatorSet,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("indicators"),
    )
    inspected_on = models.DateField(_("inspected on"), db_index=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("inspectors")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    total = models.DecimalField(_("total score"), max_digits=4, decimal_places=1, default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledgement_note = models.TextField(_("secretary's note"), blank=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]
        indexes = [models.Index(fields=["organization", "inspected_on"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.inspected_on}"

    @property
    def reference(self) -> str:
        """DC-year-number (pinyin initials of "inspection"), quoted by its rectification items."""
        return f"DC-{self.inspected_on:%Y}-{self.pk:05d}"


class FindingQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        rows = self.filter(scope.orgs("inspection__org_path"))
        if not scope.can(Cap.INSPECT):
            rows = rows.exclude(inspection__status=Inspection.Status.DRAFT)
        return rows


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True, blank=True)
    text = models.TextField(_("finding"), blank=True)
    needs_rectification = models.BooleanField(_("needs rectification"), default=False)
    rectification = models.ForeignKey(
        RectificationItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rectification item"),
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "indicator"], name="inspections_finding_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"

    @property
    def lost(self) -> Decimal:
        return Decimal(self.indicator.weight) - (self.score or Decimal(0))


class Campaign(models.Model):
    """A model-branch campaign (示范创优): branches apply against an indicator set of criteria."""

    class Status(models.TextChoices):
        OPEN = "open", _("open for applications")
        CLOSED = "closed", _("closed")

    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    criteria = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("criteria")
    )
    applies_from = models.DateField(_("applications from"))
    applies_until = models.DateField(_("applications until"))
    notice_days = models.PositiveSmallIntegerField(_("notice period (working days)"), default=5)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = TownCriteriaQuerySet.as_manager()

    class Meta:
        verbose_name = _("model-branch campaign")
        verbose_name_plural = _("model-branch campaigns")
        ordering = ["-applies_from", "-pk"]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        REVIEWED = "reviewed", _("reviewed")
        IN_NOTICE = "in_notice", _("in public notice")
        OBJECTED = "objected", _("objection raised")
        AWARDED = "awarded", _("awarded")
        NOT_AWARDED = "not_awarded", _("not awarded")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="applications", verbose_name=_("campaign")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("statement"), blank=True)
    self_total = models.DecimalField(_("self score"), max_digits=4, decimal_places=1, default=0)
    review_total = models.DecimalField(
        _("review score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.APPLIED)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("reviewers")
    )
    review_note = models.TextField(_("review note"), blank=True)
    notice_starts_on = models.DateField(_("notice from"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice until"), null=True, blank=True)
    objection = models.TextField(_("objection"), blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = BranchRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["campaign", "-self_total", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization"], name="inspections_one_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.campaign}"


class ApplicationScore(models.Model):
    """One criterion of an application: the branch's self-score and the reviewers' score."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(max_digits=4, decimal_places=1)
    review_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["application", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "indicator"], name="inspections_score_once"
            )
        ]


class StarRating(models.Model):
    """One step of a branch's star-rating history; the latest row is its current rating."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("stars"))
    awarded_on = models.DateField(_("awarded on"))
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name=_("campaign"),
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("recorded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = BranchRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("star rating")
        verbose_name_plural = _("star ratings")
        ordering = ["organization", "-awarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="inspections_stars_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.stars}★"
