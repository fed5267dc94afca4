"""API keys in the admin: a new key is generated on save and shown once."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.open311 import services
from grassroots.open311.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "town",
        "user",
        "exact_locations",
        "active",
        "created_at",
        "last_used_at",
    ]
    list_filter = ["active", "exact_locations"]
    fields = ["name", "town", "user", "exact_locations"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Keys are created or revoked, never edited (the hash cannot change anyway).
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        key, raw = services.apikey_create(
            actor=request.user,
            name=obj.name,
            town=obj.town,
            user=obj.user,
            exact_locations=obj.exact_locations,
        )
        obj.pk = key.pk
        messages.warning(
            request,
            _("The new key is %(key)s — copy it now, it will not be shown again.") % {"key": raw},
        )

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        for key in queryset:
            services.apikey_revoke(actor=request.user, key=key)
