from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "grassroots.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # Imported here, not at the top: these modules load models, which the
        # app registry allows only once every app is ready.
        from grassroots.accounts.authentication import watch_scope_sources
        from grassroots.accounts.scope import compute_scope
        from grassroots.core.scoping import register_scope_provider

        register_scope_provider(compute_scope)
        watch_scope_sources()

        from grassroots.accounts.views import manages
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register

        register(
            NavItem(
                "accounts",
                PLACES["accounts"],
                "accounts:manage",
                "users",
                "data",
                90,
                visible=manages,
            )
        )
