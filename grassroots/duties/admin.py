"""Duty plans and assignments in the back office: read-only and scoped (changes go
through the duties pages and services)."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ScopedReadOnlyAdmin
from grassroots.core.roles import Cap
from grassroots.duties.models import Assignment, Plan


class DutiesAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.MANAGE_DUTIES


@admin.register(Plan)
class PlanAdmin(DutiesAdmin):
    list_display = ("title", "organization", "starts_on", "ends_on", "status")
    list_select_related = ("organization",)
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Assignment)
class AssignmentAdmin(DutiesAdmin):
    list_display = ("organization", "period", "cadence", "due_on", "status", "overdue")
    list_select_related = ("organization",)
    list_filter = ("cadence", "status", "overdue")
    readonly_fields = ("org_path",)
    date_hierarchy = "due_on"
