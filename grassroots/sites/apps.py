from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "grassroots.sites"
    label = "sites"
    verbose_name = _("branch sites")

    def ready(self) -> None:
        from grassroots.core import records
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.sites import rules, selectors
        from grassroots.sites.models import RECORD_LABELS, STAGES
        from grassroots.sites.services import record_key

        records.register(
            *(
                records.RecordKind(
                    key=record_key(stage),
                    label=RECORD_LABELS[stage],
                    url_name="sites:project",
                    find=selectors.finder(stage),
                )
                for stage in STAGES
            )
        )
        register(
            NavItem(
                "sites",
                PLACES["sites"],
                "sites:board",
                "building",
                "party",
                27,
                visible=rules.sees_sites,
            ),
        )
