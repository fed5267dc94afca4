"""Residents' cases (诉求): categories with time limits, cases, their timeline.

A case carries its town and the materialized path of its place (a villager group),
so scope is the same indexed prefix test as for households. Statuses are data:
the allowed transitions live in `workflow.py`, and every change writes a
`CaseEvent`; measures are computed from those events, not from current state.
The sweeps read three "next due" columns, `warn_at`, `escalate_at` and
`handler_due_at` (the assigned handler's one working day to take or return the
case), through the indexes (status, warn_at), (status, escalate_at) and the
partial (status, handler_due_at); a claimed row has its column moved or cleared
in the same transaction, so it drops out of the range.

Who reaches a case is `CaseQuerySet.scope_filter`, over the caller's Scope
(decision 0003); what they may do there is `rules.py`. The queued filings
(`CaseIntake`) are in `queued.py`, the photos in `attachments.py`, the tracking codes in
`codes.py`; all re-exported here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.cases.attachments import MAX_PHOTO_BYTES as MAX_PHOTO_BYTES
from grassroots.cases.attachments import MAX_PHOTOS as MAX_PHOTOS
from grassroots.cases.attachments import CasePhoto as CasePhoto
from grassroots.cases.attachments import photo_name as photo_name
from grassroots.cases.codes import clean_code as clean_code
from grassroots.cases.codes import new_tracking_code as new_tracking_code
from grassroots.cases.queued import CaseIntake as CaseIntake
from grassroots.cases.queued import IntakeStatus as IntakeStatus
from grassroots.core.labels import data_label
from grassroots.core.personal import SealedField
from grassroots.core.scoping import NOTHING, Scope, ScopedQuerySet, prefix_q


class Priority(models.TextChoices):
    EMERGENCY = "emergency", _("emergency")
    URGENT = "urgent", _("urgent (water, power, gas)")
    NORMAL = "normal", _("normal")
    COMPLEX = "complex", _("complex")


# (respond within hours, resolve within working days) when a category says nothing.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    Priority.EMERGENCY: (2, 1),
    Priority.URGENT: (24, 3),
    Priority.NORMAL: (24, 7),
    Priority.COMPLEX: (24, 15),
}


class Category(models.Model):
    """A node of the configurable category tree (parent FK: a few dozen rows)."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    public = models.BooleanField(
        _("public"), default=True, help_text=_("Shown on the public progress board.")
    )
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority, default=Priority.NORMAL
    )
    limits = models.JSONField(
        _("time limits"),
        default=dict,
        blank=True,
        # The example is code (priority keys), kept out of the translated sentence.
        help_text=format_lazy(
            "{} {}",
            _("Per priority: hours to respond and working days to resolve, for example"),
            '{"normal": [24, 3]}',
        ),
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_(
            "Comma-separated words that suggest this category when there is little history."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the interface language (the English name when there is one)."""
        return data_label(self.name, self.name_en)

    def limits_for(self, priority: str) -> tuple[int, int]:
        """Own limit, else the nearest ancestor's, else the default for the priority."""
        node: Category | None = self
        seen = 0
        while node is not None and seen < 10:
            value = (node.limits or {}).get(priority)
            if value:
                return int(value[0]), int(value[1])
            node = node.parent
            seen += 1
        return DEFAULT_LIMITS.get(priority, DEFAULT_LIMITS[Priority.NORMAL])


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    SUSPENDED = "suspended", _("suspended")
    REPLIED = "replied", _("replied")
    CLOSED = "closed", pgettext_lazy("cases", "closed")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.SUSPENDED,
    Status.REPLIED,
)
# Statuses whose deadlines are live (a replied case waits for the call-back only).
CLOCK_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS)


class Channel(models.TextChoices):
    VISIT = "visit", _("representative visit")
    PHONE = "phone", _("phone")
    WALK_IN = "walk_in", _("walk-in")
    SELF_SERVICE = "self", _("resident self-service")
    API = "api", _("API")


class Closure(models.TextChoices):
    RESOLVED = "resolved", _("resolved")
    PARTLY = "partly", _("partly resolved")
    EXPLAINED = "explained", _("explained")
    NOT_OURS = "not_ours", _("not our responsibility")
    DUPLICATE = "duplicate", _("duplicate")
    WITHDRAWN = "withdrawn", _("withdrawn")


def held_q(scope: Scope) -> Q:
    """The cases a handler holds: assigned to them or to their unit, or summoned to."""
    if scope.user_id is None:
        return NOTHING
    q = Q(handler_id=scope.user_id)
    if scope.handler_place_ids:
        q |= Q(handler_place_id__in=scope.handler_place_ids)
    return q | Q(pk__in=CaseSummons.objects.filter(user_id=scope.user_id).values("case_id"))


class CaseQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        """Dispatchers and inspectors reach the cases under their anchor; handlers
        what they hold; representatives the cases they filed, those of their
        households, and the household-less cases of their village (a road, a
        ditch: anyone's), which they may call back."""
        if scope.user_id is None:
            return self.none()
        q = prefix_q("place_path", scope.dispatch_paths + scope.read_paths) | held_q(scope)
        if scope.representative_ids:
            q |= Q(reporter_representative_id__in=scope.representative_ids)
            q |= Q(household__representative_id__in=scope.representative_ids)
            q |= prefix_q("place_path", scope.representative_paths) & Q(household__isnull=True)
        return self.filter(q)

    def open(self) -> models.QuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Case(models.Model):
    code = models.CharField(
        _("tracking code"), max_length=16, unique=True, default=new_tracking_code, editable=False
    )
    town = models.ForeignKey(  # indexed as the prefix of (town, place_path)
        "grid.Place",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("town"),
        db_index=False,
    )
    place = models.ForeignKey(
        "grid.Place", on_delete=models.PROTECT, related_name="cases", verbose_name=_("place")
    )
    place_path = models.CharField(max_length=255, editable=False)
    household = models.ForeignKey(
        "grid.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("household"),
    )
    resident = models.ForeignKey(
        "grid.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("resident"),
    )
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    reporter_phone = SealedField(_("call-back phone"))
    reporter_phone_hash = models.CharField(max_length=40, blank=True, editable=False)
    reporter_phone_masked = models.CharField(
        _("call-back phone"), max_length=20, blank=True, editable=False
    )
    reporter_representative = models.ForeignKey(
        "grid.Representative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_filed",
        verbose_name=_("filed by representative"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    text = models.TextField(pgettext_lazy("cases", "description"))
    priority = models.CharField(_("priority"), max_length=10, choices=Priority)
    affected_households = models.PositiveIntegerField(_("affected households"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.SUBMITTED)
    owner_place = models.ForeignKey(
        "grid.Place",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible level"),
        help_text=_("The grid level that dispatches this case (village, or the town)."),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases_handled",
        verbose_name=_("handler"),
        db_index=False,  # the prefix of (handler, status)
    )
    handler_place = models.ForeignKey(
        "grid.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handling unit"),
    )
    # Where the reporter stood, when the phone or the client system said so
    # (WGS84); the visit during which a representative heard the need.
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_accuracy_m = models.PositiveIntegerField(
        _("location accuracy (m)"), null=True, blank=True
    )
    media_url = models.URLField(_("photo or video link"), max_length=500, blank=True)
    visit = models.ForeignKey(
        "grid.Visit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("heard during the visit"),
    )
    submitted_at = models.DateTimeField(_("submitted"))
    response_due_at = models.DateTimeField(_("respond by"))
    resolve_due_at = models.DateTimeField(_("resolve by"))
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("cases", "closed"), null=True, blank=True)
    # Next due instants read by the sweeps; NULL when nothing is pending.
    warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True, editable=False)
    escalate_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the level's dispatchers were told about the new case (by the worker,
    # right after the filing commits); NULL until then. Decision 0007.
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)
    # The assigned handler must take or return the case by this instant (one
    # working day); NULL once they did, or once the sweep told the dispatcher.
    handler_due_at = models.DateTimeField(
        _("handler to respond by"), null=True, blank=True, editable=False
    )
    # Bumped by every assignment or transfer: keys the "handler late" notice.
    assign_round = models.PositiveSmallIntegerField(default=0, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("assigned by"),
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    supervised = models.BooleanField(_("supervised"), default=False)
    suspended_at = models.DateTimeField(null=True, blank=True, editable=False)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    suspension_reason = models.CharField(_("suspension reason"), max_length=200, blank=True)
    suspension_requested = models.BooleanField(default=False, editable=False)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("rework"), default=0)
    reply = models.TextField(_("reply to the resident"), blank=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=200, blank=True)
    closure = models.CharField(_("closure type"), max_length=10, choices=Closure, blank=True)
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("resident's rating"), null=True, blank=True)
    rating_comment = models.CharField(_("resident's comment"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["status", "warn_at"], name="case_warn_due"),
            models.Index(fields=["status", "escalate_at"], name="case_escalate_due"),
            # Partial: only cases waiting for their handler carry a value, so the
            # idle sweep's range scan reads a tiny index whatever the open count.
            models.Index(
                fields=["status", "handler_due_at"],
                name="case_handler_due",
                condition=Q(handler_due_at__isnull=False),
            ),
            # Partial: empty but for the cases filed in the last moments.
            models.Index(
                fields=["submitted_at"],
                name="case_unannounced",
                condition=Q(announced_at__isnull=True),
            ),
            models.Index(fields=["town", "place_path"], name="case_town_path"),
            models.Index(fields=["handler", "status"], name="case_handler_status"),
            # A subtree's cases (`place_path LIKE 'prefix%'`, by month): the pattern opclass
            # lets PostgreSQL use the index for the prefix under any collation (C.UTF-8 and
            # the locales are not "C"); without it every town's recompute read all the cases.
            models.Index(
                fields=["place_path", "submitted_at"],
                name="case_path_submitted",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title or self.text[:20]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def public_status(self) -> str:
        """Open311's two states."""
        return "open" if self.is_open else "closed"

    def clean(self) -> None:
        if self.rating is not None and not 1 <= self.rating <= 5:
            raise ValidationError({"rating": _("Rate from 1 to 5.")})


class CaseEventQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(case__in=Case.objects.all().scope_filter(scope).values("pk"))


class CaseEvent(models.Model):
    """One typed row of a case's timeline: a transition or a system event."""

    case = models.ForeignKey(  # indexed as the prefix of (case, at)
        Case, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("event"), max_length=24, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]
        constraints = [
            # The resident rates each answer once (services.case_rate refuses a second);
            # data.reply is the answer's "reply" event.
            models.UniqueConstraint(
                F("case"),
                KT("data__reply"),
                condition=Q(kind="rate"),
                name="case_rated_once_per_reply",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def to_status_label(self) -> str:
        """The status this event moved the case to, in the user's language."""
        return (
            str(Status(self.to_status).label) if self.to_status in Status.values else self.to_status
        )


class CaseSummons(models.Model):
    """One unit called by the town's whistle (吹哨); it must report (报到)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="summonses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="case_summonses",
        verbose_name=_("person"),
    )
    place = models.ForeignKey(
        "grid.Place",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    summoned_at = models.DateTimeField(_("summoned"))
    acknowledged_at = models.DateTimeField(_("reported"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(place__isnull=False), name="summons_has_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.user_id or self.place_id}"
