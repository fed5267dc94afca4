from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "grassroots.party"
    label = "party"
    verbose_name = _("Party organisations")

    def ready(self) -> None:
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.core.roles import Cap

        register(
            # In the tab bar for those whose work is the Party tree (not the grid, not branches).
            NavItem(
                "party",
                PLACES["party"],
                "party:tree",
                "flag",
                "party",
                20,
                tab=lambda scope: not scope.can(Cap.VIEW_GRID) and not scope.instructor_ids,
                visible=lambda scope: scope.can(Cap.VIEW_PARTY),
            ),
            NavItem(
                "my_branches",
                PLACES["my_branches"],
                "party:my_branches",
                "building-community",
                "party",
                22,
                tab=True,
                visible=lambda scope: bool(scope.instructor_ids),
            ),
        )
