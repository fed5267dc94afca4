"""API shapes of the duties app; writes are validated by the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grassroots.core.api import ScopedPrimaryKeyRelatedField
from grassroots.duties.evidence import MAX_BYTES
from grassroots.duties.models import (
    Assignment,
    BranchFigure,
    Cadence,
    Category,
    DueRule,
    Evidence,
    Item,
    ItemVersion,
    Plan,
    TargetRule,
)
from grassroots.party.models import Organization


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "organization",
            "town",
            "title",
            "starts_on",
            "ends_on",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(Organization, help_text=_("the Party committee"))
    title = serializers.CharField(max_length=120)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemVersion
        fields = [
            "id",
            "number",
            "title",
            "description",
            "category",
            "cadence",
            "target_rule",
            "targets",
            "due_rule",
            "due_n",
            "weight",
            "evidence",
            "review_required",
            "completes_on",
            "steps",
            "valid_from",
        ]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    current = VersionSerializer(read_only=True)
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = Item
        fields = ["id", "plan", "position", "retired", "current", "versions"]
        read_only_fields = fields


class ItemWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=Category.choices)
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    target_rule = serializers.ChoiceField(choices=TargetRule.choices, default=TargetRule.ALL)
    targets = ScopedPrimaryKeyRelatedField(Organization, many=True, required=False)
    due_rule = serializers.ChoiceField(choices=DueRule.choices)
    due_n = serializers.IntegerField(required=False, allow_null=True, default=None)
    weight = serializers.IntegerField(min_value=0, max_value=100)
    evidence = serializers.ChoiceField(choices=Evidence.choices, default=Evidence.NONE)
    review_required = serializers.BooleanField(default=False)
    completes_on = serializers.CharField(required=False, allow_blank=True, default="")
    steps = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, default=list, max_length=10
    )


class ItemCreateSerializer(ItemWriteSerializer):
    plan = ScopedPrimaryKeyRelatedField(Plan)


class AssignmentSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="version.title", read_only=True)
    completes_on = serializers.CharField(source="version.completes_on", read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "plan",
            "item",
            "version",
            "title",
            "organization",
            "secretary",
            "cadence",
            "category",
            "weight",
            "period",
            "period_start",
            "period_end",
            "due_on",
            "status",
            "overdue",
            "steps",
            "note",
            "evidence",
            "returned_reason",
            "submitted_at",
            "done_at",
            "completes_on",
            "record_kind",
            "record_id",
        ]
        read_only_fields = fields

    def get_evidence(self, obj: Assignment) -> bool:
        """Whether a file is attached (it is downloaded from the assignment's page)."""
        return bool(obj.evidence)


class CompleteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    evidence = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_evidence(self, value: object) -> object:
        if value is not None and getattr(value, "size", 0) > MAX_BYTES:
            raise serializers.ValidationError(_("The file is larger than 10 MB."))
        return value


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class StepSerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0, max_value=20)


class FigureSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = BranchFigure
        fields = [
            "id",
            "organization",
            "branch_name",
            "cadence",
            "period",
            "period_start",
            "total",
            "done",
            "done_on_time",
            "submitted",
            "returned",
            "overdue",
            "weight_total",
            "weight_done",
        ]
        read_only_fields = fields
