from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "grassroots.home"
    label = "home"
    verbose_name = _("Home")

    def ready(self) -> None:
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register

        # A representative's home in the tab bar is his households (grid registers them).
        register(
            NavItem(
                "home",
                PLACES["home"],
                "home:home",
                "home",
                "main",
                0,
                tab=lambda scope: not scope.representative_ids,
            )
        )

        # The household page lists its cases through grid's slot (home reads cases).
        from grassroots.grid.selectors import provide_household_cases
        from grassroots.home.providers import household_cases

        provide_household_cases(household_cases)
