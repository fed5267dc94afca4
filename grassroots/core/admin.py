"""Back office: scoped, read-only by default; the few editable tables audit their edits.

Domain records change only through services (with their checks and audit rows),
so the admin shows them read-only and scoped by `visible_to`. Editable here are
only small reference tables that have no service of their own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grassroots.core import audit, calendar
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent, CalendarDay
from grassroots.core.roles import Cap, Role
from grassroots.core.scoping import ScopedQuerySet, scope_for

admin.site.site_header = _("Grassroots back office")
admin.site.site_title = _("Grassroots back office")
admin.site.index_title = _("Records")


def is_town_admin(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    scope = scope_for(user)
    return scope.everything or Role.TOWN_ADMIN in scope.roles


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    """A domain model in the back office: visible within scope, never written."""

    view_capability = Cap.VIEW_GRID

    def _may_view(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and scope_for(user).can(self.view_capability))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_view(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)
        if isinstance(qs, ScopedQuerySet):
            return qs.visible_to(request.user)
        return qs


class TownAdminEditable(admin.ModelAdmin):
    """A reference table a town administrator may edit; every edit is audited."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_town_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_town_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_town_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_town_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_town_admin(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=Action.ADMIN_CHANGED if change else Action.ADMIN_ADDED,
            obj=obj,
            data={"fields": list(form.changed_data)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(
            actor=request.user,
            action=Action.ADMIN_DELETED,
            obj=obj,
            data={"repr": str(obj)},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarDay)
class CalendarDayAdmin(TownAdminEditable):
    list_display = ("date", "is_workday", "name", "source")
    list_filter = ("is_workday", "source")
    date_hierarchy = "date"
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.source = CalendarDay.Source.ADMIN
        super().save_model(request, obj, form, change)
        # Deadlines are computed from a cached copy of the table.
        calendar.invalidate()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        calendar.invalidate()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, scoped: each reader sees the rows about what they reach (`AuditEventQuerySet`)."""

    list_display = ("at", "actor", "action", "object_type", "object_id", "result", "reason")
    list_filter = ("action", "object_type", "result")
    search_fields = ("action", "object_type", "object_id", "reason", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def _may_view(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and scope_for(user).can(Cap.VIEW_AUDIT))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_view(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_view(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return AuditEvent.objects.visible_to(request.user).select_related("actor")
