from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
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
        # Every app's `notices.py` registers the messages it sends (notify.messages),
        # so a notice renders in any process, whichever app wrote it.
        autodiscover_modules("notices")
        # --- accounts (issue #14): forgotten-password codes by SMS
        from grassroots.core.events import Event, subscribe
        from grassroots.notify.reset_codes import send_reset_code

        subscribe(Event.RESET_CODE_REQUESTED, send_reset_code)
        # --- end accounts
