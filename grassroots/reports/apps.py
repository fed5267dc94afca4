from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "grassroots.reports"
    label = "reports"
    verbose_name = _("reports")

    def ready(self) -> None:
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.reports import selectors

        register(
            NavItem(
                "reports",
                PLACES["reports"],
                "reports:list",
                "file-text",
                "data",
                62,
                visible=selectors.sees_reports,
            ),
        )
