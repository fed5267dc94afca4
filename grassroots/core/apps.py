from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "grassroots.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Before any URLconf is loaded: every `<id:...>` route reads through it.
        from django.urls import register_converter

        from grassroots.core.ids import IdConverter

        register_converter(IdConverter, "id")
