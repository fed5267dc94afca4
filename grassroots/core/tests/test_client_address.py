"""Behind nginx, the client's address comes from X-Forwarded-For, and only from trusted proxies."""

from __future__ import annotations

import ipaddress

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from grassroots.core.audit import client_address
from grassroots.core.middleware import ClientAddressMiddleware, client_behind_proxies
from grassroots.core.models import AuditEvent

PROXIES = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx on the same machine
        ("127.0.0.1", "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the client's own entry is ignored
        ("127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7"),  # two proxies
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),  # not from a proxy: header not read
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address, 203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "203.0.113.7, garbage", "127.0.0.1"),  # a broken entry ends the walk
        ("127.0.0.1", "10.0.0.5, 127.0.0.1", "10.0.0.5"),  # all trusted: the left-most
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_right_most_untrusted_forwarded_address(
    remote: str, forwarded: str, client: str
) -> None:
    assert client_behind_proxies(remote, forwarded, PROXIES) == client


def test_without_trusted_proxies_nothing_is_rewritten() -> None:
    seen: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["remote"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    with override_settings(TRUSTED_PROXIES=[]):
        ClientAddressMiddleware(view)(request)
    assert seen["remote"] == "127.0.0.1"
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        ClientAddressMiddleware(view)(request)
    assert seen["remote"] == "6.6.6.6"


@pytest.mark.django_db
def test_a_failed_login_behind_the_proxy_is_recorded_with_the_clients_address() -> None:
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50").post(
            "/accounts/login/", {"username": "nobody", "password": "wrong-password"}
        )
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and event.source == client_address("203.0.113.50")
