from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "grassroots.alliances"
    label = "alliances"
    verbose_name = _('"Party-building+" alliances and projects')
