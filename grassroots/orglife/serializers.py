"""API shapes of meeting records: read with attendance, create through the service."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grassroots.core.api import ScopedPrimaryKeyRelatedField
from grassroots.orglife.models import Attendance, Meeting, MeetingKind
from grassroots.party.models import Member, Organization


class AttendanceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "member_name", "status", "reason"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    has_file = serializers.SerializerMethodField()
    attendance = AttendanceSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "organization",
            "organization_name",
            "branch",
            "kind",
            "kind_display",
            "held_on",
            "place",
            "topic",
            "host",
            "expected",
            "present",
            "has_file",
            "file_name",
            "recorded_at",
            "attendance",
        ]
        read_only_fields = fields

    def get_has_file(self, obj: Meeting) -> bool:
        return bool(obj.file)


class ExcusedSerializer(serializers.Serializer):
    member = ScopedPrimaryKeyRelatedField(Member)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class MeetingCreateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(
        Organization, help_text=_("The branch or Party group that met.")
    )
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=100)
    topic = serializers.CharField(max_length=200)
    host = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    present = serializers.ListField(
        child=ScopedPrimaryKeyRelatedField(Member),
        max_length=2000,
        help_text=_("Ids of the members present; the rest of the roster is absent or excused."),
    )
    excused = ExcusedSerializer(many=True, required=False, default=list, max_length=2000)

    def to_service(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["excused"] = {row["member"]: row["reason"] for row in data.get("excused") or []}
        return data
