from __future__ import annotations

import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "grassroots.cases"
    label = "cases"
    verbose_name = _("Residents’ cases")

    def ready(self) -> None:
        from grassroots.cases.models import Category
        from grassroots.cases.selectors import CATEGORIES

        CATEGORIES.watch(Category)

        from grassroots.accounts.models import RoleAssignment
        from grassroots.cases.services import DISPATCHERS
        from grassroots.party.models import Organization

        DISPATCHERS.watch(RoleAssignment, Organization)

        from grassroots.cases import sweeps
        from grassroots.core import pollers

        # New cases are announced to their dispatchers within seconds (decision 0007).
        pollers.register("case announcements", sweeps.sweep_announcements, every_s=2.0)
        # Filings queued through /api/case-intake/ become cases within a second or two.
        from grassroots.cases import services

        pollers.register("case intake", services.intake_drain, every_s=1.0)
        # jieba loads its dictionary (about a second) on first use; in a web
        # worker that would be some resident's request. Load it while the worker
        # boots instead; commands and tests keep loading it lazily.
        if "gunicorn" in sys.modules:
            from grassroots.cases.text import warm

            warm()
