from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from grassroots.core.events import Event, Phase, subscribe


class AnalyticsConfig(AppConfig):
    name = "grassroots.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        # Models load only once the registry is ready, hence the imports here.
        from grassroots.analytics import selectors, services, tasks
        from grassroots.grid.selectors import provide_prepared_households

        # The prepared figures commit or roll back with the change they count.
        subscribe(Event.HOUSEHOLD_ADDED, services.household_added, phase=Phase.IN_TRANSACTION)
        subscribe(Event.HOUSEHOLDS_ADDED, services.households_added, phase=Phase.IN_TRANSACTION)
        subscribe(Event.VISIT_LOGGED, services.visit_logged, phase=Phase.IN_TRANSACTION)
        # Everything else is recomputed per town by the worker after the commit (the
        # subscribers only note the node; tasks._flush writes the marks once, after it).
        subscribe(Event.FIGURES_STALE, tasks.figures_stale, phase=Phase.IN_TRANSACTION)
        subscribe(Event.VISIT_LOGGED, tasks.visit_stale, phase=Phase.IN_TRANSACTION)
        subscribe(Event.HOUSEHOLD_ADDED, tasks.households_stale, phase=Phase.AFTER_COMMIT)
        subscribe(Event.HOUSEHOLDS_ADDED, tasks.households_stale, phase=Phase.AFTER_COMMIT)
        subscribe(Event.BRANCH_RECORD, tasks.branch_record, phase=Phase.IN_TRANSACTION)
        provide_prepared_households(selectors.prepared_households)
