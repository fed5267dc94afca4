from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    name = "grassroots.grid"
    label = "grid"
    verbose_name = _("Grid")

    def ready(self) -> None:
        from grassroots.grid.models import Place
        from grassroots.grid.selectors import PLACES

        PLACES.watch(Place)

        from grassroots.core import glossary
        from grassroots.core.nav import NavItem, register
        from grassroots.core.roles import Cap

        def sees_grid(scope):
            return scope.can(Cap.VIEW_GRID)

        names = glossary.PLACES
        register(
            NavItem(
                "my_households",
                names["my_households"],
                "grid:mine",
                "home-heart",
                "grid",
                10,
                tab=True,
                visible=lambda scope: bool(scope.representative_ids),
            ),
            NavItem(
                "households",
                names["households"],
                "grid:household_list",
                "users",
                "grid",
                12,
                visible=sees_grid,
            ),
            NavItem(
                "grid", names["grid"], "grid:browser", "sitemap", "grid", 14, visible=sees_grid
            ),
        )
