from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from grassroots.accounts.models import User
from grassroots.testing import Town


@pytest.fixture
def client_for(town: Town) -> Callable[[str], Client]:
    """Logged-in page clients; force_login because axes refuses Client.login()
    without a request."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make
