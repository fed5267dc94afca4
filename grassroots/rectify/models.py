"""Rectification items (整改事项): what an inspection, a patrol, a supervision, an
assessment, residents' cases or a self-check found, carried to sign-off (销号).

An `Item` belongs to one responsible unit (any organisation of the town: `organization`,
its path copied to `org_path`, its town to `town`) and moves through the states of
`workflow.TRANSITIONS` only through `services`. Its timeline is `ItemEvent` (one row per
transition, warning or extension decision, with an optional note and at most one
evidence file); deadline extensions are `Extension` rows: only an approved one moves
`Item.deadline`, the old and new dates stay on the row (the history).

Colours (green 20 days before the deadline, yellow 10 days before, red once overdue) are
computed from the date wherever they are shown (`selectors.colour`); `warned` only
records the highest level the sweep has already announced for the current deadline.
Reach: whoever's scope covers the unit's `org_path`, plus the responsible person and
leader named on the item (they are told about it, so they may read it).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place
from grassroots.party.models import Organization


class Source(models.TextChoices):
    TOUR_INSPECTION = "tour_inspection", pgettext_lazy("rectification source", "Inspection tour")
    PATROL = "patrol", pgettext_lazy("rectification source", "Patrol inspection")
    SUPERVISION = "supervision", pgettext_lazy("rectification source", "Supervision")
    ASSESSMENT = "assessment", pgettext_lazy("rectification source", "Assessment")
    RESIDENT_CASE = "resident_case", pgettext_lazy("rectification source", "Residents' cases")
    SELF_CHECK = "self_check", pgettext_lazy("rectification source", "Self-check")


# Sources whose closure request must say what was done (a note; never a photo).
NOTE_REQUIRED_SOURCES = (Source.TOUR_INSPECTION, Source.PATROL)


class Kind(models.TextChoices):
    IMMEDIATE = "immediate", pgettext_lazy("rectification kind", "Rectify at once")
    DEADLINE = "deadline", pgettext_lazy("rectification kind", "Rectify by a deadline")
    LONG_TERM = "long_term", pgettext_lazy("rectification kind", "Keep up long-term")


class Status(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("rectification status", "Registered")
    ASSIGNED = "assigned", pgettext_lazy("rectification status", "Handed over")
    IN_PROGRESS = "in_progress", pgettext_lazy("rectification status", "In progress")
    CLOSURE_REQUESTED = (
        "closure_requested",
        pgettext_lazy("rectification status", "Sign-off requested"),
    )
    UNDER_REVIEW = "under_review", pgettext_lazy("rectification status", "Under review")
    CLOSED = "closed", pgettext_lazy("rectification status", "Signed off")
    RETURNED = "returned", pgettext_lazy("rectification status", "Returned for rework")


OPEN_STATUSES = tuple(s for s in Status.values if s != Status.CLOSED)


class Colour(models.TextChoices):
    NONE = "none", pgettext_lazy("warning colour", "On schedule")
    GREEN = "green", pgettext_lazy("warning colour", "Green")
    YELLOW = "yellow", pgettext_lazy("warning colour", "Yellow")
    RED = "red", pgettext_lazy("warning colour", "Red")


# Ordered levels: a sweep only ever raises `warned`.
LEVELS = {Colour.NONE: 0, Colour.GREEN: 1, Colour.YELLOW: 2, Colour.RED: 3}


class ItemQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        q = scope.orgs("org_path")
        if scope.user_id is not None:
            q |= Q(person_id=scope.user_id) | Q(leader_id=scope.user_id)
        return self.filter(q)


class Item(models.Model):
    town = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="rectification_items",
        verbose_name=_("responsible unit"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    code = models.CharField(_("number"), max_length=20)
    source = models.CharField(pgettext_lazy("rectify", "source"), max_length=16, choices=Source)
    source_ref = models.CharField(_("source reference"), max_length=120, blank=True)
    problem = models.TextField(_("problem"))
    measures = models.TextField(_("measures"), blank=True)
    kind = models.CharField(pgettext_lazy("rectify", "type"), max_length=12, choices=Kind)
    deadline = models.DateField(pgettext_lazy("rectify", "deadline"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible leader"),
    )
    leader_name = models.CharField(_("responsible leader"), max_length=50, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    person_name = models.CharField(_("responsible person"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.REGISTERED)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(pgettext_lazy("rectify", "registered"))
    closed_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    warned = models.CharField(_("warning sent"), max_length=8, choices=Colour, default=Colour.NONE)
    is_demo = models.BooleanField(_("demo data"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "code"], name="rectify_code_per_town")
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["town", "status"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def person_label(self) -> str:
        return self.person_name or (str(self.person) if self.person_id else "")

    @property
    def leader_label(self) -> str:
        return self.leader_name or (str(self.leader) if self.leader_id else "")


def evidence_name(instance: ItemEvent, filename: str) -> str:
    """A random name keeping only a known extension: served only by `rectify:evidence`."""
    dot = filename.rfind(".")
    extension = filename[dot:].lower() if dot >= 0 else ""
    return f"rectify/evidence/{secrets.token_urlsafe(24)}{extension[:6]}"


class ItemEventQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(item__in=Item.objects.all().scope_filter(scope).values("pk"))


class ItemEvent(models.Model):
    """One row of an item's timeline: a transition, a warning, an extension step."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_name, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = ItemEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["item", "at"])]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ExtensionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(item__in=Item.objects.all().scope_filter(scope).values("pk"))


class Extension(models.Model):
    """A request to move an item's deadline; `approved` is None until a reviewer decides."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField(_("deadline before"))
    new_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"))
    approved = models.BooleanField(_("approved"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ExtensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["requested_at", "id"]
        constraints = [
            # At most one undecided request per item.
            models.UniqueConstraint(
                fields=["item"], condition=Q(approved__isnull=True), name="rectify_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.new_deadline}"
