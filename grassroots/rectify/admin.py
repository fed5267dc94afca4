"""Rectification items in the back office: read-only and scoped (no admin path closes one)."""

from __future__ import annotations

from django.contrib import admin

from grassroots.core.admin import ScopedReadOnlyAdmin
from grassroots.core.roles import Cap
from grassroots.rectify.models import Extension, Item


class RectifyAdmin(ScopedReadOnlyAdmin):
    view_capability = Cap.MANAGE_RECTIFICATION


@admin.register(Item)
class ItemAdmin(RectifyAdmin):
    list_display = ("code", "organization", "source", "kind", "deadline", "status", "warned")
    list_select_related = ("organization",)
    list_filter = ("status", "source", "kind", "warned")
    search_fields = ("code", "problem")


@admin.register(Extension)
class ExtensionAdmin(RectifyAdmin):
    list_display = ("item", "old_deadline", "new_deadline", "approved", "decided_at")
    list_select_related = ("item",)
