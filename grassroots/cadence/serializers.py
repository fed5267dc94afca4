"""API shapes of the cadence's published rows (read only: the worker writes them)."""

from __future__ import annotations

from rest_framework import serializers

from grassroots.cadence.models import Arrangement, QuarterScore


class ArrangementSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Arrangement
        fields = ["id", "organization", "branch_name", "town", "month", "items", "published_at"]
        read_only_fields = fields


class QuarterScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuarterScore
        fields = [
            "id",
            "organization",
            "branch_name",
            "town",
            "period",
            "assignments",
            "done",
            "done_on_time",
            "weight_total",
            "weight_done",
            "completion",
            "timeliness",
            "inspection",
            "score",
            "rank",
            "band",
            "computed_at",
        ]
        read_only_fields = fields
