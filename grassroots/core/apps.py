from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "grassroots.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Before any URLconf is loaded: every `<id:...>` route reads through it.
        from django.urls import register_converter

        from grassroots.core.ids import IdConverter

        register_converter(IdConverter, "id")

        # begin nodes (decision 0025): one run of a periodic task per minute across workers
        from grassroots.core import periodic

        periodic.install()
        # end nodes

        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.core.roles import Cap
        from grassroots.core.signins import connect

        # --- audit (issue #14): sign-ins recorded; the audit administrator's page
        connect()
        register(
            NavItem(
                "audit_log",
                PLACES["audit_log"],
                "core:audit_log",
                "file-text",
                "account",
                850,
                tab=True,
                visible=lambda scope: scope.can(Cap.READ_AUDIT_LOG),
            )
        )
        # --- end audit

        register(
            NavItem("me", PLACES["me"], "core:me", "user", "account", 1000, tab=True, last=True),
            NavItem(
                "back_office",
                PLACES["back_office"],
                "admin:index",
                "settings",
                "account",
                900,
                staff=True,
            ),
            NavItem(
                "styleguide",
                PLACES["styleguide"],
                "core:styleguide",
                "layout-grid",
                "account",
                910,
                staff=True,
            ),
            NavItem(
                "log_in",
                PLACES["log_in"],
                "accounts:login",
                "login",
                "account",
                1000,
                tab=True,
                public=True,
                last=True,
            ),
        )
