"""Site projects in the back office: read-only and scoped."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ScopedReadOnlyAdmin
from grassroots.core.roles import Cap
from grassroots.sites.models import Project


@admin.register(Project)
class ProjectAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.VIEW_PARTY
    list_display = ("name", "branch", "stage", "deadline", "is_demonstration")
    list_select_related = ("branch",)
    list_filter = ("stage", "is_demonstration")
    search_fields = ("name",)
