""" "Party-building+" (党建+): alliances linking organisations and units, and innovation projects.

An `Alliance` (党建联盟, 村企联建, 结对共建) is led by one Party organisation of the town and
links members: other organisations of the town, or outside units (an enterprise, a
cooperative, an agency, a social organisation) named as text, since they are not in the
Party tree. An `InnovationProject` (党建创新项目) is led by a branch, may belong to an
alliance, and moves planned → in progress → done (or stopped); its progress is the share
of milestones done when it has milestones, else the figure its editor gives.

Scope: an alliance is seen by whoever reaches its lead organisation or one of its member
organisations; a project by whoever reaches its lead branch. Only those who reach the
lead (and hold `Cap.EDIT_PARTY`) change them (`alliances.services`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place
from grassroots.party.models import Organization


class AllianceKind(models.TextChoices):
    ALLIANCE = "alliance", _("Party-building alliance")
    VILLAGE_ENTERPRISE = "village_enterprise", _("village–enterprise joint building")
    JOINT_BUILDING = "joint_building", _("paired joint building")
    OTHER = "other", _("other")


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise")
    COOPERATIVE = "cooperative", _("cooperative")
    AGENCY = "agency", _("government agency")
    SOCIAL = "social", _("social organisation")
    OTHER = "other", _("other unit")


class AllianceQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        joined = AllianceMember.objects.filter(scope.orgs("organization__path")).values(
            "alliance_id"
        )
        return self.filter(scope.orgs("org_path") | Q(pk__in=joined))


class Alliance(models.Model):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=AllianceKind)
    lead = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="led_alliances",
        verbose_name=_("lead organisation"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AllianceQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["org_path", "name"]

    def __str__(self) -> str:
        return self.name


class AllianceMemberQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(alliance__in=Alliance.objects.scope_filter(scope).values("pk"))


class AllianceMember(models.Model):
    """A member of an alliance: an organisation of the town, or an outside unit by name."""

    alliance = models.ForeignKey(
        Alliance, on_delete=models.CASCADE, related_name="members", verbose_name=_("alliance")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alliance_memberships",
        verbose_name=_("organisation"),
    )
    unit_name = models.CharField(_("unit"), max_length=100, blank=True)
    unit_kind = models.CharField(_("kind of unit"), max_length=12, choices=UnitKind, blank=True)
    role = models.CharField(_("role"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    objects = AllianceMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        ordering = ["alliance", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(unit_name=""))
                | (Q(organization__isnull=True) & ~Q(unit_name="")),
                name="alliance_member_is_an_organisation_or_a_unit",
            ),
            models.UniqueConstraint(
                fields=["alliance", "organization"],
                condition=Q(organization__isnull=False),
                name="one_membership_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.organization.name if self.organization else self.unit_name

    @property
    def name(self) -> str:
        return str(self)


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("alliances", "in progress")
    DONE = "done", _("done")
    STOPPED = "stopped", _("stopped")


class ProjectQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path"))


class InnovationProject(models.Model):
    title = models.CharField(_("title"), max_length=120)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="innovation_projects",
        verbose_name=_("lead branch"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    alliance = models.ForeignKey(
        Alliance,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("alliance"),
    )
    goals = models.TextField(_("goals"), blank=True)
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus, default=ProjectStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_at = models.DateTimeField(_("created at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation project")
        verbose_name_plural = _("innovation projects")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title


class MilestoneQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("project__org_path"))


class Milestone(models.Model):
    project = models.ForeignKey(
        InnovationProject,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=120)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "position", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title
