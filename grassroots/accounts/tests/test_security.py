from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from grassroots.core import clock
from grassroots.core.roles import Role
from grassroots.core.scoping import scope_for
from grassroots.testing import PASSWORD, Town


def test_passwords_are_hashed_with_argon2_in_production_settings() -> None:
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in settings.PASSWORD_HASHERS


@pytest.mark.django_db
def test_account_locks_after_repeated_failed_logins(town: Town) -> None:
    client = Client()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "sam", "password": "wrong"})
    response = client.post(url, {"username": "sam", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_idle_session_is_logged_out(town: Town) -> None:
    client = Client()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        assert (
            client.post(
                reverse("accounts:login"), {"username": "sam", "password": PASSWORD}
            ).status_code
            == 302
        )
        assert client.get(reverse("home:home")).status_code == 200
        clock.advance(dt.timedelta(seconds=settings.IDLE_TIMEOUT_SECONDS + 60))
        response = client.get(reverse("home:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_roles_reach_their_subtree_only(town: Town) -> None:
    sam = scope_for(town.sam)
    assert sam.place_paths == (town.village_a.path,)
    assert sam.org_paths == (town.branch_a.path,)
    assert Role.SECRETARY in sam.roles and sam.can("reveal_personal")
    alice = scope_for(town.alice)
    assert alice.place_paths == (town.town.path,) and alice.org_paths == (town.committee.path,)
    ivan = scope_for(town.ivan)
    assert ivan.org_paths == (town.branch_b.path,) and ivan.place_paths == ()
    assert not ivan.can("reveal_personal")
    olga = scope_for(town.olga)
    assert olga.org_paths == (town.committee.path,) and olga.place_paths == ()
    oscar = scope_for(town.oscar)
    assert oscar.place_paths == () and oscar.org_paths == () and not oscar.capabilities
