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

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from grassroots.core import audit
from grassroots.core.roles import INSTALLATION_CAPS, Cap
from grassroots.core.scoping import scope_for

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


# --- proxy (issue #15): the client's address behind nginx
def _networks(specs: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(s.strip(), strict=False) for s in specs if s.strip()]


def client_behind_proxies(remote: str, forwarded_for: str, trusted: list) -> str:
    """The client's address: the right-most X-Forwarded-For entry not itself a trusted proxy,
    read only when the peer (`remote`) is a trusted proxy; else `remote` unchanged.

    Entries left of the first untrusted one were written by the client and are never read (a
    client can put anything there). A malformed entry ends the walk at the last good one.
    """

    def trusted_address(value: str) -> bool:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        return any(address in net for net in trusted)

    if not forwarded_for or not trusted_address(remote):
        return remote
    client = remote
    for entry in reversed([e.strip() for e in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            break
        client = entry
        if not trusted_address(entry):
            break
    return client


class ClientAddressMiddleware:
    """Behind nginx every request comes from the proxy: with `GRASSROOTS_TRUSTED_PROXIES` set
    (addresses or networks of the proxies), REMOTE_ADDR becomes the client the proxies saw,
    once, before anything reads it (the audit trail, lock-outs, rate limits)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = _networks(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            request.META["REMOTE_ADDR"] = client_behind_proxies(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                self.trusted,
            )
        return self.get_response(request)


# --- end proxy


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


# The paths an audit administrator may open: the log, their own account and messages,
# the language switch and static files (issue #14, separation of duties).
AUDIT_ADMIN_PATHS = ("/audit/", "/me/", "/accounts/", "/notify/", "/i18n/", "/static/", "/healthz")


class AuditAdministratorMiddleware:
    """Confine a user whose only capability is reading the audit log to the audit pages.

    Holding `Cap.READ_AUDIT_LOG` and nothing else, they reach no record anyway; this makes
    every other page, the API and the back office answer 404, as a missing page would,
    rather than an empty list, and sends the home page to the log. A user who also holds
    another role is not confined (their other pages check their own capabilities).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_superuser
            and scope_for(user).capabilities == {Cap.READ_AUDIT_LOG}
        ):
            path = request.path_info
            if path == "/":
                return redirect("core:audit_log")
            if not path.startswith(AUDIT_ADMIN_PATHS):
                raise Http404
        return self.get_response(request)


# --- otp (issue #14): the system and security administrators are confined likewise
INSTALLATION_ADMIN_PATHS = ("/accounts/", "/me/", "/notify/", "/i18n/", "/static/", "/healthz")


class InstallationAdministratorMiddleware:
    """Confine a system or security administrator (decision 0020) to the account pages.

    Their capabilities act on accounts only (`roles.INSTALLATION_CAPS`) and they reach no
    record; every other page, the API and the back office answer 404 and the home page sends
    them to the account list. Someone who also holds a town role is not confined.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_superuser:
            caps = scope_for(user).capabilities
            if caps and caps <= INSTALLATION_CAPS:
                path = request.path_info
                if path == "/":
                    return redirect("accounts:manage")
                if not path.startswith(INSTALLATION_ADMIN_PATHS):
                    raise Http404
        return self.get_response(request)


# --- end otp
