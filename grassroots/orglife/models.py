"""Organisational-life records of a branch (三会一课, 主题党日, 组织生活会, 民主评议, 谈心谈话).

A `Meeting` is what the rules ask a branch to keep and nothing more: its kind, date,
place, topic, an optional host, who was present, absent or excused (from the active
roster of the branch or Party group that met), and at most one file (minutes, a
sign-in sheet scan), never required. `expected` and `present` are counted once, when
the attendance is written, so that lists and exports never count rows again.

A meeting of a Party group counts for its branch: `branch` is the organisation itself
when it is a branch, its parent when it is a group. The duty items that a meeting can
complete (`core.records`) look meetings up by `branch`, `kind` and `held_on`.
Scope: `org_path` (copied from the organisation that met) under the user's reach.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.grid.models import Place
from grassroots.party.models import Member, Organization

# Changes after this many days are refused: the record then stands as it was.
EDIT_DAYS = 30
MAX_FILE_BYTES = 10 * 1024 * 1024


class MeetingKind(models.TextChoices):
    BRANCH_ASSEMBLY = "branch_assembly", _("branch members' assembly")
    COMMITTEE_MEETING = "committee_meeting", _("branch committee meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    PARTY_DAY = "party_day", _("themed Party day")
    LIFE_MEETING = "life_meeting", _("organisational life meeting")
    MEMBER_REVIEW = "member_review", _("democratic appraisal of members")
    HEART_TALK = "heart_talk", _("heart-to-heart talk")


# What a duty item says when a meeting of the kind completes it ("hold a themed Party day").
RECORD_LABELS = {
    MeetingKind.BRANCH_ASSEMBLY: pgettext_lazy("record kind", "Hold a branch members' assembly"),
    MeetingKind.COMMITTEE_MEETING: pgettext_lazy("record kind", "Hold a branch committee meeting"),
    MeetingKind.GROUP_MEETING: pgettext_lazy("record kind", "Hold a Party group meeting"),
    MeetingKind.PARTY_LECTURE: pgettext_lazy("record kind", "Give a Party lecture"),
    MeetingKind.PARTY_DAY: pgettext_lazy("record kind", "Hold a themed Party day"),
    MeetingKind.LIFE_MEETING: pgettext_lazy("record kind", "Hold an organisational life meeting"),
    MeetingKind.MEMBER_REVIEW: pgettext_lazy("record kind", "Hold the democratic appraisal"),
    MeetingKind.HEART_TALK: pgettext_lazy("record kind", "Hold heart-to-heart talks"),
}


class MeetingQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("org_path"))


class Meeting(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("organisation"),
    )
    branch = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    topic = models.CharField(_("topic"), max_length=200)
    host = models.CharField(_("host"), max_length=50, blank=True)
    expected = models.PositiveIntegerField(_("expected"), default=0)
    present = models.PositiveIntegerField(_("present"), default=0)
    file = models.FileField(_("file"), upload_to="orglife/", blank=True)
    file_type = models.CharField(max_length=100, blank=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["branch", "kind", "held_on"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()} {self.held_on}"

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


class AttendanceQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        return self.filter(scope.orgs("meeting__org_path"))


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        EXCUSED = "excused", _("excused")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    status = models.CharField(_("attendance"), max_length=8, choices=Status)
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_status_display()}"
