from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "grassroots.dashboards"
    label = "dashboards"
    verbose_name = _("dashboards")

    def ready(self) -> None:
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.dashboards import rules

        register(
            NavItem(
                "dashboards",
                PLACES["dashboards"],
                "dashboards:cockpit",
                "chart-bar",
                "main",
                5,
                visible=rules.sees_dashboards,
            ),
        )
