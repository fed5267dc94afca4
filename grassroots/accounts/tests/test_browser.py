"""Acceptance 1 of issue #14 in a browser: the town administrator creates a representative's
account and makes it the login of a roster representative; the representative logs in with
the temporary password, must change it, and sees their households; the administrator revokes
it and the representative's next request is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.browser_testing import DESKTOP, PHONE
from grassroots.testing import Town

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
