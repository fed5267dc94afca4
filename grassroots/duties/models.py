"""Duty plans, their versioned items, and each branch's per-period assignments.

A `Plan` (e.g. the 2023 branch quality-year plan) belongs to a Party committee. Its
`Item`s are stable identities; what an item says (title, cadence, due rule, weight, …)
lives in an immutable `ItemVersion`: changing an item writes a new version, and the
assignments already generated keep pointing at the version they were made from, so a
change never rewrites a past period.

For every period of an item's cadence the worker generates one `Assignment` per target
branch (unique per item, branch and period: generating twice adds nothing). An
assignment carries copies of what the board groups and sorts by (cadence, category,
weight, due date) and the branch's path, so that lists and figures never join back to
the plan. `BranchFigure` is the prepared figure per branch and period that the
officer's board reads (kept in the same transaction as every status change).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place
from grassroots.party.models import Organization, down_and_up


class Category(models.TextChoices):
    ORG_LIFE = "org_life", _("organisational life")
    SITE = "site", _("site construction")
    TRAINING = "training", _("training")
    MODEL_BRANCH = "model_branch", _("model branch")
    PARTY_PLUS = "party_plus", _('"Party-building+"')
    RECTIFICATION = "rectification", _("rectification")
    OTHER = "other", _("other")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("weekly")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    ONCE = "once", _("once")


class TargetRule(models.TextChoices):
    LISTED = "listed", _("the branches listed")
    ALL = "all", _("all branches")
    VILLAGE = "village", _("all village (community) branches")
    TWO_NEW = "two_new", _("all non-public enterprise and social organisation branches")
    INSTITUTION = "institution", _("all government agency and public institution branches")


class DueRule(models.TextChoices):
    # due_n: 1 (Monday) … 7 (Sunday); a weekly item only
    WEEKDAY = "weekday", _("a day of the week")
    # due_n: 1 … 31, moved back to the period's last day in a shorter month
    DAY_OF_MONTH = "day_of_month", _("a day of the month")
    # due_n unused
    LAST_WORKING_DAY = "last_working_day", _("the last working day of the period")
    # due_n: 1 … 60 working days after the period's first day
    WORKING_DAYS_AFTER_START = "working_days_after_start", _("working days after the period starts")
    # due_n unused; the plan's or the period's end
    END_OF_PERIOD = "end_of_period", _("the last day of the period")


class Evidence(models.TextChoices):
    NONE = "none", _("no file")
    OPTIONAL = "optional", _("a file may be attached")
    REQUIRED = "required", _("one file is required")


class PlanQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        # A plan owned by a committee reaches down to its branches: a secretary sees
        # the plan their branch works to, an officer the plans of the committee.
        return self.filter(down_and_up(scope, "org_path"))


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CLOSED = "closed", _("closed")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="duty_plans",
        verbose_name=_("owner"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", null=True)
    title = models.CharField(_("title"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty plan")
        verbose_name_plural = _("duty plans")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="duty_plan_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ItemQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(plan__in=Plan.objects.scope_filter(scope).values("pk"))


class Item(models.Model):
    """A duty item's identity; what it says is in its versions."""

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=pgettext_lazy("duties", "plan"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # The version in force: new assignments are generated from it.
    current = models.ForeignKey(
        "ItemVersion", on_delete=models.RESTRICT, null=True, related_name="+", editable=False
    )
    retired = models.BooleanField(_("retired"), default=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty item")
        verbose_name_plural = _("duty items")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return str(self.current) if self.current_id else f"#{self.pk}"


class ItemVersionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(item__plan__in=Plan.objects.scope_filter(scope).values("pk"))


class ItemVersion(models.Model):
    """What an item says from `valid_from` on; never changed once written."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category)
    cadence = models.CharField(_("cadence"), max_length=12, choices=Cadence)
    target_rule = models.CharField(
        _("branches"), max_length=12, choices=TargetRule, default=TargetRule.ALL
    )
    targets = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("branches listed")
    )
    due_rule = models.CharField(pgettext_lazy("due rule", "due"), max_length=28, choices=DueRule)
    due_n = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    evidence = models.CharField(
        _("evidence"), max_length=10, choices=Evidence, default=Evidence.NONE
    )
    review_required = models.BooleanField(_("confirmed by a reviewer"), default=False)
    # A core.records kind key: a record of that kind for the branch in the period
    # completes the assignment by itself.
    completes_on = models.CharField(_("completed by"), max_length=60, blank=True)
    # Checklist steps, each a short line of text.
    steps = models.JSONField(_("steps"), default=list, blank=True)
    valid_from = models.DateTimeField(_("valid from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ItemVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty item version")
        verbose_name_plural = _("duty item versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="one_number_per_item_version")
        ]

    def __str__(self) -> str:
        return self.title


class AssignmentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path"))


class Assignment(models.Model):
    """One branch's duty item for one period: the line on a secretary's checklist."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        SUBMITTED = "submitted", _("submitted")
        DONE = "done", _("done")
        RETURNED = "returned", _("returned")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="assignments")
    version = models.ForeignKey(ItemVersion, on_delete=models.RESTRICT, related_name="+")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="duty_assignments",
        verbose_name=_("branch"),
    )
    org_path = models.CharField(max_length=255, editable=False)
    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", null=True)
    # The secretary the branch's checklist goes to when the period was generated.
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duty_assignments",
        verbose_name=_("secretary"),
    )
    # Copied from the version, for lists and figures that never join back.
    cadence = models.CharField(_("cadence"), max_length=12, choices=Cadence)
    category = models.CharField(_("category"), max_length=16, choices=Category)
    weight = models.PositiveSmallIntegerField(_("weight"))
    # "2026-W48", "2026-11", "2026-Q4", or "once" ("once" spans the plan)
    period = models.CharField(_("period"), max_length=10)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.NOT_STARTED
    )
    # [{"title": str, "done": bool}], copied from the version's steps
    steps = models.JSONField(_("steps"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="duties/%Y/%m/", blank=True)
    returned_reason = models.CharField(_("reason returned"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set when a record completed the assignment by itself (core.records).
    record_kind = models.CharField(_("completed by"), max_length=60, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    # Set once by the daily sweep when due_on passed with the assignment not done.
    overdue = models.BooleanField(_("overdue"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty assignment")
        verbose_name_plural = _("duty assignments")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "organization", "period"], name="one_assignment_per_period"
            )
        ]
        indexes = [
            models.Index(fields=["org_path", "due_on"], name="duty_asg_path_due"),
            models.Index(fields=["town", "period_start"], name="duty_asg_town_period"),
            models.Index(fields=["secretary", "due_on"], name="duty_asg_secretary_due"),
            models.Index(
                fields=["due_on"],
                condition=Q(overdue=False) & ~Q(status="done"),
                name="duty_asg_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.period} #{self.item_id}"


class BranchFigureQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path"))


class BranchFigure(models.Model):
    """Prepared counts of one branch's assignments in one period (the board reads these).

    Kept in the same transaction as every generation and status change; `overdue`
    by the daily sweep. `duties.figures.rebuild` recomputes them from the assignments
    and must give the same rows.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    town = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+", null=True)
    cadence = models.CharField(max_length=12, choices=Cadence)
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    done_on_time = models.PositiveIntegerField(default=0)
    submitted = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)  # not done and past due
    weight_total = models.PositiveIntegerField(default=0)
    weight_done = models.PositiveIntegerField(default=0)

    objects = BranchFigureQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cadence", "period"], name="one_figure_per_branch_period"
            )
        ]
        indexes = [models.Index(fields=["town", "cadence", "period"], name="duty_fig_town")]
