"""Shapes of the rectification API (writes go through rectify.services)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from grassroots.accounts.models import User
from grassroots.core import clock
from grassroots.core.api import ScopedPrimaryKeyRelatedField
from grassroots.party.models import Organization
from grassroots.rectify.models import Extension, Item, ItemEvent, Kind, Source
from grassroots.rectify.selectors import colour, eligible_people


class ItemEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = ItemEvent
        fields = ["id", "kind", "at", "actor", "from_status", "to_status", "note", "has_evidence"]

    def get_has_evidence(self, obj: ItemEvent) -> bool:
        return bool(obj.evidence)


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Extension
        fields = [
            "id",
            "old_deadline",
            "new_deadline",
            "reason",
            "requested_at",
            "approved",
            "decided_at",
            "decision_note",
        ]


class ItemSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    leader = serializers.CharField(source="leader_label", read_only=True)
    person = serializers.CharField(source="person_label", read_only=True)
    colour = serializers.SerializerMethodField(
        help_text="Live warning colour today: none, green (≤ 20 days left), yellow (≤ 10), red (overdue)."
    )

    class Meta:
        model = Item
        fields = [
            "id",
            "code",
            "organization",
            "organization_name",
            "source",
            "source_ref",
            "problem",
            "measures",
            "kind",
            "deadline",
            "leader",
            "person",
            "status",
            "colour",
            "warned",
            "registered_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_colour(self, obj: Item) -> str:
        return colour(obj, clock.today())


class ItemDetailSerializer(ItemSerializer):
    events = ItemEventSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "events", "extensions"]
        read_only_fields = fields


class PersonField(serializers.PrimaryKeyRelatedField):
    """A user id among `selectors.eligible_people(caller)`; anything else is 400."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=User.objects.none(), **kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return eligible_people(getattr(request, "user", None))


class ItemCreateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(Organization)
    source = serializers.ChoiceField(choices=Source.choices)
    source_ref = serializers.CharField(max_length=120, required=False, allow_blank=True)
    problem = serializers.CharField(max_length=2000)
    measures = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices)
    deadline = serializers.DateField()
    leader = PersonField(required=False, allow_null=True)
    leader_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    person = PersonField(required=False, allow_null=True)
    person_name = serializers.CharField(max_length=50, required=False, allow_blank=True)


class EmptySerializer(serializers.Serializer):
    pass


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class HandOverSerializer(TransitionSerializer):
    person_name = serializers.CharField(max_length=50, required=False, allow_blank=True)


class SignoffSerializer(TransitionSerializer):
    evidence = serializers.FileField(
        required=False,
        allow_null=True,
        help_text="Optional, at most one file (never a photo required).",
    )


class ReturnSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="What is still missing.")


class ExtensionRequestSerializer(serializers.Serializer):
    new_deadline = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class ExtensionDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def params(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
