from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "grassroots.inspections"
    label = "inspections"
    verbose_name = _("inspections and model branches")

    def ready(self) -> None:
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.inspections import notices  # noqa: F401 - registers the messages
        from grassroots.inspections.views import rules

        register(
            NavItem(
                "inspections",
                PLACES["inspections"],
                "inspections:index",
                "clipboard-check",
                "party",
                40,
                tab=rules.inspects,
                visible=rules.sees_inspections,
            ),
            NavItem(
                "indicator_sets",
                PLACES["indicator_sets"],
                "inspections:sets",
                "list-details",
                "party",
                41,
                visible=rules.sees_inspections,
            ),
            NavItem(
                "inspection_plans",
                PLACES["inspection_plans"],
                "inspections:plans",
                "calendar",
                "party",
                42,
                visible=rules.inspects,
            ),
            NavItem(
                "campaigns",
                PLACES["campaigns"],
                "inspections:campaigns",
                "star",
                "party",
                43,
                visible=rules.sees_inspections,
            ),
        )
