from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "grassroots.portal"
    label = "portal"
    verbose_name = _("public portal")

    def ready(self) -> None:
        from grassroots.core.glossary import PLACES
        from grassroots.core.nav import NavItem, register
        from grassroots.core.roles import Cap
        from grassroots.core.scoping import Scope
        from grassroots.portal.models import Article, ArticleImage, Collection, Disclosure
        from grassroots.portal.views.public import HOME_PAGES

        HOME_PAGES.watch(Article, ArticleImage, Collection, Disclosure)

        def writes(scope: Scope) -> bool:
            return scope.can(Cap.PUBLISH) or scope.can(Cap.DISCLOSE)

        register(
            NavItem(
                "portal_manage",
                PLACES["portal_manage"],
                "portal:manage",
                "news",
                "data",
                60,
                visible=writes,
            ),
            # For visitors without an account: the portal beside the other resident services.
            NavItem(
                "portal", PLACES["portal"], "portal:home", "building", "residents", 39, public=True
            ),
        )
