"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from grassroots.core import errors
from grassroots.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

FAULTS: dict[str, Exception] = {
    "400": SuspiciousOperation("a forged header"),
    "403": PermissionDenied(),
    "500": RuntimeError("a bug with a secret in its message"),
    "503": OperationalError("connection to server at 127.0.0.1 failed"),
    "503i": InterfaceError("connection already closed"),
}


def fail(request: HttpRequest, fault: str) -> HttpResponse:
    raise FAULTS[fault]


@api_view(["GET"])
@permission_classes([AllowAny])
def api_fail(request: Request, fault: str) -> Response:
    if fault == "429":
        raise exceptions.Throttled(wait=7)
    if fault == "400":
        raise exceptions.ValidationError({"text": ["required"]})
    raise FAULTS[fault]


def limited(request: HttpRequest) -> HttpResponse:
    return errors.throttled_page(request)


urlpatterns = [
    path("test-fail/<str:fault>/", fail),
    path("api/test-fail/<str:fault>/", api_fail),
    path("test-limited/", limited),
    *urlpatterns,
]
