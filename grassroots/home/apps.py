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
        from grassroots.core.roles import Role

        def has_a_home(scope):
            # As home.views.home: a representative with no other role is sent to his
            # households (grid registers them), so he is not offered the home page.
            other_roles = scope.roles - {Role.REPRESENTATIVE, Role.INSTRUCTOR}
            only_representative = not (other_roles or scope.everything or scope.instructor_ids)
            return not (scope.representative_ids and only_representative)

        register(
            NavItem(
                "home", PLACES["home"], "home:home", "home", "main", 0, tab=True, visible=has_a_home
            )
        )

        # The household page lists its cases through grid's slot (home reads cases).
        from grassroots.grid.selectors import provide_household_cases
        from grassroots.home.providers import household_cases

        provide_household_cases(household_cases)
