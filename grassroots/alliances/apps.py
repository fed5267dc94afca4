from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "grassroots.alliances"
    label = "alliances"
    verbose_name = _('"Party-building+" alliances and projects')

    def ready(self) -> None:
        from grassroots.alliances import rules
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register

        register(
            NavItem(
                "alliances",
                PLACES["alliances"],
                "alliances:list",
                "share",
                "party",
                26,
                visible=rules.sees_alliances,
            ),
        )
