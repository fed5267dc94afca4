from __future__ import annotations

import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "grassroots.cases"
    label = "cases"
    verbose_name = _("Residents’ cases")

    def ready(self) -> None:
        # jieba loads its dictionary (about a second) on first use; in a web
        # worker that would be some resident's request. Load it while the worker
        # boots instead; commands and tests keep loading it lazily.
        if "gunicorn" in sys.modules:
            from grassroots.cases.text import warm

            warm()
