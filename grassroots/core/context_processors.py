from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from grassroots.core import nav as navigation
from grassroots.core.scoping import scope_for


def site(request: HttpRequest) -> dict[str, Any]:
    return {"scope": scope_for(getattr(request, "user", None))}


def nav(request: HttpRequest) -> dict[str, Any]:
    """The user's destinations (core.nav): `nav.tabs` for the phone, `nav.groups` for the desk."""

    def build() -> navigation.Nav:
        user = getattr(request, "user", None)
        return navigation.build(scope_for(user), user, request.path)

    return {"nav": SimpleLazyObject(build)}
