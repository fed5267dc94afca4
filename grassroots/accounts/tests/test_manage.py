"""The town administrator's account pages (issue #14 point 1): create, edit, deactivate,
grant and revoke within the town, reset a password; out of reach is 404."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from grassroots.accounts import services
from grassroots.accounts.models import Account, RoleAssignment, User
from grassroots.core.audit import Action, AuditEvent
from grassroots.core.roles import Role
from grassroots.grid import services as grid
from grassroots.grid.models import Place
from grassroots.testing import PASSWORD, Town

pytestmark = pytest.mark.django_db

TEMP = re.compile(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>")


def login(username: str, password: str) -> Client:
    """A real login through the login page (axes needs the request)."""
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def far_town(town: Town) -> Place:
    return grid.place_create(actor=town.root, parent=None, kind=Place.Kind.TOWN, name="远方镇")


def test_the_administrator_creates_an_account_that_must_change_its_password(
    town: Town, client_for: Any
) -> None:
    alice = client_for("alice")
    data = {"username": "wang.li", "display_name": "王丽", "email": "", "phone": "13800001111"}
    response = alice.post(reverse("accounts:manage_new"), data)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = TEMP.search(response.content.decode()).group(1)
    user = User.objects.get(username="wang.li")
    assert user.must_change_password and user.town_id == town.town.pk
    assert user.phone_masked and "13800001111" not in user.phone
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_USER_CREATED, object_id=user.pk)

    new = login("wang.li", password)
    change = reverse("accounts:password_change")
    assert new.get(reverse("grid:mine"))["Location"].startswith(change)
    api = new.get("/api/me/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    weak = new.post(
        change, {"old_password": password, "new_password1": "wang.li", "new_password2": "wang.li"}
    )
    assert weak.status_code == 200
    body = {
        "old_password": password,
        "new_password1": "bright-river-stone",
        "new_password2": "bright-river-stone",
        "next": "/me/",
    }
    assert new.post(change, body)["Location"] == "/me/"
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("bright-river-stone")
    assert new.get("/api/me/").status_code == 200


def test_the_list_shows_the_town_s_accounts_only_and_filters(town: Town, client_for: Any) -> None:
    far = far_town(town)
    stranger = services.user_create(actor=None, username="far.one", password=None)
    services.role_grant(actor=None, user=stranger, role=Role.SECRETARY, place=far)
    visible = set(Account.objects.visible_to(town.alice).values_list("username", flat=True))
    assert {"alice", "sam", "rita", "olga", "irene"} <= visible
    assert not {"root", "far.one", "oscar"} & visible  # oscar: no role, no town
    html = client_for("alice").get(reverse("accounts:manage"), {"q": "sa"}).content.decode()
    assert ">sam<" in html and ">rita<" not in html
    html = client_for("alice").get(reverse("accounts:manage"), {"role": "inspector"}).text
    assert ">irene<" in html and ">sam<" not in html
    for pk in (town.root.pk, stranger.pk):
        assert (
            client_for("alice").get(reverse("accounts:manage_account", args=[pk])).status_code
            == 404
        )
    for name in ("sam", "rita", "oscar", "olga"):
        assert client_for(name).get(reverse("accounts:manage")).status_code == 404


def test_grant_and_revoke_inside_the_town_with_history(town: Town, client_for: Any) -> None:
    alice = client_for("alice")
    url = reverse("accounts:manage_grant", args=[town.sam.pk])
    alice.post(url, {"role": Role.INSPECTOR, "place": town.village_b.pk})
    granted = RoleAssignment.objects.get(user=town.sam, role=Role.INSPECTOR)
    assert granted.granted_by == town.alice and granted.place == town.village_b
    far = far_town(town)
    alice.post(url, {"role": Role.SECRETARY, "place": far.pk})  # not a choice of the form
    assert not RoleAssignment.objects.filter(user=town.sam, place=far).exists()
    with pytest.raises(Http404):
        services.role_grant(actor=town.alice, user=town.sam, role=Role.SECRETARY, place=far)

    alice.post(reverse("accounts:manage_revoke", args=[town.sam.pk]), {"assignment": granted.pk})
    granted.refresh_from_db()
    assert not granted.active and granted.ended_by == town.alice and granted.ended_at
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_ROLE_REVOKED, object_id=town.sam.pk)
    page = alice.get(reverse("accounts:manage_account", args=[town.sam.pk])).content.decode()
    assert page.count("timeline__item") >= 3  # the secretary's grant, the inspector's grant and end

    sam, household = client_for("sam"), reverse("grid:household", args=[town.household_a1.pk])
    assert sam.get(household).status_code == 200
    secretary = RoleAssignment.objects.get(user=town.sam, role=Role.SECRETARY, active=True)
    alice.post(reverse("accounts:manage_revoke", args=[town.sam.pk]), {"assignment": secretary.pk})
    assert sam.get(household).status_code == 404  # the very next request


def test_no_role_above_one_s_own_and_no_superuser(town: Town) -> None:
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=town.sam, user=town.oscar, role=Role.HANDLER, place=town.village_a
        )
    with pytest.raises(Http404):
        services.password_reset(actor=town.alice, user=town.root)
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=town.alice, username="boss", password="x" * 12, is_superuser=True
        )
    with pytest.raises(PermissionDenied):  # a role without a rank (a future one) is above all
        services.role_grant(actor=town.alice, user=town.sam, role="security_admin", place=town.town)


def test_deactivate_reactivate_and_reset_a_password(town: Town, client_for: Any) -> None:
    alice = client_for("alice")
    active = reverse("accounts:manage_active", args=[town.sam.pk])
    alice.post(active, {"active": "0"})
    town.sam.refresh_from_db()
    assert not town.sam.is_active
    alice.post(active, {"active": "1"})
    town.sam.refresh_from_db()
    assert town.sam.is_active
    with pytest.raises(ValidationError):
        services.user_set_active(actor=town.alice, user=town.alice, active=False)

    response = alice.post(reverse("accounts:manage_password", args=[town.sam.pk]))
    password = TEMP.search(response.content.decode()).group(1)
    town.sam.refresh_from_db()
    assert town.sam.must_change_password and not town.sam.check_password(PASSWORD)
    assert town.sam.check_password(password)
    alice.post(
        reverse("accounts:manage_account", args=[town.sam.pk]),
        {"display_name": "新名字", "email": "sam@example.org", "phone": ""},
    )
    town.sam.refresh_from_db()
    assert town.sam.display_name == "新名字" and town.sam.email == "sam@example.org"


def test_a_representative_s_login_is_linked_to_the_roster(town: Town, client_for: Any) -> None:
    alice = client_for("alice")
    user = services.user_create(
        actor=town.alice, username="zhang.rep", password="quiet-harbour-lamp"
    )
    url = reverse("accounts:manage_representative", args=[user.pk])
    alice.post(url, {"representative": town.rep_a.pk})
    town.rep_a.refresh_from_db()
    assert town.rep_a.user == user
    alice.post(url, {"unlink": "1"})
    town.rep_a.refresh_from_db()
    assert town.rep_a.user is None


def test_the_password_policy(town: Town) -> None:
    for bad in ("short", "password123", "oscar.zhang", "gnahz.racso"):
        with pytest.raises(ValidationError):
            services.user_create(actor=town.alice, username="oscar.zhang", password=bad)
