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
        from grassroots.cases.suggest import PLACE_WORDS
        from grassroots.cases.text import warm
        from grassroots.core import pollers
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.core.scoping import register_scope_part
        from grassroots.grid.models import Place
        from grassroots.party.models import Organization

        # A handler's scope also reaches the households of the cases they hold.
        register_scope_part(rules.add_held_households)
        register(
            NavItem(
                "cases", PLACES["cases"], "cases:inbox", "clipboard-list", "cases", 30, tab=True
            ),
            NavItem(
                "board",
                PLACES["board"],
                "cases:board",
                "alert-triangle",
                "cases",
                35,
                tab=True,
                visible=rules.sees_board,
            ),
            # Resident services, for visitors who are not logged in.
            NavItem(
                "report",
                PLACES["report"],
                "cases:report",
                "message-report",
                "residents",
                40,
                tab=True,
                public=True,
            ),
            NavItem(
                "track",
                PLACES["track"],
                "cases:track_lookup",
                "search",
                "residents",
                41,
                tab=True,
                public=True,
            ),
            NavItem(
                "public_board",
                PLACES["public_board"],
                "cases:public_index",
                "news",
                "residents",
                42,
                tab=True,
                public=True,
            ),
        )
        CATEGORIES.watch(Category)
        PLACE_WORDS.watch(Place)  # similar cases read the town's place names
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
