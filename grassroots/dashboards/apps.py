from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The destination's label is core.glossary.PLACES["dashboards"]; this copy of its msgid puts
# its Chinese (数据驾驶舱) in this app's catalogue, so that core's catalogue need not change
# in the issue #13 work (the integrator may move the entry to core's catalogue).
DESTINATION = pgettext_lazy("destination", "Dashboard")


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
