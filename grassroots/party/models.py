"""The Party organisation tree, members, instructors and their guidance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from grassroots.core.personal import SealedField
from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place


def ancestor_paths(paths: tuple[str, ...]) -> set[str]:
    """Every proper ancestor of the given organisation paths (steps of 4 characters)."""
    step = 4  # Organization.steplen
    return {path[:i] for path in paths for i in range(step, len(path), step)}


def down_and_up(scope: Scope, field: str) -> Q:
    """Rows whose organisation path `field` is in the scope's subtrees or one of their
    ancestors: a branch's people see the committee above them and what it owns."""
    q = scope.orgs(field)
    ancestors = ancestor_paths(scope.org_paths)
    if ancestors:
        q |= Q(**{f"{field}__in": ancestors})
    return q


class OrganizationQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(down_and_up(scope, "path"))

    def branches(self) -> models.QuerySet:
        return self.filter(kind=Organization.Kind.BRANCH)


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Party committee")
        GENERAL_BRANCH = "general_branch", _("general branch")
        BRANCH = "branch", _("branch")
        GROUP = "group", _("Party group")

    class OrgType(models.TextChoices):
        VILLAGE = "village", _("village (community)")
        TWO_NEW = "two_new", _("non-public enterprise or social organisation")
        INSTITUTION = "institution", _("government agency or public institution")

    # No node_order_by: sorted insertion renumbers siblings, and the paths are
    # copied into large tables (place_path/org_path). Paths never change.
    steplen = 4

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    org_type = models.CharField(_("type"), max_length=12, choices=OrgType, default=OrgType.VILLAGE)
    name = models.CharField(_("name"), max_length=120)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=pgettext_lazy("division", "place"),
    )
    place_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    town = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("town"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = OrganizationManager()

    class Meta:
        verbose_name = _("Party organisation")
        verbose_name_plural = _("Party organisations")
        indexes = [models.Index(fields=["kind", "org_type"])]

    def __str__(self) -> str:
        return self.name

    def reached_by(self, scope: Scope) -> bool:
        """True when the scope reaches into this organisation (not merely above it)."""
        return scope.covers_org_path(self.path)


class MemberQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path"))


class Member(models.Model):
    class Status(models.TextChoices):
        FULL = "full", _("full member")
        PROBATIONARY = "probationary", _("probationary member")

    class Post(models.TextChoices):
        NONE = "", _("none")
        SECRETARY = "secretary", _("secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("deputy secretary")
        ORGANIZER = "organizer", _("organisation committee member")
        PROPAGANDA = "propaganda", _("propaganda committee member")
        DISCIPLINE = "discipline", _("discipline committee member")
        GROUP_LEADER = "group_leader", _("Party group leader")

    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("organisation"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.FULL)
    joined_on = models.DateField(pgettext_lazy("party member", "joined on"), null=True, blank=True)
    post = models.CharField(_("post"), max_length=20, choices=Post, blank=True, default="")
    phone = SealedField(_("phone"))
    phone_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    id_number = SealedField(_("ID number"))
    id_number_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=20, blank=True, editable=False)
    resident = models.ForeignKey(
        "grid.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("resident"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["org_path", "name"]

    def __str__(self) -> str:
        return self.name


class InstructorQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        q = Q(pk__in=scope.instructor_ids)
        if scope.org_paths:
            # Whoever reaches a town committee sees all the town's instructors,
            # including ones not yet assigned to a branch.
            q |= Q(
                town_id__in=Organization.objects.filter(
                    scope.orgs("path"), kind=Organization.Kind.COMMITTEE
                ).values("town_id")
            )
            q |= Q(
                pk__in=GuidanceAssignment.objects.filter(ended_on__isnull=True)
                .filter(scope.orgs("organization__path"))
                .values("instructor_id")
            )
        return self.filter(q)


class Instructor(models.Model):
    """A Party-building instructor (党建指导员) or a leader who contacts a branch."""

    class Kind(models.TextChoices):
        INSTRUCTOR = "instructor", _("Party-building instructor")
        LEADER = "leader", _("contact leader")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.INSTRUCTOR)
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(pgettext_lazy("party member", "title"), max_length=80, blank=True)
    phone = SealedField(_("phone"))
    phone_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructor",
        verbose_name=_("user account"),
    )
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = InstructorQuerySet.as_manager()

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class GuidanceAssignmentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(
            scope.orgs("organization__path") | Q(instructor_id__in=scope.instructor_ids)
        )

    def active(self) -> models.QuerySet:
        return self.filter(ended_on__isnull=True)


class GuidanceAssignment(models.Model):
    """An instructor (or contact leader) assigned to a branch, with history."""

    instructor = models.ForeignKey(
        Instructor,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("instructor"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="guidance_assignments",
        verbose_name=_("branch"),
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = GuidanceAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("guidance assignment")
        verbose_name_plural = _("guidance assignments")
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["instructor", "organization"],
                condition=Q(ended_on__isnull=True),
                name="one_open_assignment_per_instructor_branch",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instructor} → {self.organization}"


class GuidanceVisitQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(
            scope.orgs("organization__path") | Q(instructor_id__in=scope.instructor_ids)
        )


class GuidanceVisit(models.Model):
    """An instructor's visit to a branch (指导)."""

    instructor = models.ForeignKey(
        Instructor, on_delete=models.PROTECT, related_name="visits", verbose_name=_("instructor")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="guidance_visits",
        verbose_name=_("branch"),
    )
    visited_on = models.DateField(_("date"), db_index=True)
    topic = models.CharField(_("topic"), max_length=120)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("recorded at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = GuidanceVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("guidance visit")
        verbose_name_plural = _("guidance visits")
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"{self.instructor} @ {self.organization} {self.visited_on}"
