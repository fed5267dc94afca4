"""API representations: personal fields only masked; timeline included in detail."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from grassroots.cases.models import Case, CaseEvent, Category, Closure, Priority


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "public", "default_priority", "limits"]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = CaseEvent
        fields = ["kind", "actor", "at", "from_status", "to_status", "note", "data"]


class CaseSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    place_name = serializers.CharField(source="place.name", read_only=True)
    handler_name = serializers.StringRelatedField(source="handler", read_only=True)

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
        from grassroots.cases import workflow

        return workflow.actions_for(self.context["request"].user, obj)


class CaseSubmitSerializer(serializers.Serializer):
    household = serializers.IntegerField(required=False)
    place = serializers.IntegerField(required=False)
    category = serializers.SlugRelatedField(
        slug_field="code",
        # The parent comes along: deadlines fall back to the parent's limits.
        queryset=Category.objects.filter(active=True).select_related("parent"),
        required=False,
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    text = serializers.CharField(max_length=2000)
    affected_households = serializers.IntegerField(min_value=1, default=1)


class TransitionSerializer(serializers.Serializer):
    """Parameters of any transition; each action reads the ones it needs."""

    note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False)
    reply = serializers.CharField(required=False)
    handler = serializers.IntegerField(required=False, help_text="user id (assign/transfer)")
    handler_place = serializers.IntegerField(required=False, help_text="place id (assign/transfer)")
    until = serializers.DateField(required=False, help_text="request_suspension")
    solved = serializers.BooleanField(required=False)
    closure = serializers.ChoiceField(choices=Closure.choices, required=False)
    users = serializers.ListField(child=serializers.IntegerField(), required=False)
    places = serializers.ListField(child=serializers.IntegerField(), required=False)

    def params_for(self, action: str) -> dict[str, Any]:
        from grassroots.cases.forms import ACTION_FORMS

        wanted = set(ACTION_FORMS[action].base_fields)
        return {k: v for k, v in self.validated_data.items() if k in wanted}
