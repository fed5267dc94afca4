from __future__ import annotations

import datetime as dt

import pytest

from grassroots.accounts import services as account_services
from grassroots.accounts.models import User
from grassroots.cases.tests.helpers import at
from grassroots.core import clock
from grassroots.core.roles import Role
from grassroots.testing import Town, make_user


@pytest.fixture
def hank(town: Town) -> User:
    """A handler: the township's water office clerk, anchored at the town."""
    user = make_user("hank", display_name="水务站小何")
    account_services.role_grant(actor=town.root, user=user, role=Role.HANDLER, place=town.town)
    return user


@pytest.fixture
def monday() -> dt.datetime:
    """Monday 28 September 2026, 10:00 — three working days before National Day."""
    value = at(2026, 9, 28, 10, 0)
    clock.set_now(value)
    return value


@pytest.fixture
def client_for(town: Town) -> object:
    """Like the project fixture, but with force_login: `Client.login` passes no
    request, which django-axes' backend refuses (AxesBackendRequestParameterRequired)."""
    from django.test import Client

    def make(username: str) -> Client:
        c = Client()
        c.force_login(User.objects.get(username=username))
        return c

    return make
