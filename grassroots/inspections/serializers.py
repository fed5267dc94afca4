"""API shapes for inspections and campaigns: read serializers, and write bodies the
viewsets hand to inspections.services (which validates the substance)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grassroots.core.api import ScopedPrimaryKeyRelatedField
from grassroots.core.ids import id_field
from grassroots.inspections.models import (
    Application,
    ApplicationScore,
    Campaign,
    Finding,
    Indicator,
    IndicatorSet,
    Inspection,
    InspectionPlan,
    StarRating,
)
from grassroots.inspections.services import fellow_inspectors
from grassroots.party.models import Organization
from grassroots.rectify.models import Kind as RectificationKind

SCORE = {"max_digits": 4, "decimal_places": 1, "min_value": 0, "max_value": 100}


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "position", "title", "guidance", "weight"]
        read_only_fields = fields


class IndicatorSetSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = IndicatorSet
        fields = [
            "id",
            "name",
            "purpose",
            "version",
            "status",
            "previous",
            "owner",
            "owner_name",
            "created_at",
            "indicators",
        ]
        read_only_fields = fields


class IndicatorWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    guidance = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    weight = serializers.IntegerField(min_value=1, max_value=100)


class IndicatorSetCreateSerializer(serializers.Serializer):
    committee = ScopedPrimaryKeyRelatedField(Organization)
    name = serializers.CharField(max_length=120)
    purpose = serializers.ChoiceField(choices=IndicatorSet.Purpose.choices)
    indicators = IndicatorWriteSerializer(many=True, max_length=30)


class IndicatorSetUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    indicators = IndicatorWriteSerializer(many=True, required=False, max_length=30)


class PlanSerializer(serializers.ModelSerializer):
    sample = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "title",
            "committee",
            "indicator_set",
            "starts_on",
            "ends_on",
            "sample_size",
            "seed",
            "sample",
            "drawn_at",
        ]
        read_only_fields = fields

    def get_sample(self, obj: InspectionPlan) -> list[int]:
        """The drawn branch ids, in draw order."""
        return [s.organization_id for s in obj.samples.all()]


class PlanCreateSerializer(serializers.Serializer):
    committee = ScopedPrimaryKeyRelatedField(Organization)
    title = serializers.CharField(max_length=120)
    indicator_set = ScopedPrimaryKeyRelatedField(IndicatorSet)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class DrawSerializer(serializers.Serializer):
    size = serializers.IntegerField(min_value=1, max_value=1000)
    seed = serializers.IntegerField(
        min_value=0, max_value=2**62 - 1, required=False, allow_null=True, default=None
    )


class FindingSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="indicator.title", read_only=True)
    weight = serializers.IntegerField(source="indicator.weight", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "indicator",
            "title",
            "weight",
            "score",
            "text",
            "needs_rectification",
            "rectification",
        ]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "reference",
            "plan",
            "organization",
            "organization_name",
            "indicator_set",
            "inspected_on",
            "inspectors",
            "status",
            "total",
            "submitted_at",
            "acknowledged_at",
            "acknowledgement_note",
            "findings",
        ]
        read_only_fields = fields


class FindingWriteSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    score = serializers.DecimalField(required=False, allow_null=True, default=None, **SCORE)
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    needs_rectification = serializers.BooleanField(required=False, default=False)


class InspectionCreateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(Organization)
    indicator_set = ScopedPrimaryKeyRelatedField(
        IndicatorSet, required=False, allow_null=True, default=None
    )
    plan = ScopedPrimaryKeyRelatedField(
        InspectionPlan, required=False, allow_null=True, default=None
    )
    inspected_on = serializers.DateField(required=False, allow_null=True, default=None)
    inspectors = serializers.ListField(
        child=id_field(),
        required=False,
        max_length=20,
        help_text=_("User ids of fellow inspectors (you are included)."),
    )
    findings = FindingWriteSerializer(many=True, required=False, max_length=30)

    def validate_inspectors(self, value: list[int]) -> list[Any]:
        fellows = {u.pk: u for u in fellow_inspectors(self.context["request"].user)}
        unknown = [pk for pk in value if pk not in fellows]
        if unknown:
            raise serializers.ValidationError(
                _("Not a fellow inspector: %(ids)s") % {"ids": ", ".join(map(str, unknown))}
            )
        return [fellows[pk] for pk in value]


class InspectionUpdateSerializer(serializers.Serializer):
    findings = FindingWriteSerializer(many=True, max_length=30)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RectifySerializer(serializers.Serializer):
    deadline = serializers.DateField()
    kind = serializers.ChoiceField(choices=RectificationKind.choices)


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "committee",
            "criteria",
            "applies_from",
            "applies_until",
            "notice_days",
            "status",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    committee = ScopedPrimaryKeyRelatedField(Organization)
    title = serializers.CharField(max_length=120)
    criteria = ScopedPrimaryKeyRelatedField(IndicatorSet)
    applies_from = serializers.DateField()
    applies_until = serializers.DateField()
    notice_days = serializers.IntegerField(min_value=1, max_value=30, required=False, default=5)


class ApplicationScoreSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="indicator.title", read_only=True)

    class Meta:
        model = ApplicationScore
        fields = ["indicator", "title", "self_score", "review_score"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    scores = ApplicationScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "campaign",
            "organization",
            "organization_name",
            "status",
            "statement",
            "self_total",
            "review_total",
            "notice_starts_on",
            "notice_ends_on",
            "objection",
            "decision_note",
            "stars",
            "scores",
        ]
        read_only_fields = fields


class ApplicationCreateSerializer(serializers.Serializer):
    campaign = ScopedPrimaryKeyRelatedField(Campaign)
    organization = ScopedPrimaryKeyRelatedField(Organization)
    self_scores = serializers.DictField(
        child=serializers.DecimalField(**SCORE),
        help_text=_("Score per criterion: {indicator id: score}."),
    )
    statement = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReviewSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.DecimalField(**SCORE),
        help_text=_("Review score per criterion: {indicator id: score}."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ObjectionSerializer(serializers.Serializer):
    objection = serializers.CharField(max_length=4000)


class DecisionSerializer(serializers.Serializer):
    award = serializers.BooleanField()
    stars = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class StarRatingSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = StarRating
        fields = [
            "id",
            "organization",
            "organization_name",
            "stars",
            "awarded_on",
            "campaign",
            "reason",
        ]
        read_only_fields = fields


class StarRatingCreateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(Organization)
    stars = serializers.IntegerField(min_value=1, max_value=5)
    reason = serializers.CharField(max_length=2000)
    on = serializers.DateField(required=False, allow_null=True, default=None)
