"""API shape of `/api/me/`: who the caller is and what they may do."""

from __future__ import annotations

from rest_framework import serializers

from grassroots.accounts.models import RoleAssignment


class RoleAssignmentSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    place_name = serializers.CharField(source="place.name", default=None, allow_null=True)
    organization_name = serializers.CharField(
        source="organization.name", default=None, allow_null=True
    )

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "role",
            "role_display",
            "place",
            "place_name",
            "organization",
            "organization_name",
        ]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    roles = serializers.ListField(
        child=serializers.CharField(), help_text="Roles held, including derived ones."
    )
    capabilities = serializers.ListField(child=serializers.CharField())
    role_assignments = RoleAssignmentSerializer(many=True)
    representative_ids = serializers.ListField(child=serializers.IntegerField())
    instructor_ids = serializers.ListField(child=serializers.IntegerField())
