"""API shapes of site projects: read with steps, checklist, photos and visits; writes for services."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from grassroots.core.api import ScopedPrimaryKeyRelatedField
from grassroots.party.models import Organization
from grassroots.sites.models import CheckItem, Photo, Project, ProjectVisit, Stage, StageStep


class SiteStageStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageStep
        fields = ["stage", "planned_on", "done_on", "note"]
        read_only_fields = fields


class SiteCheckItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckItem
        fields = ["id", "project", "position", "text", "done", "done_at", "note"]
        read_only_fields = fields


class SitePhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["id", "project", "stage", "caption", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj: Photo) -> str:
        return reverse("sites:photo", args=[obj.pk])


class SiteVisitSerializer(serializers.ModelSerializer):
    visited_on = serializers.DateField(source="visit.visited_on", read_only=True)
    topic = serializers.CharField(source="visit.topic", read_only=True)
    instructor_name = serializers.CharField(source="visit.instructor.name", read_only=True)

    class Meta:
        model = ProjectVisit
        fields = ["id", "visit", "visited_on", "topic", "instructor_name"]
        read_only_fields = fields


class SiteProjectSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    steps = SiteStageStepSerializer(many=True, read_only=True)
    checks = SiteCheckItemSerializer(many=True, read_only=True)
    photos = SitePhotoSerializer(many=True, read_only=True)
    visits = SiteVisitSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "branch",
            "branch_name",
            "name",
            "address",
            "area_m2",
            "stage",
            "deadline",
            "overdue",
            "is_demonstration",
            "linked_projects",
            "notes",
            "created_at",
            "updated_at",
            "steps",
            "checks",
            "photos",
            "visits",
        ]
        read_only_fields = fields


class SitePlannedSerializer(serializers.Serializer):
    survey = serializers.DateField(required=False, allow_null=True)
    siting = serializers.DateField(required=False, allow_null=True)
    design = serializers.DateField(required=False, allow_null=True)
    build = serializers.DateField(required=False, allow_null=True)
    acceptance = serializers.DateField(required=False, allow_null=True)
    in_use = serializers.DateField(required=False, allow_null=True)


class SiteProjectUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    area_m2 = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    linked_projects = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    deadline = serializers.DateField(
        required=False, help_text=_("The committee's (town admin, organisation officer) only.")
    )
    is_demonstration = serializers.BooleanField(
        required=False, help_text=_("The committee's (town admin, organisation officer) only.")
    )


class SiteProjectCreateSerializer(SiteProjectUpdateSerializer):
    branch = ScopedPrimaryKeyRelatedField(Organization, help_text=_("The branch the site is for."))
    name = serializers.CharField(max_length=100)
    planned = SitePlannedSerializer(required=False)
    checklist = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=50, required=False, default=list
    )

    def to_service(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["planned"] = dict(data.get("planned") or {})
        return data


class SiteReachSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    on = serializers.DateField(required=False, help_text=_("Today when left out."))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SiteCorrectSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    on = serializers.DateField()


class SiteCheckAddSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200)


class SiteCheckSetSerializer(serializers.Serializer):
    done = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SitePhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField()
    caption = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    stage = serializers.ChoiceField(choices=Stage.choices, required=False, default="")


class SiteVisitLogSerializer(serializers.Serializer):
    topic = serializers.CharField(max_length=120)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    visited_on = serializers.DateField(required=False)


class SiteStageCountSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
