from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "grassroots.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register

        register(
            NavItem("notices", PLACES["notices"], "notify:inbox", "bell", "main", 80, tab=True)
        )
