"""API shapes of trainings: read serializers, and bodies the services take."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grassroots.core.api import ScopedPrimaryKeyRelatedField
from grassroots.grid.models import Place, Resident
from grassroots.party.models import Member, Organization
from grassroots.trainings.models import (
    Attendance,
    Audience,
    Enrolment,
    Kind,
    Mode,
    Programme,
    Session,
    Venue,
)


class TrainingProgrammeSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "organization",
            "organization_name",
            "name",
            "kind",
            "audience",
            "branches",
            "villages",
            "starts_on",
            "ends_on",
            "layout",
            "description",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class TrainingProgrammeCreateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(
        Organization, help_text=_("The organising committee.")
    )
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Kind.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    branches = serializers.ListField(
        child=ScopedPrimaryKeyRelatedField(Organization),
        required=False,
        default=list,
        max_length=500,
    )
    villages = serializers.ListField(
        child=ScopedPrimaryKeyRelatedField(Place), required=False, default=list, max_length=500
    )
    layout = serializers.JSONField(required=False, default=dict)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )


class TrainingProgrammeUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    layout = serializers.JSONField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class TrainingVenueSerializer(serializers.ModelSerializer):
    place_name = serializers.CharField(source="place.name", read_only=True)

    class Meta:
        model = Venue
        fields = ["id", "programme", "name", "place", "place_name", "address", "is_main"]
        read_only_fields = fields


class TrainingVenueCreateSerializer(serializers.Serializer):
    programme = ScopedPrimaryKeyRelatedField(Programme)
    name = serializers.CharField(max_length=100)
    place = ScopedPrimaryKeyRelatedField(Place)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_main = serializers.BooleanField(required=False, default=False)


class TrainingSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = [
            "id",
            "programme",
            "topic",
            "lecturer",
            "on",
            "starts_at",
            "ends_at",
            "mode",
            "hours",
            "venues",
            "material_kind",
            "material_seconds",
            "min_share",
            "online_until",
            "makeup_of",
            "cancelled",
        ]
        read_only_fields = fields


class TrainingSessionUpdateSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=200, required=False)
    lecturer = serializers.CharField(max_length=50, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
    mode = serializers.ChoiceField(choices=Mode.choices, required=False)
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal("0.5"), required=False
    )
    material_text = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    material_seconds = serializers.IntegerField(required=False, min_value=0, max_value=36000)
    min_share = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("1"),
    )
    online_until = serializers.DateField(required=False, allow_null=True)
    venues = serializers.ListField(
        child=ScopedPrimaryKeyRelatedField(Venue), required=False, max_length=200
    )


class TrainingSessionCreateSerializer(TrainingSessionUpdateSerializer):
    programme = ScopedPrimaryKeyRelatedField(Programme)
    topic = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=Decimal("0.5"))


class TrainingEnrolmentSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True, default="")
    village_name = serializers.CharField(source="village.name", read_only=True, default="")

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "programme",
            "member",
            "resident",
            "name",
            "is_secretary",
            "branch",
            "branch_name",
            "village",
            "village_name",
            "status",
            "reason",
            "source",
            "created_at",
        ]
        read_only_fields = fields


class TrainingEnrolmentCreateSerializer(serializers.Serializer):
    programme = ScopedPrimaryKeyRelatedField(Programme)
    member = ScopedPrimaryKeyRelatedField(Member, required=False, allow_null=True, default=None)
    resident = ScopedPrimaryKeyRelatedField(Resident, required=False, allow_null=True, default=None)


class TrainingExcuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class TrainingAttendanceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="enrolment.name", read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "id",
            "session",
            "enrolment",
            "name",
            "venue",
            "makeup_session",
            "method",
            "at",
            "note",
            "hours",
            "year",
            "branch",
            "village",
        ]
        read_only_fields = fields


class TrainingMeasureRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    enrolled = serializers.IntegerField()
    present = serializers.IntegerField()
    covered = serializers.IntegerField()
    sessions = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True)


class TrainingMeasuresSerializer(serializers.Serializer):
    branches = TrainingMeasureRowSerializer(many=True)
    villages = TrainingMeasureRowSerializer(many=True)


def service_data(data: dict[str, Any]) -> dict[str, Any]:
    """Validated data as the services take it (absent optional lists left out)."""
    return {k: v for k, v in data.items() if v is not None or k in ("online_until",)}
