"""API shapes for the Party tree: organisations, members, instructors, guidance.

Read serializers output masked personal data only; write serializers validate
shape and the viewsets call party.services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grassroots.core.api import ScopedPrimaryKeyRelatedField
from grassroots.grid.models import Place
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)


class OrganizationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    org_type_display = serializers.CharField(source="get_org_type_display", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "kind",
            "kind_display",
            "org_type",
            "org_type_display",
            "name",
            "place",
            "town",
            "depth",
            "numchild",
            "path",
        ]
        read_only_fields = fields


class OrganizationCreateSerializer(serializers.Serializer):
    parent = ScopedPrimaryKeyRelatedField(
        Organization,
        allow_null=True,
        help_text=_("Parent organisation; null creates a top-level committee (superuser only)."),
    )
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)
    name = serializers.CharField(max_length=120)
    org_type = serializers.ChoiceField(
        choices=Organization.OrgType.choices,
        required=False,
        default=Organization.OrgType.VILLAGE,
    )
    place = ScopedPrimaryKeyRelatedField(Place, required=False, allow_null=True, default=None)


class MemberSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="phone_masked", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    # Both may be blank: said so in the schema (read-only choice fields lose allow_blank).
    gender = serializers.ChoiceField(
        choices=Member.Gender.choices, allow_blank=True, read_only=True
    )
    post = serializers.ChoiceField(choices=Member.Post.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "organization",
            "organization_name",
            "name",
            "gender",
            "status",
            "joined_on",
            "post",
            "phone",
            "id_number",
            "active",
        ]
        read_only_fields = fields


class MemberCreateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(Organization)
    name = serializers.CharField(max_length=50)
    status = serializers.ChoiceField(
        choices=Member.Status.choices, required=False, default=Member.Status.FULL
    )
    joined_on = serializers.DateField(required=False, allow_null=True, default=None)
    post = serializers.ChoiceField(choices=Member.Post.choices, required=False, default="")
    gender = serializers.ChoiceField(
        choices=Member.Gender.choices, required=False, allow_blank=True, default=""
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class MemberUpdateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(Organization, required=False)
    status = serializers.ChoiceField(choices=Member.Status.choices, required=False)
    post = serializers.ChoiceField(choices=Member.Post.choices, required=False)
    active = serializers.BooleanField(required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class InstructorSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(source="phone_masked", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Instructor
        fields = ["id", "kind", "kind_display", "name", "title", "phone", "town"]
        read_only_fields = fields


class InstructorCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    kind = serializers.ChoiceField(
        choices=Instructor.Kind.choices, required=False, default=Instructor.Kind.INSTRUCTOR
    )
    title = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    town = ScopedPrimaryKeyRelatedField(Place, required=False, allow_null=True, default=None)


class GuidanceAssignmentSerializer(serializers.ModelSerializer):
    instructor_name = serializers.CharField(source="instructor.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = GuidanceAssignment
        fields = [
            "id",
            "instructor",
            "instructor_name",
            "organization",
            "organization_name",
            "started_on",
            "ended_on",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, obj: GuidanceAssignment) -> bool:
        return obj.ended_on is None


class GuidanceAssignmentCreateSerializer(serializers.Serializer):
    instructor = ScopedPrimaryKeyRelatedField(Instructor)
    organization = ScopedPrimaryKeyRelatedField(Organization)
    started_on = serializers.DateField(required=False, allow_null=True, default=None)


class GuidanceAssignmentEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class GuidanceVisitSerializer(serializers.ModelSerializer):
    instructor_name = serializers.CharField(source="instructor.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = GuidanceVisit
        fields = [
            "id",
            "instructor",
            "instructor_name",
            "organization",
            "organization_name",
            "visited_on",
            "topic",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class GuidanceVisitCreateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(Organization)
    topic = serializers.CharField(max_length=120)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    visited_on = serializers.DateField(required=False, allow_null=True, default=None)
    instructor = ScopedPrimaryKeyRelatedField(
        Instructor,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Defaults to the caller when the caller is an instructor."),
    )
