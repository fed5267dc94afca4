"""Chinese first: the browser's Accept-Language decides only where residents and programs come in.

Town staff often use phones and PCs set to English system language; the product's
language is Simplified Chinese unless the user picks English with the switch
(which sets the language cookie). The pages a resident opens without an account
(report, track, the public board), Open311 and the API are different: whoever
comes there first, with no language cookie, is answered in the language their
browser or client asks for (`Accept-Language`), Chinese when it asks for none we
speak. Everything else ignores the header until the switch is used.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from grassroots.core import audit

# Path prefixes where Accept-Language is honoured (settings.LANGUAGE_FROM_BROWSER_PATHS).
BROWSER_LANGUAGE_PATHS = (
    "/api/",
    "/open311/",
    "/cases/report/",
    "/cases/track/",
    "/cases/public/",
)


def honours_browser_language(path: str) -> bool:
    prefixes = getattr(settings, "LANGUAGE_FROM_BROWSER_PATHS", BROWSER_LANGUAGE_PATHS)
    return path.startswith(tuple(prefixes))


class DefaultLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not (
            honours_browser_language(request.path_info)
        ):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class AuditSourceMiddleware:
    """Give the audit rows written while serving a request its client address (issue #14).

    The address is REMOTE_ADDR, the peer gunicorn saw (the access log's `%(h)s`); behind a
    reverse proxy that is the proxy, unless the proxy is made to pass the client on.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.SOURCE.set(audit.client_address(request.META.get("REMOTE_ADDR", "")))
        try:
            return self.get_response(request)
        finally:
            audit.SOURCE.reset(token)
