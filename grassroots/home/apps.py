from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "grassroots.home"
    label = "home"
    verbose_name = _("Home")

    def ready(self) -> None:
        from grassroots.grid.selectors import provide_household_cases
        from grassroots.home.providers import household_cases

        provide_household_cases(household_cases)
