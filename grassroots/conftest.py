from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.test import Client
from rest_framework.test import APIClient

from grassroots.core import clock
from grassroots.testing import Town, build_town


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

    from grassroots.accounts.models import User

    def make(username: str) -> Client:
        # force_login: django-axes refuses Client.login(), which has no request.
        c = Client()
        c.force_login(User.objects.get(username=username))
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests restore the rows migrations seeded (calendar, categories).

    A transactional test ends by truncating every table, so the next one would run
    without the working-day calendar or the default case categories. Serialized
    rollback reloads them at the start of each such test.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        if ({"transactional_db", "live_server"} & fixtures) or (
            marker and marker.kwargs.get("transaction")
        ):
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def _fresh_memos() -> Iterator[None]:
    """Process memos (core.memo) start empty in every test: ids are reused between tests."""
    from grassroots.core import memo

    memo.clear_all()
    yield
    memo.clear_all()
