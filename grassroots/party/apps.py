from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartyConfig(AppConfig):
    name = "grassroots.party"
    label = "party"
    verbose_name = _("Party organisations")

    def ready(self) -> None:
        from grassroots.core import records
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.core.roles import Cap
        from grassroots.party.selectors import find_guidance_visits
        from grassroots.party.services import GUIDANCE_VISIT_RECORD

        records.register(
            records.RecordKind(
                key=GUIDANCE_VISIT_RECORD,
                label=pgettext_lazy("record kind", "Receive a guidance visit"),
                url_name="party:guidance_visit",
                find=find_guidance_visits,
            )
        )

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
