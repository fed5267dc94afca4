from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "grassroots.exchange"
    label = "exchange"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.core.roles import Cap

        register(
            NavItem(
                "exchange",
                PLACES["exchange"],
                "exchange:index",
                "file-spreadsheet",
                "data",
                60,
                visible=lambda scope: scope.can(Cap.IMPORT) or scope.can(Cap.EXPORT),
            ),
        )
