from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectifyConfig(AppConfig):
    name = "grassroots.rectify"
    label = "rectify"
    verbose_name = _("rectification")
