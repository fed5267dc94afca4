from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InspectionsConfig(AppConfig):
    name = "grassroots.inspections"
    label = "inspections"
    verbose_name = _("inspections and model branches")

    def ready(self) -> None:
        from grassroots.core import records
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.inspections import (
            notices,  # noqa: F401 - registers the messages
            selectors,
        )
        from grassroots.inspections.services import RECORD_KIND
        from grassroots.inspections.views import rules

        register(
            NavItem(
                "inspections",
                PLACES["inspections"],
                "inspections:index",
                "clipboard-list",
                "party",
                44,
                tab=rules.inspects_mainly,
                visible=rules.sees_inspections,
            ),
            NavItem(
                "indicator_sets",
                PLACES["indicator_sets"],
                "inspections:sets",
                "list-details",
                "party",
                45,
                visible=rules.sees_inspections,
            ),
            NavItem(
                "inspection_plans",
                PLACES["inspection_plans"],
                "inspections:plans",
                "calendar",
                "party",
                46,
                visible=rules.inspects,
            ),
            NavItem(
                "campaigns",
                PLACES["campaigns"],
                "inspections:campaigns",
                "star",
                "party",
                47,
                visible=rules.sees_inspections,
            ),
        )
        records.register(
            records.RecordKind(
                key=RECORD_KIND,
                label=pgettext_lazy("record kind", "Inspection acknowledged by the branch"),
                url_name="inspections:detail",
                find=selectors.find_acknowledged,
            )
        )
