from __future__ import annotations

import sys

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "grassroots.cases"
    label = "cases"
    verbose_name = _("Residents’ cases")

    def ready(self) -> None:
        # Imported here, not at the top: these modules load models, which the
        # app registry allows only once every app is ready.
        from grassroots.accounts.models import RoleAssignment
        from grassroots.cases import rules, sweeps
        from grassroots.cases.models import Category
        from grassroots.cases.selectors import CATEGORIES
        from grassroots.cases.services import DISPATCHERS, intake_drain
        from grassroots.cases.text import warm
        from grassroots.core import pollers
        from grassroots.core.scoping import register_scope_part
        from grassroots.party.models import Organization

        # A handler's scope also reaches the households of the cases they hold.
        register_scope_part(rules.add_held_households)
        CATEGORIES.watch(Category)
        DISPATCHERS.watch(RoleAssignment, Organization)
        # New cases are announced to their dispatchers within seconds (decision 0007).
        pollers.register("case announcements", sweeps.sweep_announcements, every_s=2.0)
        # Filings queued through /api/case-intake/ become cases within a second or two.
        pollers.register("case intake", intake_drain, every_s=1.0)
        # jieba loads its dictionary (about a second) on first use; in a web
        # worker that would be some resident's request. Load it while the worker
        # boots instead; commands and tests keep loading it lazily.
        if "gunicorn" in sys.modules:
            warm()
