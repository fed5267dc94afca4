from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadenceConfig(AppConfig):
    name = "grassroots.cadence"
    label = "cadence"
    verbose_name = _("work cadence")
