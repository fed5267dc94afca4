from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "grassroots.inspections"
    label = "inspections"
    verbose_name = _("inspections and model branches")

    def ready(self) -> None:
        from grassroots.inspections import notices  # noqa: F401 - registers the messages
