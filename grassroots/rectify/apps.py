from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectifyConfig(AppConfig):
    name = "grassroots.rectify"
    label = "rectify"
    verbose_name = _("rectification")

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from grassroots.core import records
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.core.roles import Cap
        from grassroots.rectify import selectors
        from grassroots.rectify.services import RECORD_KIND

        register(
            NavItem(
                "rectification",
                PLACES["rectification"],
                "rectify:ledger",
                "clipboard-check",
                "party",
                40,
                visible=lambda scope: (
                    scope.can(Cap.MANAGE_RECTIFICATION)
                    or scope.can(Cap.REVIEW_RECTIFICATION)
                    or scope.can(Cap.DO_DUTIES)
                    or bool(scope.instructor_ids)
                ),
            )
        )
        records.register(
            records.RecordKind(
                key=RECORD_KIND,
                label=pgettext_lazy("record kind", "Rectification signed off"),
                url_name="rectify:item",
                find=selectors.find_closed,
            )
        )
