"""Party records in the back office: read-only and scoped."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ScopedReadOnlyAdmin
from grassroots.core.roles import Cap
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)


class PartyAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.VIEW_PARTY


@admin.register(Organization)
class OrganizationAdmin(PartyAdmin):
    list_display = ("name", "kind", "org_type", "place", "depth")
    list_select_related = ("place",)
    list_filter = ("kind", "org_type")
    search_fields = ("name",)


@admin.register(Member)
class MemberAdmin(PartyAdmin):
    list_display = ("name", "organization", "status", "post", "phone_masked", "joined_on", "active")
    list_select_related = ("organization",)
    list_filter = ("status", "post", "active")
    search_fields = ("name",)
    readonly_fields = ("phone_masked", "id_number_masked", "org_path")


@admin.register(Instructor)
class InstructorAdmin(PartyAdmin):
    list_display = ("name", "kind", "title", "phone_masked", "user")
    list_select_related = ("user",)
    list_filter = ("kind",)
    search_fields = ("name",)
    readonly_fields = ("phone_masked",)


@admin.register(GuidanceAssignment)
class GuidanceAssignmentAdmin(PartyAdmin):
    list_display = ("instructor", "organization", "started_on", "ended_on")
    list_select_related = ("instructor", "organization")


@admin.register(GuidanceVisit)
class GuidanceVisitAdmin(PartyAdmin):
    list_display = ("visited_on", "instructor", "organization", "topic")
    list_select_related = ("instructor", "organization")
    date_hierarchy = "visited_on"
