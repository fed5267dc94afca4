"""Users and role assignments in the back office; roles are granted through the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from grassroots.accounts import services
from grassroots.accounts.models import RoleAssignment, User
from grassroots.core.admin import is_town_admin
from grassroots.core.scoping import prefix_q, scope_for


@admin.register(User)
class GrassrootsUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Grassroots"), {"fields": ("display_name",)}),
    )
    list_display = ("username", "display_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "display_name")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "place", "organization", "active", "created_at")
    list_filter = ("role", "active")
    search_fields = ("user__username", "user__display_name")
    list_select_related = ("user", "place", "organization")
    fields = ("user", "role", "place", "organization")
    autocomplete_fields = ()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_town_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_town_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_town_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)
        scope = scope_for(request.user)
        if scope.everything:
            return qs
        return qs.filter(
            prefix_q("place__path", scope.place_paths)
            | prefix_q("organization__path", scope.org_paths)
            | Q(user=request.user)
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Anchors offered are those inside the granting administrator's area.
        if db_field.name in ("place", "organization"):
            kwargs["queryset"] = db_field.related_model.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        granted = services.role_grant(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            place=obj.place,
            organization=obj.organization,
        )
        obj.pk = granted.pk
        obj.created_at = granted.created_at


# --- otp (issue #14): authenticator devices hold secrets; they change only through the
# two-factor pages (`accounts.twofactor`), never in the back office.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
# --- end otp
