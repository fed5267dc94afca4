from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "grassroots.duties"
    label = "duties"
    verbose_name = _("duty checklists")
