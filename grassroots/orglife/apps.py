from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgLifeConfig(AppConfig):
    name = "grassroots.orglife"
    label = "orglife"
    verbose_name = _("organisational life")

    def ready(self) -> None:
        from grassroots.core import records
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.orglife import rules, selectors
        from grassroots.orglife.models import RECORD_LABELS, MeetingKind
        from grassroots.orglife.services import record_key

        records.register(
            *(
                records.RecordKind(
                    key=record_key(kind),
                    label=RECORD_LABELS[kind],
                    url_name="orglife:meeting",
                    find=selectors.finder(kind),
                )
                for kind in MeetingKind.values
            )
        )
        register(
            NavItem(
                "meetings",
                PLACES["meetings"],
                "orglife:list",
                "clipboard-list",
                "party",
                24,
                visible=rules.sees_meetings,
            ),
        )
