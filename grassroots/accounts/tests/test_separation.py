"""Separation of duties (issue #14 point 2, 等保 三员): the system administrator manages
accounts, the security administrator roles, lock-outs and the two-factor requirement, the
audit administrator reads the log; none can do another's job, over every route.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django_otp.oath import totp

from grassroots.accounts import services, twofactor
from grassroots.accounts.models import RoleAssignment, User
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.roles import CAPABILITIES, INSTALLATION_CAPS, Cap, Role
from grassroots.core.tests.test_audit_page import OWN_PAGES
from grassroots.core.tests.walker.routes import ROUTES, Kind
from grassroots.testing import PASSWORD, Town, make_user

pytestmark = pytest.mark.django_db
ACCOUNT_PAGES = {"accounts:manage", "accounts:manage_new", "accounts:manage_roster"}


def appoint(town: Town, username: str, role: str) -> User:
    user = make_user(username)
    services.role_grant(actor=town.root, user=user, role=role, place=town.town)
    return user


@pytest.fixture
def syd(town: Town) -> User:
    return appoint(town, "syd", Role.SYSTEM_ADMIN)


@pytest.fixture
def sec(town: Town) -> User:
    return appoint(town, "sec", Role.SECURITY_ADMIN)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_capability_belongs_to_one_installation_role() -> None:
    assert CAPABILITIES[Role.SYSTEM_ADMIN] == {Cap.EDIT_ACCOUNTS}
    assert CAPABILITIES[Role.SECURITY_ADMIN] == {Cap.GRANT_ROLES, Cap.SECURE_ACCOUNTS}
    for cap in (*INSTALLATION_CAPS, Cap.READ_AUDIT_LOG):
        holders = [role for role, caps in CAPABILITIES.items() if cap in caps]
        assert len(holders) == 1, (cap, holders)


@pytest.mark.parametrize("who", ["syd", "sec"])
def test_installation_administrators_get_404_on_every_other_page(
    town: Town, who: str, request: Any
) -> None:
    client = _client(request.getfixturevalue(who))
    assert client.get(reverse("accounts:manage")).status_code == 200
    walked, refused = 0, []
    for name, rule in ROUTES.items():
        if rule.kind is not Kind.PAGE or name in ACCOUNT_PAGES | OWN_PAGES or ":" not in name:
            continue
        try:
            url = reverse(name, kwargs=rule.kwargs or None)
        except NoReverseMatch:
            continue
        walked += 1
        status = client.get(url).status_code
        if status != 404:
            refused.append((name, status))
    assert walked > 50 and not refused
    assert client.get(reverse("core:audit_log")).status_code == 404
    assert client.get("/api/households/").status_code == 404
    assert client.get(reverse("admin:index")).status_code == 404
    home = client.get(reverse("home:home"))
    assert home.status_code == 302 and home["Location"] == reverse("accounts:manage")


def test_the_system_administrator_manages_accounts_but_grants_no_role(
    town: Town, syd: User
) -> None:
    client = _client(syd)
    made = client.post(
        reverse("accounts:manage_new"), {"username": "new.one", "display_name": "新人"}
    )
    assert made.status_code == 200 and User.objects.filter(username="new.one").exists()
    sam = town.sam
    page = client.get(reverse("accounts:manage_account", args=[sam.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and reverse("accounts:manage_grant", args=[sam.pk]) not in html
    assert reverse("accounts:manage_unlock", args=[sam.pk]) not in html
    edited = client.post(
        reverse("accounts:manage_account", args=[sam.pk]), {"display_name": "萨姆", "email": ""}
    )
    assert edited.status_code == 302
    client.post(reverse("accounts:manage_active", args=[town.oscar.pk]), {"active": "0"})
    town.oscar.refresh_from_db()
    assert not town.oscar.is_active
    for name in ("manage_grant", "manage_revoke", "manage_unlock", "manage_two_factor"):
        assert client.post(reverse(f"accounts:{name}", args=[sam.pk])).status_code == 404
    assert client.get(reverse("accounts:manage_roster")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=syd, user=sam, role=Role.HANDLER, place=town.village_a)
    held = RoleAssignment.objects.filter(user=sam, active=True).first()
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=syd, assignment=held)


def test_the_security_administrator_grants_unlocks_and_requires_but_creates_nothing(
    town: Town, sec: User
) -> None:
    client = _client(sec)
    oscar = town.oscar
    assert client.get(reverse("accounts:manage_new")).status_code == 404
    assert client.post(reverse("accounts:manage_new"), {"username": "x"}).status_code == 404
    assert client.post(reverse("accounts:manage_password", args=[oscar.pk])).status_code == 404
    assert client.post(reverse("accounts:manage_active", args=[oscar.pk])).status_code == 404
    edit = client.post(reverse("accounts:manage_account", args=[oscar.pk]), {"display_name": "x"})
    assert edit.status_code == 404

    grant = {"role": Role.HANDLER, "place": town.village_b.pk}
    client.post(reverse("accounts:manage_grant", args=[oscar.pk]), grant)
    ra = RoleAssignment.objects.get(user=oscar, role=Role.HANDLER, active=True)
    client.post(reverse("accounts:manage_revoke", args=[oscar.pk]), {"assignment": ra.pk})
    ra.refresh_from_db()
    assert not ra.active
    client.post(reverse("accounts:manage_two_factor", args=[oscar.pk]), {"required": "1"})
    oscar.refresh_from_db()
    assert oscar.two_factor_required and twofactor.must_enrol(oscar)
    client.post(reverse("accounts:manage_unlock", args=[oscar.pk]))
    device = twofactor.pending_device(oscar)
    twofactor.two_factor_enrol(actor=oscar, device=device, code=f"{totp(device.bin_key):06d}")
    client.post(reverse("accounts:manage_two_factor", args=[oscar.pk]), {"reset": "1"})
    assert not twofactor.has_two_factor(oscar) and twofactor.recovery_left(oscar) == 0
    for action in (Action.ACCOUNTS_TWO_FACTOR_REQUIRED, Action.ACCOUNTS_USER_UNLOCKED):
        assert AuditEvent.objects.filter(action=action, actor=sec).exists()
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        with pytest.raises(PermissionDenied):
            services.role_grant(actor=sec, user=oscar, role=role, place=town.town)
    with pytest.raises(PermissionDenied):  # nor a town role to themselves
        services.role_grant(actor=sec, user=sec, role=Role.TOWN_ADMIN, place=town.town)


def test_only_a_superuser_appoints_them_and_no_one_else_manages_them(
    town: Town, syd: User, sec: User
) -> None:
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        with pytest.raises(PermissionDenied):
            services.role_grant(actor=town.alice, user=town.sam, role=role, place=town.town)
    for actor, other in ((syd, sec), (sec, syd)):
        url = reverse("accounts:manage_account", args=[other.pk])
        assert _client(actor).get(url).status_code == 404
    alice = _client(town.alice)
    assert alice.get(reverse("accounts:manage_account", args=[syd.pk])).status_code == 404
    root = _client(town.root)
    assert root.get(reverse("accounts:manage_account", args=[syd.pk])).status_code == 200


@override_settings(ADMIN_2FA="required")
def test_installation_administrators_must_enrol_when_required(
    town: Town, syd: User, sec: User
) -> None:
    for user in (syd, sec):
        client = Client()
        step = client.post(
            reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
        )
        assert step["Location"] == reverse("accounts:two_factor")
        assert "_auth_user_id" not in client.session
