"""`/api/me/`, token and session authentication, and `grassroots token`."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from grassroots.accounts import services
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def session_client(user: Any) -> Client:
    """A browser-like session. force_login: django-axes refuses Client.login(),
    which passes no request to authenticate() (the project's client_for fixture)."""
    client = Client()
    client.force_login(user)
    return client


def test_me_tells_a_secretary_her_roles_capabilities_and_anchor(town: Town, api_for: Any) -> None:
    resp = api_for("sam").get("/api/me/")
    assert resp.status_code == 200
    body = resp.json()
    assert body["username"] == "sam"
    assert body["roles"] == ["secretary"]
    assert "edit_grid" in body["capabilities"] and "log_visit" not in body["capabilities"]
    [assignment] = body["role_assignments"]
    assert assignment["place"] == town.village_a.pk
    assert assignment["place_name"] == "明月村"


def test_me_shows_derived_roles_for_a_representative_and_nothing_for_an_outsider(
    town: Town, api_for: Any
) -> None:
    rita = api_for("rita").get("/api/me/").json()
    assert rita["roles"] == ["representative"]
    assert rita["representative_ids"] == [town.rep_b.pk]
    assert rita["role_assignments"] == []
    oscar = api_for("oscar").get("/api/me/").json()
    assert oscar["roles"] == [] and oscar["capabilities"] == []


def test_anonymous_and_bad_token_callers_get_401(town: Town) -> None:
    assert APIClient().get("/api/me/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/me/").status_code == 401


def test_session_authentication_works_for_a_logged_in_page_user(town: Town) -> None:
    resp = session_client(town.sam).get("/api/me/")
    assert resp.status_code == 200
    assert resp.json()["username"] == "sam"
    households = session_client(town.sam).get("/api/households/").json()
    assert households["count"] == 2


def test_the_token_command_prints_a_stable_token_that_authenticates(town: Town) -> None:
    out = StringIO()
    call_command("token", "rita", stdout=out)
    key = out.getvalue().strip()
    assert key == Token.objects.get(user=town.rita).key
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_TOKEN_CREATED).count() == 1
    again = StringIO()
    call_command("token", "rita", stdout=again)
    assert again.getvalue().strip() == key
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_TOKEN_CREATED).count() == 1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").json()["username"] == "rita"


def test_token_issue_audits_a_new_token_with_its_actor_and_reuses_it(town: Town) -> None:
    token = services.token_issue(actor=town.alice, user=town.sam)
    assert services.token_issue(actor=town.alice, user=town.sam) == token
    event = AuditEvent.objects.get(action=Action.ACCOUNTS_TOKEN_CREATED)
    assert (event.actor, event.object_id) == (town.alice, str(town.sam.pk))


def test_the_token_command_refuses_an_unknown_user(town: Town) -> None:
    with pytest.raises(CommandError):
        call_command("token", "nobody")
    assert not Token.objects.exists()
