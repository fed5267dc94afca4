"""Two-factor login (issue #14 point 2, acceptance 2): enrolment with a QR code and recovery
codes, the login's second step, administrators sent to enrolment when it is required.

Codes are computed as an authenticator app does, with `django_otp.oath.totp` over the
device's key; a code is accepted once (django-otp refuses a time step already used), so a
second code in the same test is the next step's (`drift=1`, within the device's tolerance).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from grassroots.accounts import twofactor
from grassroots.accounts.services import token_issue
from grassroots.core.audit import Action, Result
from grassroots.core.models import AuditEvent
from grassroots.core.tests.test_configuration import FERNET, STRONG, run
from grassroots.testing import PASSWORD, Town

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, drift=drift):06d}"


def enrol(user: Any) -> tuple[TOTPDevice, list[str]]:
    device = twofactor.pending_device(user)
    codes = twofactor.two_factor_enrol(actor=user, device=device, code=code(device))
    device.refresh_from_db()
    return device, codes


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def password_step(client: Client, username: str, target: str = "") -> Any:
    data = {"username": username, "password": PASSWORD}
    if target:
        data["next"] = target
    return client.post(LOGIN, data)


def test_enrolment_page_shows_a_qr_code_and_the_secret_and_confirms_with_a_code(
    town: Town, client_for: Any
) -> None:
    client = client_for("sam")
    page = client.get(reverse("accounts:two_factor"))
    html = page.content.decode()
    assert page.status_code == 200 and 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=town.sam, confirmed=False)
    assert twofactor.secret_text(device) in html and "<script" not in html.split("<main")[-1]
    assert client.get(reverse("core:me")).content.decode().count('href="/accounts/two-factor/"')

    wrong = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    assert not twofactor.has_two_factor(town.sam)

    done = client.post(reverse("accounts:two_factor"), {"code": code(device)})
    codes = done.context["codes"]
    assert done.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    assert "no-store" in done["Cache-Control"] and all(c in done.content.decode() for c in codes)
    assert twofactor.has_two_factor(town.sam) and twofactor.recovery_left(town.sam) == 10
    assert AuditEvent.objects.filter(
        action=Action.ACCOUNTS_TWO_FACTOR_ENROLLED, actor=town.sam
    ).exists()
    state = client.get(reverse("accounts:two_factor")).content.decode()
    assert "data:image/svg+xml" not in state and codes[0] not in state  # shown once


def test_login_asks_for_the_code_before_the_session_is_signed_in(town: Town) -> None:
    device, _codes = enrol(town.sam)
    client = Client()
    step = password_step(client, "sam", "/grid/")
    assert step.status_code == 302 and step["Location"] == reverse("accounts:login_code")
    assert not signed_in(client)
    assert client.get("/grid/").status_code == 302  # still anonymous: sent to log in
    assert client.get(reverse("accounts:login_code")).status_code == 200

    done = client.post(reverse("accounts:login_code"), {"code": code(device, drift=1)})
    assert done.status_code == 302 and done["Location"] == "/grid/"
    assert signed_in(client) and client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert AuditEvent.objects.filter(
        action=Action.ACCOUNTS_SECOND_FACTOR_PASSED, actor=town.sam
    ).exists()


def test_a_recovery_code_signs_in_once(town: Town) -> None:
    _device, codes = enrol(town.sam)
    first = Client()
    password_step(first, "sam")
    assert first.post(reverse("accounts:login_code"), {"code": codes[3].upper()}).status_code == 302
    assert signed_in(first) and twofactor.recovery_left(town.sam) == 9

    again = Client()
    password_step(again, "sam")
    refused = again.post(reverse("accounts:login_code"), {"code": codes[3]})
    assert refused.status_code == 200 and not signed_in(again)


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_wrong_codes_are_refused_audited_and_count_toward_the_lock_out(town: Town) -> None:
    device, _codes = enrol(town.sam)
    client = Client()
    password_step(client, "sam")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        refused = client.post(reverse("accounts:login_code"), {"code": "123456"})
        assert refused.status_code == 200 and not signed_in(client)
    failed = AuditEvent.objects.filter(action=Action.ACCOUNTS_SECOND_FACTOR_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT - 1
    assert failed.first().result == Result.FAILED
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_LOGIN_FAILED).count() >= 4
    locked = client.post(reverse("accounts:login_code"), {"code": "123456"})
    assert locked.status_code == 429
    # Locked out: even the right code (and the right password) no longer opens the session.
    late = Client()
    assert password_step(late, "sam").status_code == 429
    assert not signed_in(late) and not signed_in(client)
    assert device.pk  # the device itself is untouched


def test_the_second_step_is_refused_without_the_password_step_or_after_five_minutes(
    town: Town,
) -> None:
    device, _codes = enrol(town.sam)
    client = Client()
    assert client.post(reverse("accounts:login_code"), {"code": code(device)}).status_code == 302
    assert not signed_in(client)
    password_step(client, "sam")
    session = client.session
    session["_two_factor_pending"]["at"] -= 301
    session.save()
    late = client.post(reverse("accounts:login_code"), {"code": code(device, drift=1)})
    assert late.status_code == 302 and late["Location"] == reverse("accounts:login")
    assert not signed_in(client)


@override_settings(ADMIN_2FA="required")
def test_an_administrator_without_a_device_is_sent_to_enrolment_when_required(
    town: Town,
) -> None:
    client = Client()
    step = password_step(client, "alice", "/cases/")
    assert step.status_code == 302 and step["Location"] == reverse("accounts:two_factor")
    assert not signed_in(client)
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200 and page.context["signing_in"]
    device = TOTPDevice.objects.get(user=town.alice, confirmed=False)
    done = client.post(reverse("accounts:two_factor"), {"code": code(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert done.context["next"] == "/cases/" and signed_in(client)
    # Someone who is not an administrator signs in with the password alone.
    plain = Client()
    assert password_step(plain, "sam").status_code == 302 and signed_in(plain)
    # A required factor cannot be turned off.
    alice = Client()
    alice.force_login(town.alice)
    alice.post(reverse("accounts:two_factor_disable"), {"off-code": code(device, drift=1)})
    assert twofactor.has_two_factor(town.alice)


@override_settings(ADMIN_2FA="optional")
def test_with_the_setting_optional_an_administrator_signs_in_with_the_password(
    town: Town,
) -> None:
    client = Client()
    assert password_step(client, "alice").status_code == 302 and signed_in(client)
    root = Client()
    assert password_step(root, "root").status_code == 302 and signed_in(root)


def test_disable_needs_a_current_code_and_renewing_replaces_the_recovery_codes(
    town: Town, client_for: Any
) -> None:
    device, codes = enrol(town.sam)
    client = client_for("sam")
    client.post(reverse("accounts:recovery_codes"), {"codes-code": "000000"})
    assert set(
        StaticToken.objects.filter(device__user=town.sam).values_list("token", flat=True)
    ) == set(codes)
    renewed = client.post(reverse("accounts:recovery_codes"), {"codes-code": codes[0]})
    fresh = renewed.context["codes"]
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    assert AuditEvent.objects.filter(action=Action.ACCOUNTS_RECOVERY_CODES_ISSUED).exists()

    client.post(reverse("accounts:two_factor_disable"), {"off-code": "000000"})
    assert twofactor.has_two_factor(town.sam)
    client.post(reverse("accounts:two_factor_disable"), {"off-code": code(device, drift=1)})
    assert not twofactor.has_two_factor(town.sam)
    assert not StaticToken.objects.filter(device__user=town.sam).exists()
    assert AuditEvent.objects.filter(
        action=Action.ACCOUNTS_TWO_FACTOR_DISABLED, actor=town.sam
    ).exists()
    plain = Client()
    assert password_step(plain, "sam").status_code == 302 and signed_in(plain)


def test_the_api_token_is_unchanged_by_two_factor_login(town: Town) -> None:
    """Tokens are issued by `grassroots token` or the back office to a verified person and
    stay as they are (decision 0020): an enrolled user's token still reads the API."""
    enrol(town.sam)
    token = token_issue(actor=None, user=town.sam)
    response = Client().get("/api/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_the_setting_defaults_to_required_in_production_and_refuses_other_words(
    tmp_path: Any,
) -> None:
    code = "from django.conf import settings; print(settings.ADMIN_2FA)"
    keys = {"GRASSROOTS_SECRET_KEY": STRONG, "GRASSROOTS_FIELD_KEY": FERNET}
    production = run(["-c", code], tmp_path, GRASSROOTS_ENV="production", **keys)
    assert production.stdout.strip() == "required", production.stderr
    assert run(["-c", code], tmp_path).stdout.strip() == "optional"
    bad = run(["-m", "grassroots.cli", "check"], tmp_path, GRASSROOTS_ADMIN_2FA="sometimes")
    assert bad.returncode == 2 and "GRASSROOTS_ADMIN_2FA" in bad.stderr
