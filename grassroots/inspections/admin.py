"""Inspections and campaigns in the back office: read-only and scoped."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ScopedReadOnlyAdmin
from grassroots.core.roles import Cap
from grassroots.inspections.models import (
    Application,
    Campaign,
    IndicatorSet,
    Inspection,
    InspectionPlan,
    StarRating,
)


class InspectionsAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.INSPECT


@admin.register(IndicatorSet)
class IndicatorSetAdmin(InspectionsAdmin):
    list_display = ("name", "version", "purpose", "status", "created_at")
    list_filter = ("purpose", "status")
    search_fields = ("name",)


@admin.register(InspectionPlan)
class InspectionPlanAdmin(InspectionsAdmin):
    list_display = ("title", "starts_on", "ends_on", "sample_size", "seed", "drawn_at")
    search_fields = ("title",)


@admin.register(Inspection)
class InspectionAdmin(InspectionsAdmin):
    list_display = ("organization", "inspected_on", "status", "total", "acknowledged_at")
    list_select_related = ("organization",)
    list_filter = ("status",)


@admin.register(Campaign)
class CampaignAdmin(InspectionsAdmin):
    list_display = ("title", "applies_from", "applies_until", "notice_days", "status")


@admin.register(Application)
class ApplicationAdmin(InspectionsAdmin):
    list_display = ("organization", "campaign", "status", "self_total", "review_total")
    list_select_related = ("organization", "campaign")
    list_filter = ("status",)


@admin.register(StarRating)
class StarRatingAdmin(InspectionsAdmin):
    list_display = ("organization", "stars", "awarded_on", "campaign", "reason")
    list_select_related = ("organization", "campaign")
