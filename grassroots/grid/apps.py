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
