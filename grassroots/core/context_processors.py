from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from grassroots.core.scoping import scope_for


def site(request: HttpRequest) -> dict[str, Any]:
    return {"scope": scope_for(getattr(request, "user", None))}
