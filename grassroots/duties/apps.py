from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "grassroots.duties"
    label = "duties"
    verbose_name = _("duty checklists")

    def ready(self) -> None:
        from grassroots.core.events import Event, Phase, subscribe
        from grassroots.duties import notices  # noqa: F401 - registers the messages
        from grassroots.duties.nav import register_nav
        from grassroots.duties.services import complete_from_record

        subscribe(Event.BRANCH_RECORD, complete_from_record, phase=Phase.IN_TRANSACTION)
        register_nav()
