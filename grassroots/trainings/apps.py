from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "grassroots.trainings"
    label = "trainings"
    verbose_name = _("trainings")

    def ready(self) -> None:
        from grassroots.core import records
        from grassroots.trainings import selectors
        from grassroots.trainings.models import RECORD_LABELS, Kind
        from grassroots.trainings.services.attendance import record_key

        records.register(
            *(
                records.RecordKind(
                    key=record_key(kind),
                    label=RECORD_LABELS[kind],
                    url_name="trainings:session",
                    find=selectors.finder(kind),
                )
                for kind in Kind.values
            )
        )
        # --- programmes (nav etc.) go between here and the end marker
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, everyone, register
        from grassroots.trainings import rules

        register(
            NavItem(
                "trainings",
                PLACES["trainings"],
                "trainings:list",
                "notes",
                "party",
                30,
                visible=rules.sees_trainings,
            ),
            NavItem(
                "my_training",
                PLACES["my_training"],
                "trainings:mine",
                "notes",
                "party",
                31,
                visible=everyone,
            ),
        )
        # --- end programmes
        # --- checkin
        from grassroots.trainings.services import checkin_fast

        checkin_fast.watch()
        # --- end checkin
