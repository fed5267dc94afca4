"""The framework ceiling: the cheapest Django JSON response, through the same middleware."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    # Harmless when always mounted: no data, no database query.
    return JsonResponse({"ok": True})
