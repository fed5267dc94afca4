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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_representative_reports_a_need_at_the_most_overdue_household_in_six_taps(
    live_server: object,
) -> None:
    """Log in → the most overdue household → report a need → the need's words → submit.

    Taps are counted as the clicks a thumb makes (the username field has the focus
    when the page opens; typing is not a tap). Only the need's own words are typed
    after logging in: the form arrives with the household filled in.
    """
    chromium_or_fail()
    from playwright.sync_api import sync_playwright

    from grassroots.cases.models import Case
    from grassroots.core import clock
    from grassroots.grid import services as grid
    from grassroots.testing import PASSWORD, build_town, make_user

    town = build_town()
    user = make_user("rep.0002", display_name="明月村代表")
    rep = grid.representative_create(
        actor=town.root, village=town.village_a, name="明月代表", phone="13800000008", user=user
    )
    for household in (town.household_a1, town.household_a2):
        grid.link_representative(actor=town.root, household=household, representative=rep)
    grid.visit_log(
        actor=town.root,
        household=town.household_a1,
        visited_at=clock.now() - dt.timedelta(days=3),
        representative=rep,
    )
    overdue = town.household_a2  # never visited: it comes first
    words = "村口路灯坏了三天，晚上看不见路"
    taps = 0

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.keyboard.type("rep.0002")  # the username field has the focus
            page.click("#id_password")
            taps += 1
            page.keyboard.type(PASSWORD)
            page.click("button[type=submit].btn--primary")
            taps += 1
            page.wait_for_url("**/grid/mine/")
            first = page.locator("ul.hh-cards > li > article").first
            assert first.get_attribute("id") == f"hh-{overdue.pk}"
            first.locator("a.card__link").click()
            taps += 1
            page.wait_for_url(f"**/grid/households/{overdue.pk}/")
            page.locator("a.case-btn").click()
            taps += 1
            page.wait_for_url(f"**/cases/new/?household={overdue.pk}")
            text = page.locator("textarea[name=text]")
            text.click()
            taps += 1
            text.type(words)
            page.locator("form:has(textarea[name=text]) button[type=submit]").last.click()
            taps += 1
            page.wait_for_url("**/cases/*/")
        finally:
            browser.close()

    case = Case.objects.get()
    assert case.household == overdue and case.text == words
    assert taps <= 6
