"""The audit administrator (issue #14, acceptance 2): reads, searches and exports the audit log
and does nothing else; sign-ins, failed sign-ins and lock-outs are in the log with their
source address, roles and result.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from grassroots.accounts import services as account_services
from grassroots.core import auditchain
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.roles import CAPABILITIES, Cap, Role
from grassroots.core.scoping import scope_for
from grassroots.core.tests.walker.routes import ROUTES, Kind
from grassroots.testing import PASSWORD, Town, make_user

AUDIT_PAGES = {"core:audit_log", "core:audit_log_export"}
# Pages every signed-in person has: their own home, profile and messages.
OWN_PAGES = {
    "home:home",
    "core:me",
    "notify:inbox",
    "notify:badge",
    "notify:preferences",
    "accounts:password_change",  # everyone changes their own password
    # --- otp (issue #14): everyone's own two-factor login (administrators must have it)
    "accounts:two_factor",
    # --- end otp
}


@pytest.fixture
def audrey(town: Town) -> Any:
    user = make_user("audrey", display_name="审计员")
    account_services.role_grant(actor=town.root, user=user, role=Role.AUDIT_ADMIN, place=town.town)
    return user


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_audit_administrator_holds_one_capability_and_reaches_no_record(
    town: Town, audrey: Any
) -> None:
    assert CAPABILITIES[Role.AUDIT_ADMIN] == frozenset({Cap.READ_AUDIT_LOG})
    scope = scope_for(audrey)
    assert scope.capabilities == {Cap.READ_AUDIT_LOG}
    assert scope.place_paths == () and scope.org_paths == () and scope.dispatch_paths == ()
    assert not any(
        Cap.READ_AUDIT_LOG in caps
        for role, caps in CAPABILITIES.items()
        if role != Role.AUDIT_ADMIN
    )


def test_the_audit_administrator_reads_the_log_and_gets_404_on_every_other_staff_page(
    town: Town, audrey: Any
) -> None:
    client = _client(audrey)
    page = client.get(reverse("core:audit_log"))
    assert page.status_code == 200
    assert 'href="/audit/"' in page.content.decode()  # the nav entry
    refused = []
    for name, rule in ROUTES.items():
        if rule.kind is not Kind.PAGE or name in AUDIT_PAGES | OWN_PAGES or ":" not in name:
            continue
        try:
            url = reverse(name, kwargs=rule.kwargs or None)
        except NoReverseMatch:
            continue
        status = client.get(url).status_code
        if status != 404:
            refused.append((name, status))
    assert not refused
    assert client.get(reverse("grid:household", args=[town.household_a1.pk])).status_code == 404
    assert client.get(reverse("party:org", args=[town.branch_a.pk])).status_code == 404
    assert client.get("/api/households/").status_code == 404
    assert client.get(reverse("admin:index")).status_code == 404
    assert client.get(reverse("cases:report")).status_code == 404  # filing is not theirs either
    home = client.get(reverse("home:home"))
    assert home.status_code == 302 and home["Location"] == reverse("core:audit_log")
    assert client.get(reverse("core:me")).status_code == 200


def test_others_get_404_and_see_no_link(town: Town, client_for: Any) -> None:
    for name in ("alice", "sam", "olga", "oscar"):
        client = client_for(name)
        assert client.get(reverse("core:audit_log")).status_code == 404
        assert client.get(reverse("core:audit_log_export")).status_code == 404
        assert 'href="/audit/"' not in client.get(reverse("core:me")).content.decode()
    assert client_for("root").get(reverse("core:audit_log")).status_code == 200


def test_search_filter_page_and_export_what_is_shown(town: Town, audrey: Any) -> None:
    client = _client(audrey)
    response = client.get(
        reverse("core:audit_log"), {"user": "root", "action": Action.GRID_PLACE_CREATED}
    )
    html = response.content.decode()
    assert response.status_code == 200
    shown = response.context["page"].paginator.count
    expected = AuditEvent.objects.filter(actor=town.root, action=Action.GRID_PLACE_CREATED)
    assert shown == expected.count() > 0 and Action.GRID_PLACE_CREATED.value in html
    assert client.get(reverse("core:audit_log"), {"since": "not a date"}).status_code == 404
    empty = client.get(reverse("core:audit_log"), {"q": "没有这种记录"})
    assert empty.context["page"].paginator.count == 0

    export = client.get(
        reverse("core:audit_log_export"), {"user": "root", "action": Action.GRID_PLACE_CREATED}
    )
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert len(lines) == 1 + shown and {line[4] for line in lines[1:]} == {
        Action.GRID_PLACE_CREATED.value
    }
    logged = AuditEvent.objects.get(action=Action.AUDIT_LOG_EXPORTED)
    assert logged.actor == audrey and logged.data["rows"] == shown
    assert logged.roles == [Role.AUDIT_ADMIN] and logged.source == "127.0.0.1"
    assert logged.role_labels() in ("audit administrator", "审计管理员")


def test_a_page_is_one_query_for_its_rows_whatever_their_number(
    town: Town, audrey: Any, django_assert_max_num_queries: Any
) -> None:
    client = _client(audrey)
    client.get(reverse("core:audit_log"))  # warm the session and the scope
    with django_assert_max_num_queries(12):
        assert client.get(reverse("core:audit_log")).status_code == 200


def test_sign_ins_failures_and_lock_outs_are_recorded(town: Town) -> None:
    client = Client(REMOTE_ADDR="10.1.2.3")
    url = reverse("accounts:login")
    assert client.post(url, {"username": "sam", "password": PASSWORD}).status_code == 302
    signed_in = AuditEvent.objects.get(action=Action.ACCOUNTS_LOGGED_IN)
    assert signed_in.actor == town.sam and signed_in.source == "10.1.2.3"
    assert signed_in.roles == [Role.SECRETARY] and signed_in.result == AuditEvent.Result.OK
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_LOGGED_OUT, actor=town.sam).exists()

    other = Client(REMOTE_ADDR="2001:db8:0:0::7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        other.post(url, {"username": "alice", "password": "wrong"})
    failed = AuditEvent.objects.filter(action=Action.ACCOUNTS_LOGIN_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert {(f.data["username"], f.source, f.result) for f in failed} == {
        ("alice", "2001:db8::7", AuditEvent.Result.FAILED)
    }
    locked = AuditEvent.objects.filter(action=Action.ACCOUNTS_LOCKED_OUT)
    assert locked.exists() and locked.first().result == AuditEvent.Result.REFUSED
    assert "wrong" not in str(list(failed.values_list("data", flat=True)))
    assert auditchain.verify().intact
