"""Acceptance 1 of issue #14 in a browser: the town administrator creates a representative's
account and makes it the login of a roster representative; the representative logs in with
the temporary password, must change it, and sees their households; the administrator revokes
it and the representative's next request is refused."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.urls import reverse
from django_otp.oath import totp

from grassroots.accounts.models import User
from grassroots.browser_testing import DESKTOP, PHONE, assert_rules
from grassroots.testing import PASSWORD, Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "morning-tide-lantern"  # noqa: S105 - a test account's password


def test_an_administrator_gives_a_representative_an_account_then_revokes_it(
    town: Town, persona_context: Any, live_server: Any
) -> None:
    base = live_server.url
    admin = persona_context(town.alice, DESKTOP).new_page()
    admin.goto(base + reverse("accounts:manage_new"))
    admin.fill("#id_username", "zhang.daibiao")
    admin.fill("#id_display_name", "张代表")
    admin.locator("form.form button[type=submit]").click()
    password = admin.locator("[data-temp-password] code").inner_text().strip()
    user = User.objects.get(username="zhang.daibiao")
    admin.goto(base + reverse("accounts:manage_account", args=[user.pk]))
    admin.select_option("#id_representative", str(town.rep_a.pk))
    admin.get_by_role("button", name="关联").click()
    admin.wait_for_load_state()

    rep = persona_context(None, PHONE).new_page()
    rep.goto(base + reverse("accounts:login"))
    rep.fill("#id_username", "zhang.daibiao")
    rep.fill("#id_password", password)
    rep.locator("button.login-submit").click()
    rep.wait_for_url("**/accounts/password/**")
    rep.fill("#id_old_password", password)
    rep.fill("#id_new_password1", NEW_PASSWORD)
    rep.fill("#id_new_password2", NEW_PASSWORD)
    rep.locator("form.form button[type=submit]").click()
    rep.wait_for_load_state()
    rep.goto(base + reverse("grid:mine"))
    assert "A-001" in rep.content() and "A-002" in rep.content()
    household = base + reverse("grid:household", args=[town.household_a1.pk])
    assert rep.goto(household).status == 200

    admin.goto(base + reverse("accounts:manage_account", args=[user.pk]))
    admin.get_by_role("button", name="解除关联").click()
    admin.wait_for_load_state()
    assert rep.goto(household).status == 404
    assert "A-001" not in rep.goto(base + reverse("grid:mine")).text()


# --- otp (issue #14): acceptance 2 in a browser
def _code(secret: str, drift: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=drift):06d}"


def test_an_administrator_enrols_at_first_login_then_cannot_log_in_without_a_code(
    town: Town, persona_context: Any, live_server: Any, settings: Any
) -> None:
    settings.ADMIN_2FA = "required"
    base = live_server.url
    page = persona_context(None, PHONE).new_page()
    page.goto(base + reverse("accounts:login"))
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.locator("button.login-submit").click()
    page.wait_for_url("**/accounts/two-factor/")
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    assert_rules(page, "alice")
    secret = page.input_value("[data-secret]")
    page.fill("#id_code", _code(secret))
    page.locator("form.form button[type=submit]").click()
    page.locator("[data-codes] code").first.wait_for()  # the answer to the POST, not the form
    codes = page.locator("[data-codes] code").all_inner_texts()
    assert len(codes) == 10
    assert_rules(page, "alice")
    with page.expect_navigation():
        page.locator("main a.btn").click()
    assert page.goto(base + reverse("cases:board")).status == 200
    page.goto(base + reverse("accounts:two_factor"))
    assert "10" in page.content()  # ten recovery codes left
    assert_rules(page, "alice")

    again = persona_context(None, PHONE).new_page()
    again.goto(base + reverse("accounts:login"))
    again.fill("#id_username", "alice")
    again.fill("#id_password", PASSWORD)
    again.locator("button.login-submit").click()
    again.wait_for_url("**/accounts/login/code/")
    assert_rules(again, "alice")
    again.goto(base + reverse("cases:board"))
    assert "/accounts/login/" in again.url  # the password alone opened nothing
    again.goto(base + reverse("accounts:login_code"))
    again.fill("#id_code", _code(secret, drift=1))
    with again.expect_navigation():
        again.locator("form.form button[type=submit]").click()
    assert again.goto(base + reverse("cases:board")).status == 200


# --- end otp
