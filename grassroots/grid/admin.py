"""Grid records in the back office: read-only and scoped; tags are editable."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ScopedReadOnlyAdmin, TownAdminEditable
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Tag,
    Visit,
)


@admin.register(Place)
class PlaceAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "kind", "code", "depth", "path")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(Tag)
class TagAdmin(TownAdminEditable):
    list_display = ("name", "applies_to", "sensitive")
    list_filter = ("applies_to", "sensitive")
    search_fields = ("name",)


@admin.register(Household)
class HouseholdAdmin(ScopedReadOnlyAdmin):
    list_display = (
        "code",
        "head_name",
        "place",
        "phone_masked",
        "size",
        "representative",
        "last_visit_at",
    )
    list_select_related = ("place", "representative")
    search_fields = ("code", "head_name", "address")
    list_filter = ("tags",)
    readonly_fields = ("phone_masked", "place_path")
    exclude = ("phone", "phone_hash")


@admin.register(Resident)
class ResidentAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "household", "relation", "id_number_masked", "phone_masked")
    list_select_related = ("household",)
    search_fields = ("name", "household__code")
    readonly_fields = ("id_number_masked", "phone_masked", "place_path")


@admin.register(Representative)
class RepresentativeAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "place", "phone_masked", "user", "active")
    list_select_related = ("place", "user")
    list_filter = ("active",)
    search_fields = ("name",)
    readonly_fields = ("phone_masked", "place_path")


@admin.register(RepresentativeLink)
class RepresentativeLinkAdmin(ScopedReadOnlyAdmin):
    list_display = ("household", "representative", "started_at", "ended_at")
    list_select_related = ("household", "representative")
    search_fields = ("household__code", "representative__name")


@admin.register(Visit)
class VisitAdmin(ScopedReadOnlyAdmin):
    list_display = ("visited_at", "household", "representative", "mode", "accuracy_m")
    list_select_related = ("household", "representative")
    list_filter = ("mode",)
    date_hierarchy = "visited_at"
    search_fields = ("household__code", "representative__name")
