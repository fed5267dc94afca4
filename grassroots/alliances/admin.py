"""Alliances and innovation projects in the back office: read-only and scoped."""

from __future__ import annotations

from django.contrib import admin

from grassroots.alliances.models import Alliance, InnovationProject
from grassroots.core.admin import ScopedReadOnlyAdmin
from grassroots.core.roles import Cap


@admin.register(Alliance)
class AllianceAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.VIEW_PARTY
    list_display = ("name", "kind", "lead", "founded_on")
    list_select_related = ("lead",)
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(InnovationProject)
class InnovationProjectAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.VIEW_PARTY
    list_display = ("title", "organization", "status", "progress", "due_on")
    list_select_related = ("organization",)
    list_filter = ("status",)
    search_fields = ("title",)
