"""Bodies and answers of the check-in API (`api_checkin`); names prefixed `Checkin` to stay
unique in the OpenAPI schema."""

from __future__ import annotations

from rest_framework import serializers

from grassroots.core.ids import id_field
from grassroots.trainings.models import Attendance


class CheckinTokenSerializer(serializers.Serializer):
    session = id_field(help_text="The session's id, from the check-in link.")
    venue = id_field(help_text="The venue's id, from the check-in link.")
    token = serializers.CharField(
        max_length=200, help_text="The token of the venue's current QR code (the link's last part)."
    )


class CheckinHandSerializer(serializers.Serializer):
    session = id_field()
    venue = id_field()
    enrolment = id_field(help_text="The enrolment of the person checked in by venue staff.")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CheckinBeatSerializer(serializers.Serializer):
    session = id_field(help_text="The online session whose material the caller is studying.")


class CheckinMaterialSerializer(serializers.Serializer):
    session = id_field()
    file = serializers.FileField(help_text="The video: MP4 or WebM (checked by its content).")
    seconds = id_field(max_value=86400, help_text="The video's length in seconds.")


class CheckinAttendanceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="enrolment.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "session", "venue", "enrolment", "name", "method", "at", "hours"]
        read_only_fields = fields


class CheckinProgressSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    seconds = serializers.IntegerField(help_text="Seconds credited so far.")
    required = serializers.IntegerField(help_text="Seconds needed to count as present.")
    material_seconds = serializers.IntegerField()
    done = serializers.BooleanField(help_text="The attendance is recorded.")


class CheckinMaterialResultSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    material_kind = serializers.CharField()
    material_seconds = serializers.IntegerField()


class CheckinRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
