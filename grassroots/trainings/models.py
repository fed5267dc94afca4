"""Training programmes, their sessions and venues, enrolment and attendance (issue #12).

A `Programme` (the winter–spring training, the secretaries' regular training, the
lecture series, a villagers' skills course) is owned by a committee (`organization`,
its path in `org_path`) and addressed to an audience: members of chosen branches, the
secretaries, or residents of chosen villages. Its `layout` is configuration, not code:
a mode such as the town's "123" mode says which venues a session uses and how many
sessions of which mode the programme holds (`services.programmes.lay_out`).

A `Session` has a date and time, a mode (offline, online, both), a lecturer and topic,
the hours it credits, the venues it is held at (the main venue and the sub-venues) and,
online, its material (text or a video served by us, no third-party player) with the
share of it a participant must spend to count as present. A make-up session
(`makeup_of`) records its attendance against the session it makes up for.

An `Enrolment` is one person in one programme: a Party member (with the member's user
account, if any, for check-in on a phone) or a resident without a member record
(skills courses). An `Attendance` is one enrolment present at one session, once
(unique), with how it was taken (QR scan, by hand, online, make-up, at home) and the
figures the measures group by copied onto the row (hours, branch, village, year, paths).
Scope: a programme reaches down from its committee (a secretary sees the programme their
branch's members are in) and up from its audience; enrolments and attendance by the
member's branch path or the resident's place path.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place, Resident
from grassroots.party.models import Member, Organization, down_and_up

# Yearly study hours (DOMAIN.md §5: members 32, secretaries 56), unless a town sets others.
DEFAULT_MEMBER_HOURS = 32
DEFAULT_SECRETARY_HOURS = 56
# Online: the share of the material's length a participant must spend on it.
DEFAULT_MIN_SHARE = Decimal("0.80")


class Kind(models.TextChoices):
    MEMBER_TRAINING = "member_training", _("members' training")
    SECRETARY_TRAINING = "secretary_training", _("secretaries' training")
    LECTURE_SERIES = "lecture_series", _("lecture series")
    VILLAGER_SKILLS = "villager_skills", _("villagers' skills course")


# What a duty item says when attendance at a session of the kind completes it.
RECORD_LABELS = {
    Kind.MEMBER_TRAINING: pgettext_lazy("record kind", "Take part in the members' training"),
    Kind.SECRETARY_TRAINING: pgettext_lazy("record kind", "Attend the secretaries' training"),
    Kind.LECTURE_SERIES: pgettext_lazy("record kind", "Attend the lecture series"),
    Kind.VILLAGER_SKILLS: pgettext_lazy("record kind", "Hold a villagers' skills course"),
}


class Audience(models.TextChoices):
    MEMBERS = "members", _("members of chosen branches")
    SECRETARIES = "secretaries", _("branch secretaries")
    RESIDENTS = "residents", _("residents of chosen villages")


class Mode(models.TextChoices):
    OFFLINE = "offline", _("offline")
    ONLINE = "online", _("online")
    BOTH = "both", _("online and offline")


class ProgrammeQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        # Down from the committee that owns it, and up from its audience: a secretary sees
        # the town's programme their branch's members are enrolled in.
        return self.filter(down_and_up(scope, "org_path"))


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", pgettext_lazy("trainings", "open")
        CLOSED = "closed", _("closed")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="training_programmes",
        verbose_name=_("organised by"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience)
    # Members: the chosen branches (none chosen: every branch under the committee).
    branches = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("branches")
    )
    # Residents: the chosen villages.
    villages = models.ManyToManyField(
        Place, blank=True, related_name="+", verbose_name=_("villages")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # The mode as configuration, e.g. {"name": "123", "venues": "main+subs",
    # "sessions": [{"mode": "offline", "count": 1}, {"mode": "online", "count": 2}, …]}.
    layout = models.JSONField(_("layout"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class VenueQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(programme__in=Programme.objects.scope_filter(scope))


class Venue(models.Model):
    """Where a programme's sessions are held: its main venue or a sub-venue (a village's)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="venues", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=100)
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    place_path = models.CharField(max_length=255, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_main = models.BooleanField(_("main venue"), default=False)

    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["-is_main", "place_path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="trainings_venue_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(programme__in=Programme.objects.scope_filter(scope))


class Session(models.Model):
    class MaterialKind(models.TextChoices):
        NONE = "", _("none")
        TEXT = "text", _("text")
        VIDEO = "video", _("video")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("programme")
    )
    topic = models.CharField(_("topic"), max_length=200)
    lecturer = models.CharField(_("lecturer"), max_length=50, blank=True)
    on = models.DateField(_("date"), db_index=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(_("mode"), max_length=8, choices=Mode, default=Mode.OFFLINE)
    hours = models.DecimalField(_("hours credited"), max_digits=4, decimal_places=1)
    venues = models.ManyToManyField(
        Venue, blank=True, related_name="sessions", verbose_name=_("venues")
    )
    # Online: the material and how long it is; open until `online_until` (inclusive).
    material_kind = models.CharField(
        _("material"), max_length=5, choices=MaterialKind, blank=True, default=""
    )
    material_text = models.TextField(_("text"), blank=True)
    material_file = models.FileField(_("video"), upload_to="trainings/", blank=True)
    material_seconds = models.PositiveIntegerField(_("length (seconds)"), default=0)
    min_share = models.DecimalField(
        _("minimum share"), max_digits=3, decimal_places=2, default=DEFAULT_MIN_SHARE
    )
    online_until = models.DateField(_("online until"), null=True, blank=True)
    makeup_of = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="makeups",
        verbose_name=_("make-up for"),
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["programme", "on"], name="trainings_session_prog_on")]

    def __str__(self) -> str:
        return self.topic


class EnrolmentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path") | scope.places("place_path"))


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        EXCUSED = "excused", _("excused")

    class Source(models.TextChoices):
        AUDIENCE = "audience", _("from the audience")
        ADDED = "added", _("added by hand")
        SELF = "self", _("signed up")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    # The member's account, for check-in on a phone (copied when enrolled or linked).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=50)
    is_secretary = models.BooleanField(_("secretary"), default=False)
    # A member's branch (the member's organisation, or its parent for a Party group).
    branch = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    org_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    # The village the person belongs to (the branch's place, or the resident's village).
    village = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )
    place_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.ENROLLED)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source, default=Source.AUDIENCE)
    created_at = models.DateTimeField(_("enrolled at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["org_path", "place_path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "member"],
                condition=Q(member__isnull=False),
                name="trainings_enrolment_member_unique",
            ),
            models.UniqueConstraint(
                fields=["programme", "resident"],
                condition=Q(resident__isnull=False),
                name="trainings_enrolment_resident_unique",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(resident__isnull=False),
                name="trainings_enrolment_has_person",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "user"], name="trainings_enrol_prog_user"),
            models.Index(fields=["programme", "branch"], name="trainings_enrol_prog_branch"),
        ]

    def __str__(self) -> str:
        return self.name


class AttendanceQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path") | scope.places("place_path"))


class Attendance(models.Model):
    class Method(models.TextChoices):
        QR = "qr", _("scanned the venue's code")
        MANUAL = "manual", _("checked in by venue staff")
        ONLINE = "online", _("online")
        MAKEUP = "makeup", _("make-up session")
        HOME = "home", _("lesson taken home")

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=pgettext_lazy("trainings", "session"),
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("person")
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("venue"),
    )
    # A make-up attendance: the make-up session it was taken at.
    makeup_session = models.ForeignKey(
        Session,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("make-up session"),
    )
    method = models.CharField(_("how"), max_length=8, choices=Method)
    at = models.DateTimeField(_("checked in at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Copied for the measures: grouped by branch, village and year without a join.
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    year = models.PositiveSmallIntegerField(_("year"))
    branch = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    village = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    org_path = models.CharField(max_length=255, blank=True, editable=False)
    place_path = models.CharField(max_length=255, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="trainings_attendance_once"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "venue"], name="trainings_att_session_venue"),
            models.Index(fields=["year", "branch"], name="trainings_att_year_branch"),
            models.Index(fields=["enrolment", "year"], name="trainings_att_enrol_year"),
            models.Index(fields=["org_path"], name="trainings_att_org_path"),
            models.Index(fields=["place_path"], name="trainings_att_place_path"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} @ {self.session}"


class ProgressQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(enrolment__in=Enrolment.objects.scope_filter(scope).values("pk"))


class OnlineProgress(models.Model):
    """Time one person has spent on a session's material online (heartbeats, capped)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    seconds = models.PositiveIntegerField(default=0)
    last_beat_at = models.DateTimeField(null=True, blank=True)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="trainings_progress_once"
            ),
        ]


class HoursRequirement(models.Model):
    """A town's yearly study hours, where it sets others than the defaults."""

    town = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    member_hours = models.PositiveSmallIntegerField(
        _("hours for members"), default=DEFAULT_MEMBER_HOURS
    )
    secretary_hours = models.PositiveSmallIntegerField(
        _("hours for secretaries"), default=DEFAULT_SECRETARY_HOURS
    )

    class Meta:
        verbose_name = _("yearly study hours")
        verbose_name_plural = _("yearly study hours")
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="trainings_hours_unique"),
        ]
