"""API representations: personal fields only masked; timeline included in detail."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from grassroots.cases import workflow
from grassroots.cases.forms import ACTION_FORMS
from grassroots.cases.models import Case, CaseEvent, Category, Closure, IntakeStatus, Priority
from grassroots.cases.selectors import category_by_code
from grassroots.core.ids import id_field


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "public", "default_priority", "limits"]


class CaseEventSerializer(serializers.ModelSerializer):
    # null for what the system did (sweeps, the intake worker)
    actor = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["kind", "actor", "at", "from_status", "to_status", "note", "data"]


class CaseSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    place_name = serializers.CharField(source="place.name", read_only=True)
    handler_name = serializers.StringRelatedField(source="handler", read_only=True)
    # "" until the case is closed, and "" when no link was given: the schema says so.
    closure = serializers.ChoiceField(choices=Closure.choices, allow_blank=True, read_only=True)
    media_url = serializers.CharField(read_only=True, help_text="a photo or video link, or empty")

    class Meta:
        model = Case
        fields = [
            "id",
            "code",
            "title",
            "text",
            "status",
            "priority",
            "channel",
            "category",
            "category_name",
            "place",
            "place_name",
            "household",
            "reporter_name",
            "reporter_phone_masked",
            "affected_households",
            "latitude",
            "longitude",
            "location_accuracy_m",
            "media_url",
            "visit",
            "handler",
            "handler_name",
            "handler_place",
            "owner_place",
            "submitted_at",
            "response_due_at",
            "resolve_due_at",
            "replied_at",
            "closed_at",
            "escalation_level",
            "supervised",
            "return_count",
            "reopen_count",
            "rework_count",
            "reply",
            "closure",
            "satisfied",
            "rating",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "events", "allowed_actions"]
        read_only_fields = fields

    def get_allowed_actions(self, obj: Case) -> list[str]:
        return workflow.actions_for(self.context["request"].user, obj)


# A phone's reported accuracy; anything past 100 km places nothing.
MAX_ACCURACY_M = 100_000


class CaseSubmitSerializer(serializers.Serializer):
    household = id_field(required=False)
    place = id_field(required=False)
    category = serializers.CharField(
        max_length=40, required=False, help_text="category code (see /api/case-categories/)"
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    text = serializers.CharField(max_length=2000)
    affected_households = serializers.IntegerField(min_value=1, max_value=10000, default=1)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )
    location_accuracy_m = serializers.IntegerField(
        min_value=0, max_value=MAX_ACCURACY_M, required=False
    )
    media_url = serializers.URLField(max_length=500, required=False, allow_blank=True)

    def validate_category(self, value: str) -> Category:
        category = category_by_code(value)
        if category is None:
            raise serializers.ValidationError(_("No active category has the code “%s”.") % value)
        return category


class TransitionSerializer(serializers.Serializer):
    """Parameters of any transition; each action reads the ones it needs."""

    note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False)
    reply = serializers.CharField(required=False)
    handler = id_field(required=False, help_text="user id (assign/transfer)")
    handler_place = id_field(required=False, help_text="place id (assign/transfer)")
    until = serializers.DateField(required=False, help_text="request_suspension")
    solved = serializers.BooleanField(required=False)
    closure = serializers.ChoiceField(choices=Closure.choices, required=False)
    users = serializers.ListField(child=id_field(), required=False, max_length=100)
    places = serializers.ListField(child=id_field(), required=False, max_length=100)

    def params_for(self, action: str) -> dict[str, Any]:
        """The parameters this action takes; 400 naming each one it needs and lacks."""
        wanted = ACTION_FORMS[action].base_fields
        missing = {
            name: [_("This field is required.")]
            for name, field in wanted.items()
            if field.required and name not in self.validated_data
        }
        if missing:
            raise serializers.ValidationError(missing)
        return {k: v for k, v in self.validated_data.items() if k in wanted}


class CaseIntakeSerializer(serializers.Serializer):
    """The receipt of a queued filing; `case` is set once the worker has registered it."""

    code = serializers.CharField(help_text="tracking code, also for the public tracking page")
    status = serializers.ChoiceField(choices=IntakeStatus.choices)
    received_at = serializers.DateTimeField(help_text="deadlines run from this instant")
    case = serializers.IntegerField(allow_null=True, help_text="the case id once registered")
    error = serializers.CharField(allow_blank=True, help_text="why it was not registered")
    track_url = serializers.SerializerMethodField()

    def get_track_url(self, obj: dict[str, Any]) -> str:
        return reverse("cases:track", args=[obj["code"]])


class SimilarQuerySerializer(serializers.Serializer):
    """What to compare: a case already filed, or a text and where it is (before filing)."""

    case = id_field(required=False, help_text="a case id: the open cases like it")
    text = serializers.CharField(max_length=2000, required=False)
    household = id_field(required=False)
    place = id_field(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "case" not in attrs and not (
            attrs.get("text") and ("household" in attrs or "place" in attrs)
        ):
            raise serializers.ValidationError(
                _("Give a case, or a text with a household or a place.")
            )
        return attrs


class SimilarCaseSerializer(serializers.Serializer):
    """An open case of the same village that looks like the one asked about."""

    id = serializers.IntegerField(source="case.pk")
    title = serializers.CharField(source="case.title")
    status = serializers.CharField(source="case.status")
    category = serializers.CharField(source="case.category.code")
    submitted_at = serializers.DateTimeField(source="case.submitted_at")
    affected_households = serializers.IntegerField(source="case.affected_households")
    score = serializers.FloatField(help_text="0–1; listed from the similarity threshold up")


class ReportInSerializer(serializers.Serializer):
    """报到: the caller's unit reports in after the whistle."""

    summons = id_field(
        required=False, help_text="the summons answered; by default the caller's waiting one"
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
