from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgLifeConfig(AppConfig):
    name = "grassroots.orglife"
    label = "orglife"
    verbose_name = _("organisational life")
