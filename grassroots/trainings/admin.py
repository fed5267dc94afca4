"""Trainings in the back office: read-only and scoped."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ScopedReadOnlyAdmin
from grassroots.core.roles import Cap
from grassroots.trainings.models import Programme, Session


@admin.register(Programme)
class ProgrammeAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.MANAGE_TRAINING
    list_display = ("name", "kind", "audience", "starts_on", "ends_on", "status")
    list_filter = ("kind", "status")
    search_fields = ("name",)


@admin.register(Session)
class SessionAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.MANAGE_TRAINING
    list_display = ("topic", "programme", "on", "mode", "hours", "cancelled")
    list_select_related = ("programme",)
    list_filter = ("mode",)
    date_hierarchy = "on"
    exclude = ("material_file",)
