from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.test import Client
from rest_framework.test import APIClient

from grassroots.core import clock
from grassroots.testing import PASSWORD, Town, build_town


@pytest.fixture(autouse=True)
def _release_clock() -> Iterator[None]:
    yield
    clock.set_now(None)


@pytest.fixture
def town(db: None) -> Town:
    return build_town()


@pytest.fixture
def client_for(town: Town) -> object:
    """client_for("rita") → a logged-in page client."""

    def make(username: str) -> Client:
        c = Client()
        assert c.login(username=username, password=PASSWORD)
        return c

    return make


@pytest.fixture
def api_for(town: Town) -> object:
    """api_for("rita") → an API client authenticated with rita's token."""
    from rest_framework.authtoken.models import Token

    from grassroots.accounts.models import User

    def make(username: str) -> APIClient:
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return c

    return make


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM
    # guard would otherwise refuse the live-server tests' own setup queries.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
