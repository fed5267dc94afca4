"""Branch-site construction (阵地建设), stage by stage (issue #12).

A `Project` builds or renews one branch's site (`branch`, its path in `org_path`): it
moves through the stages 摸底 → 选址 → 设计 → 建设 → 验收 → 投用, each a `StageStep` with a
planned and an actual date (a stage is reached when its actual date is set, in order).
It has a deadline, a demonstration flag, the development projects it is tied to (free
text: a demonstration farm area, an old-street renovation), the instructors' guidance
visits made about it (`ProjectVisit`, each a `party.GuidanceVisit`), optional photos
(re-encoded, location stripped, served only to those who reach the branch) and an
acceptance checklist. Overdue: past the deadline and not in use, or past a stage's
planned date without its actual one (computed from dates where shown).
Scope: whoever reaches the branch's `org_path`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.images import content_type as image_content_type
from grassroots.core.images import random_name
from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place
from grassroots.party.models import GuidanceVisit, Organization


class Stage(models.TextChoices):
    SURVEY = "survey", pgettext_lazy("site stage", "Survey")
    SITING = "siting", pgettext_lazy("site stage", "Siting")
    DESIGN = "design", pgettext_lazy("site stage", "Design")
    BUILD = "build", pgettext_lazy("site stage", "Construction")
    ACCEPTANCE = "acceptance", pgettext_lazy("site stage", "Acceptance")
    IN_USE = "in_use", pgettext_lazy("site stage", "In use")


STAGES: list[str] = list(Stage.values)  # in order

# What a duty item says when a site reaches the stage (core.records: "sites.stage.<stage>").
RECORD_LABELS = {
    Stage.SURVEY: pgettext_lazy("record kind", "Complete the site survey"),
    Stage.SITING: pgettext_lazy("record kind", "Choose the site"),
    Stage.DESIGN: pgettext_lazy("record kind", "Complete the site design"),
    Stage.BUILD: pgettext_lazy("record kind", "Complete the site construction"),
    Stage.ACCEPTANCE: pgettext_lazy("record kind", "Pass the site acceptance"),
    Stage.IN_USE: pgettext_lazy("record kind", "Put the site into use"),
}


class ProjectQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path"))


class Project(models.Model):
    branch = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="site_projects",
        verbose_name=_("branch"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area_m2 = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    # The stage reached last (its actual date set); "" before the survey is done.
    stage = models.CharField(
        _("stage reached"), max_length=10, choices=Stage, blank=True, default=""
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    is_demonstration = models.BooleanField(_("demonstration site"), default=False)
    linked_projects = models.TextField(_("linked development projects"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("site project")
        verbose_name_plural = _("site projects")
        ordering = ["org_path", "pk"]
        indexes = [models.Index(fields=["town", "stage"], name="sites_project_town_stage")]

    def __str__(self) -> str:
        return self.name


class StepQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("project__org_path"))


class StageStep(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="steps", verbose_name=_("project")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage)
    planned_on = models.DateField(pgettext_lazy("sites", "planned"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="sites_step_unique"),
        ]


class CheckQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("project__org_path"))


class CheckItem(models.Model):
    """One line of the acceptance checklist."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="checks", verbose_name=_("project")
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("item"), max_length=200)
    done = models.BooleanField(_("met"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = CheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("acceptance item")
        verbose_name_plural = _("acceptance checklist")
        ordering = ["project", "position", "pk"]


MAX_PHOTOS = 30  # per project


def photo_name(instance: Photo, filename: str) -> str:
    """A random name: photos are served only by `sites:photo`, to who reaches the branch."""
    return random_name("sites/photos", filename)


class PhotoQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("project__org_path"))


class Photo(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="photos", verbose_name=_("project")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage, blank=True)
    image = models.FileField(_("photo"), upload_to=photo_name)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("site photo")
        verbose_name_plural = _("site photos")
        ordering = ["-uploaded_at", "-pk"]

    @property
    def content_type(self) -> str:
        return image_content_type(self.image.name or "")


class ProjectVisitQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("project__org_path"))


class ProjectVisit(models.Model):
    """A guidance visit made about a site project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="visits")
    visit = models.OneToOneField(GuidanceVisit, on_delete=models.CASCADE, related_name="+")

    objects = ProjectVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("guidance visit")
        verbose_name_plural = _("guidance visits")
