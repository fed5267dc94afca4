"""Representatives' accounts from the roster (an .xlsx to print) and the forgotten password
through a code (issue #14 point 1)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.accounts import services
from grassroots.accounts.models import ResetCode, User
from grassroots.core.audit import Action, AuditEvent
from grassroots.notify import channels
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_roster_accounts_are_made_once_and_printed_once(town: Town, client_for: Any) -> None:
    alice = client_for("alice")
    assert "张代表" in alice.get(reverse("accounts:manage_roster")).content.decode()
    response = alice.post(reverse("accounts:manage_roster"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2
    username, name, village, password = rows[1]
    assert username == f"r.v{town.village_a.pk}.001" and name == "张代表" and village == "明月村"
    user = User.objects.get(username=username)
    assert user.must_change_password and user.check_password(password)
    assert password not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    town.rep_a.refresh_from_db()
    assert town.rep_a.user == user
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_ROSTER_ACCOUNTS_CREATED).count() == 1
    again = alice.post(reverse("accounts:manage_roster"))
    assert again.status_code == 302  # nobody left: no second sheet
    assert client_for("sam").post(reverse("accounts:manage_roster")).status_code == 404


def _request(client: Client, login: str) -> str:
    response = client.post(reverse("accounts:password_forgot"), {"login": login})
    assert response.status_code == 200
    return response.content.decode()


def test_a_forgotten_password_is_reset_with_an_emailed_code(town: Town) -> None:
    User.objects.filter(pk=town.sam.pk).update(email="sam@example.org")
    client = Client()
    known, unknown = _request(client, "sam"), _request(client, "nobody")
    assert known.replace("sam", "").count("role=") == unknown.replace("nobody", "").count("role=")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.org"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    url = reverse("accounts:password_code")
    wrong = "000000" if code != "000000" else "111111"
    body = {"login": "sam", "code": wrong, "password": "green-valley-river"}
    assert client.post(url, body).status_code == 200
    assert ResetCode.objects.get(user=town.sam).attempts == 1
    assert client.post(url, {**body, "code": code})["Location"] == reverse("accounts:login")
    town.sam.refresh_from_db()
    assert town.sam.check_password("green-valley-river")
    assert client.post(url, {**body, "code": code}).status_code == 200  # used once only
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_PASSWORD_RESET_BY_CODE).count() == 1


@override_settings(NOTIFY_SMS_BACKEND="grassroots.notify.channels.LocmemSmsBackend")
def test_a_code_goes_by_sms_through_notify_and_requests_are_limited(
    town: Town, django_capture_on_commit_callbacks: Any
) -> None:
    channels.outbox.clear()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, "rita")  # no e-mail on file: her phone
    assert not channels.outbox  # rita's account has no phone of its own
    services.user_update(actor=None, user=town.rita, display_name="丽塔", phone="13800000002")
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, "rita")
    [(phone, text)] = channels.outbox
    assert phone == "13800000002" and re.search(r"\b\d{6}\b", text)
    statuses = [
        client.post(reverse("accounts:password_forgot"), {"login": "x"}).status_code
        for _ in range(10)
    ]
    assert statuses[-1] == 429


@override_settings(NOTIFY_SMS_BACKEND="grassroots.notify.channels.LogSmsBackend")
def test_without_an_sms_provider_the_log_never_holds_the_code(
    town: Town, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    services.user_update(actor=None, user=town.rita, display_name="丽塔", phone="13800000002")
    with caplog.at_level("WARNING"), django_capture_on_commit_callbacks(execute=True):
        _request(Client(), "rita")
    sent = [r.getMessage() for r in caplog.records if "SMS to" in r.getMessage()]
    assert sent and "withheld" in sent[0]
    assert not re.search(r"\b\d{6}\b", " ".join(sent)) and "13800000002" not in " ".join(sent)
