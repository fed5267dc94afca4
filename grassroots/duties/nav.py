"""The duties destinations in the navigation (registered from `DutiesConfig.ready`)."""

from __future__ import annotations

from grassroots.core.glossary import PLACES
from grassroots.core.nav import NavItem, register
from grassroots.duties import rules


def register_nav() -> None:
    register(
        NavItem(
            "duties_week",
            PLACES["duties_week"],
            "duties:week",
            "clipboard-check",
            "party",
            15,
            tab=True,
            visible=rules.sees_week,
        ),
        NavItem(
            "duties_board",
            PLACES["duties_board"],
            "duties:board",
            "chart-bar",
            "party",
            24,
            visible=rules.sees_board,
            also=("/duties/branch/",),
        ),
        NavItem(
            "duties_plans",
            PLACES["duties_plans"],
            "duties:plans",
            "list-details",
            "party",
            26,
            visible=rules.manages_plans,
        ),
    )
