"""API shapes of alliances and innovation projects; writes go through alliances.services."""

from __future__ import annotations

from rest_framework import serializers

from grassroots.alliances.models import (
    Alliance,
    AllianceKind,
    AllianceMember,
    InnovationProject,
    Milestone,
    ProjectStatus,
)
from grassroots.core.api import ScopedPrimaryKeyRelatedField
from grassroots.party.models import Organization


class AllianceMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = AllianceMember
        fields = ["id", "organization", "unit_name", "unit_kind", "name", "role", "joined_on"]
        read_only_fields = fields


class AllianceSerializer(serializers.ModelSerializer):
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    members = AllianceMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Alliance
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "lead",
            "lead_name",
            "description",
            "founded_on",
            "members",
        ]
        read_only_fields = fields


class AllianceCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=AllianceKind.choices)
    lead = ScopedPrimaryKeyRelatedField(Organization)
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    founded_on = serializers.DateField(required=False, allow_null=True, default=None)


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on", "position"]
        read_only_fields = fields


class InnovationProjectSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = InnovationProject
        fields = [
            "id",
            "title",
            "organization",
            "organization_name",
            "alliance",
            "goals",
            "starts_on",
            "due_on",
            "status",
            "status_display",
            "progress",
            "milestones",
        ]
        read_only_fields = fields


class InnovationProjectCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    organization = ScopedPrimaryKeyRelatedField(Organization)
    alliance = ScopedPrimaryKeyRelatedField(Alliance, required=False, allow_null=True, default=None)
    goals = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    due_on = serializers.DateField()
    status = serializers.ChoiceField(
        choices=ProjectStatus.choices, required=False, default=ProjectStatus.PLANNED
    )
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)
