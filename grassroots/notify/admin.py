"""Admin: town robots are configured here; notices and deliveries are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grassroots.notify import channels, services
from grassroots.notify.models import Delivery, Notice, TownWebhook


class TownWebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("webhook"), max_length=500, assume_scheme="https")

    class Meta:
        model = TownWebhook
        fields = ["town", "name", "channel", "url", "secret", "kinds", "enabled"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            channels.check_webhook_url(url)
        except channels.DeliveryError as exc:
            raise forms.ValidationError(
                _("Only the official robot webhook addresses are allowed.")
            ) from exc
        return url


@admin.register(TownWebhook)
class TownWebhookAdmin(admin.ModelAdmin):
    form = TownWebhookForm
    list_display = ["name", "town", "channel", "kinds", "enabled"]
    list_filter = ["channel", "enabled"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.town_webhook_save(actor=request.user, hook=obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "message", "title", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["message", "fallback_title", "key"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "notice", "channel", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    list_select_related = ["notice__recipient"]
