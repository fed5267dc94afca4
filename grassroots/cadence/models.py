"""The work cadence: runs of the periodic jobs and what they publish.

A `CadenceRun` is one job (the weekly digest, the monthly arrangement, the quarterly
review, the instructors' summary and lapse check) for one town and one period; it is
unique per (job, town, period), so a job runs exactly once per period whatever the
number of ticks or workers. A run is claimed with a short lease (`lease_until`): a
worker killed mid-run leaves the run unfinished and its lease expires, so the next
tick resumes it. What a run sends carries a notice key per recipient, so resuming it
sends nothing twice (notify's unique (recipient, key)).

What the runs publish, scoped like the branches they describe:

- `Arrangement`: a branch's monthly arrangement (月安排): the month's assignments are
  read live from `duties.Assignment`, the row says it was published and when.
- `QuarterScore`: a branch's quarterly review (季推进): completion, timeliness,
  inspection, score, rank within the town and band; written once, in one transaction,
  by the quarter's run (see `cadence.services.review` for the formula).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place
from grassroots.party.models import Organization


class Job(models.TextChoices):
    WEEKLY_DIGEST = "weekly_digest", _("weekly digest")
    MONTHLY_ARRANGEMENT = "monthly_arrangement", _("monthly arrangement")
    QUARTERLY_REVIEW = "quarterly_review", _("quarterly review")
    INSTRUCTOR_SUMMARY = "instructor_summary", _("instructors' monthly summary")
    INSTRUCTOR_LAPSE = "instructor_lapse", _("instructors' visit check")


class Band(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class CadenceRun(models.Model):
    """One job for one town and one period (the worker's bookkeeping, never shown raw)."""

    job = models.CharField(_("job"), max_length=24, choices=Job)
    town = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    # "2026-W48", "2026-11", "2026-Q3", "2026-11-29" (see cadence.schedule)
    period = models.CharField(_("period"), max_length=12)
    due_on = models.DateField(_("due"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # A worker holds the run until then; an expired lease lets the next tick resume it.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("cadence run")
        verbose_name_plural = _("cadence runs")
        ordering = ["-due_on", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "town", "period"], name="one_run_per_period")
        ]
        indexes = [
            models.Index(
                fields=["town"], condition=Q(finished_at__isnull=True), name="cadence_run_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class BranchRowQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path"))


class Arrangement(models.Model):
    """A branch's published arrangement for one month (月安排)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    month = models.CharField(_("month"), max_length=7)  # "2026-11"
    month_start = models.DateField(_("month"))
    items = models.PositiveIntegerField(_("items"), default=0)
    published_at = models.DateTimeField(_("published at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = BranchRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly arrangement")
        verbose_name_plural = _("monthly arrangements")
        ordering = ["-month_start", "org_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month"], name="one_arrangement_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.month}"


class QuarterScore(models.Model):
    """One branch's quarterly review: its figures, score, rank in the town and band."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("quarter"), max_length=7)  # "2026-Q3"
    branch_name = models.CharField(_("branch"), max_length=120)
    assignments = models.PositiveIntegerField(_("assignments"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    done_on_time = models.PositiveIntegerField(_("done on time"), default=0)
    weight_total = models.PositiveIntegerField(_("weight"), default=0)
    weight_done = models.PositiveIntegerField(_("weight done"), default=0)
    # Shares on 0–1, four decimals; inspection is None without an inspection.
    completion = models.DecimalField(_("completion"), max_digits=5, decimal_places=4)
    timeliness = models.DecimalField(_("timeliness"), max_digits=5, decimal_places=4)
    inspection = models.DecimalField(
        _("inspection"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    rank = models.PositiveIntegerField(_("rank"))
    band = models.CharField(_("band"), max_length=1, choices=Band)
    computed_at = models.DateTimeField(_("computed at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = BranchRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarterly score")
        verbose_name_plural = _("quarterly scores")
        ordering = ["town", "period", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period"], name="one_score_per_branch_quarter"
            )
        ]
        indexes = [models.Index(fields=["period", "town", "rank"], name="cadence_score_rank")]

    def __str__(self) -> str:
        return f"{self.branch_name} {self.period} {self.score}"
