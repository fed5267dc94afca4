from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "grassroots.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        # The prepared figures commit or roll back with the change they count.
        from grassroots.analytics import services
        from grassroots.core.events import Event, Phase, subscribe

        subscribe(Event.HOUSEHOLD_ADDED, services.household_added, phase=Phase.IN_TRANSACTION)
        subscribe(Event.HOUSEHOLDS_ADDED, services.households_added, phase=Phase.IN_TRANSACTION)
        subscribe(Event.VISIT_LOGGED, services.visit_logged, phase=Phase.IN_TRANSACTION)
