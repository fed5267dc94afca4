"""Meeting records in the back office: read-only and scoped."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ScopedReadOnlyAdmin
from grassroots.core.roles import Cap
from grassroots.orglife.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.VIEW_PARTY
    list_display = ("held_on", "kind", "organization", "topic", "expected", "present")
    list_select_related = ("organization",)
    list_filter = ("kind",)
    search_fields = ("topic",)
    date_hierarchy = "held_on"
    exclude = ("file",)
