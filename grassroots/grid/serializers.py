"""API shapes for the grid.

Read serializers only ever output the masked copies of personal data (the JSON
keys `phone` / `id_number` carry `*_masked`). Write serializers validate shape
only; the viewsets hand `validated_data` to grid.services, which save and audit.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grassroots.core.api import ScopedPrimaryKeyRelatedField
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Tag,
    Visit,
)

# --- shared building blocks ---------------------------------------------------


def can_see_sensitive(context: dict[str, Any]) -> bool:
    """Sensitive tags follow the personal-data rule: only for roles that may reveal."""
    request = context.get("request")
    return scope_for(getattr(request, "user", None)).can(Cap.REVEAL)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TagNamesField(serializers.Field):
    """Tag names, dropping sensitive ones for callers who may not reveal personal data.

    Reads the prefetched `tags` (no query per row).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> list[str]:
        sensitive_ok = can_see_sensitive(self.context)
        return [t.name for t in value.all() if sensitive_ok or not t.sensitive]


# --- places ------------------------------------------------------------------


class PlaceSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Place
        fields = ["id", "kind", "kind_display", "name", "code", "depth", "numchild", "path"]
        read_only_fields = fields


class PlaceCreateSerializer(serializers.Serializer):
    parent = ScopedPrimaryKeyRelatedField(Place, allow_null=True)
    kind = serializers.ChoiceField(choices=Place.Kind.choices)
    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "applies_to", "sensitive"]
        read_only_fields = fields


# --- households and residents --------------------------------------------------


class HouseholdSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="phone_masked", read_only=True)
    place_name = serializers.CharField(source="place.name", read_only=True)
    representative_name = serializers.CharField(
        source="representative.name", read_only=True, default=None, allow_null=True
    )
    tags = TagNamesField()

    class Meta:
        model = Household
        fields = [
            "id",
            "code",
            "head_name",
            "phone",
            "address",
            "size",
            "town",
            "place",
            "place_name",
            "representative",
            "representative_name",
            "tags",
            "last_visit_at",
            "created_at",
        ]
        read_only_fields = fields


class HouseholdCreateSerializer(serializers.Serializer):
    place = ScopedPrimaryKeyRelatedField(Place, help_text=_("The villager group."))
    code = serializers.CharField(max_length=40)
    head_name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    size = serializers.IntegerField(min_value=1, max_value=99, required=False, default=1)
    tags = serializers.PrimaryKeyRelatedField(
        queryset=Tag.objects.all(), many=True, required=False, default=list
    )
    representative = ScopedPrimaryKeyRelatedField(
        Representative, required=False, allow_null=True, default=None
    )


class HouseholdUpdateSerializer(serializers.Serializer):
    head_name = serializers.CharField(max_length=50, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    size = serializers.IntegerField(min_value=1, max_value=99, required=False)
    tags = serializers.PrimaryKeyRelatedField(queryset=Tag.objects.all(), many=True, required=False)


class ResidentSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="phone_masked", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    relation_display = serializers.CharField(source="get_relation_display", read_only=True)
    tags = TagNamesField()

    class Meta:
        model = Resident
        fields = [
            "id",
            "household",
            "name",
            "relation",
            "relation_display",
            "id_number",
            "phone",
            "tags",
        ]
        read_only_fields = fields


class ResidentCreateSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyRelatedField(Household)
    name = serializers.CharField(max_length=50)
    relation = serializers.ChoiceField(
        choices=Resident.Relation.choices, required=False, default=Resident.Relation.OTHER
    )
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    tags = serializers.PrimaryKeyRelatedField(
        queryset=Tag.objects.all(), many=True, required=False, default=list
    )


# --- representatives, links, visits --------------------------------------------


class RepresentativeSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="phone_masked", read_only=True)
    place_name = serializers.CharField(source="place.name", read_only=True)

    class Meta:
        model = Representative
        fields = ["id", "name", "phone", "town", "place", "place_name", "active"]
        read_only_fields = fields


class RepresentativeCreateSerializer(serializers.Serializer):
    place = ScopedPrimaryKeyRelatedField(Place, help_text=_("The village or community."))
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class RepresentativeLinkSerializer(serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)
    representative_name = serializers.CharField(source="representative.name", read_only=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = RepresentativeLink
        fields = [
            "id",
            "household",
            "household_code",
            "representative",
            "representative_name",
            "started_at",
            "ended_at",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, obj: RepresentativeLink) -> bool:
        return obj.ended_at is None


class RepresentativeLinkCreateSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyRelatedField(Household)
    representative = ScopedPrimaryKeyRelatedField(Representative)


class VisitSerializer(serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code", read_only=True)
    representative_name = serializers.CharField(source="representative.name", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "household",
            "household_code",
            "representative",
            "representative_name",
            "visited_at",
            "mode",
            "notes",
            "latitude",
            "longitude",
            "accuracy_m",
            "device_time",
            "server_time",
        ]
        read_only_fields = fields


class VisitCreateSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyRelatedField(Household)
    mode = serializers.ChoiceField(
        choices=Visit.Mode.choices, required=False, default=Visit.Mode.DOOR
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    visited_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    accuracy_m = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None
    )
    device_time = serializers.DateTimeField(required=False, allow_null=True, default=None)
    representative = ScopedPrimaryKeyRelatedField(
        Representative,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Defaults to the caller (a representative) or the household's representative."),
    )
