"""A representative on a phone: log in, open my households, log a visit, see green;
and the taps it takes from my households to a visit or to a need's form."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def chromium_or_fail() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("GRASSROOTS_SKIP_BROWSER") == "1":
        pytest.skip("GRASSROOTS_SKIP_BROWSER=1 and no Chromium")
    pytest.fail(
        f"{CHROMIUM} is missing: run `apt-get install -y chromium fonts-wqy-microhei` "
        "(or set GRASSROOTS_SKIP_BROWSER=1 to skip browser tests)"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_representative_logs_a_visit_on_a_phone_and_the_household_turns_green(
    live_server: object,
) -> None:
    chromium_or_fail()
    from playwright.sync_api import expect, sync_playwright

    from grassroots.core import clock
    from grassroots.grid import services as grid
    from grassroots.grid.models import Visit
    from grassroots.testing import PASSWORD, build_town, make_user

    town = build_town()
    user = make_user("rep.0001", display_name="明月村代表")
    rep = grid.representative_create(
        actor=town.root, village=town.village_a, name="明月代表", phone="13800000009", user=user
    )
    household = town.household_a1
    grid.link_representative(actor=town.root, household=household, representative=rep)
    grid.visit_log(
        actor=town.root,
        household=household,
        visited_at=clock.now() - dt.timedelta(days=40),
        representative=rep,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            context = browser.new_context(
                viewport={"width": 390, "height": 844},
                locale="zh-CN",
                geolocation={"latitude": 28.1234567, "longitude": 112.9876543, "accuracy": 15},
                permissions=["geolocation"],
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "rep.0001")
            page.fill("#id_password", PASSWORD)
            started = time.monotonic()
            page.click("button[type=submit].btn--primary")
            # A representative lands on their households.
            page.wait_for_url("**/grid/mine/")
            row = page.locator(f"#hh-{household.pk}")
            expect(row).to_have_class(re.compile(r"\bfresh-stale\b"))
            page.screenshot(path=str(SCREENSHOTS / "mine-before.png"), full_page=True)

            row.locator("a.visit-btn").click()
            page.wait_for_url(f"**/grid/households/{household.pk}/visit/")
            page.locator("label.segmented__opt:has(input[value=phone])").click()
            expect(page.locator("input[name=accuracy_m]")).to_have_value("15")
            page.screenshot(path=str(SCREENSHOTS / "visit-form.png"), full_page=True)
            page.click("button[type=submit].big")

            page.wait_for_url("**/grid/mine/**")
            expect(page.locator(f"#hh-{household.pk}")).to_have_class(re.compile(r"\bfresh-ok\b"))
            elapsed = time.monotonic() - started
            page.screenshot(path=str(SCREENSHOTS / "mine-after.png"), full_page=True)
        finally:
            browser.close()

    visit = Visit.objects.filter(household=household).order_by("-server_time").first()
    assert visit.mode == "phone" and visit.representative == rep
    assert visit.accuracy_m == 15 and visit.device_time is not None
    assert elapsed < 30
