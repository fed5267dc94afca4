"""Acceptance 1, on a phone (390×844): a member opens the check-in link from the venue's
screen and is checked in with one tap; the screen's count rises by one; the same link a
minute later is refused and the count does not rise again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grassroots import browser_testing
from grassroots.browser_testing import assert_rules
from grassroots.core import clock
from grassroots.testing import Town
from grassroots.trainings.models import Attendance
from grassroots.trainings.tests.checkin_fixtures import AT, make_training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The shared fixtures (the trainings tests have no conftest of their own for them).
browser = browser_testing.browser
persona_context = browser_testing.persona_context
COUNT = "#vscreen-live [data-count-venue]"


def test_a_member_checks_in_from_the_venue_screen(
    town: Town, live_server: Any, persona_context: Any
) -> None:
    t = make_training(town)
    clock.set_now(AT)
    screen = persona_context("alice", viewport="390x844").new_page()
    screen.goto(f"{live_server.url}/trainings/sessions/{t.session.pk}/screen/{t.main.pk}/")
    assert screen.locator(".vscreen__qr svg").count() == 1
    assert screen.locator(COUNT).get_attribute("data-count-venue") == "0"
    link = screen.locator("[data-checkin-url]").get_attribute("data-checkin-url")
    assert link.startswith(f"{live_server.url}/trainings/c/{t.session.pk}/{t.main.pk}/")
    assert_rules(screen, "alice")

    phone = persona_context(t.mia, viewport="390x844").new_page()
    phone.goto(link)
    assert t.session.topic in phone.content()
    assert_rules(phone, "mia")
    phone.locator(".checkin-tap button[type=submit]").click()
    phone.wait_for_selector('[data-checkin-result="ok"]')
    assert t.main.name in phone.content()
    assert_rules(phone, "mia")
    assert Attendance.objects.filter(session=t.session, venue=t.main).count() == 1

    # The screen polls: its count rises by exactly one.
    screen.wait_for_selector(f'{COUNT}[data-count-venue="1"]', timeout=15_000)

    # The same link a minute later: refused, nothing recorded, the count stays.
    clock.set_now(AT + dt.timedelta(seconds=60))
    again = phone.goto(link)
    assert again.status == 410
    assert phone.locator('[data-checkin-result="expired"]').count() == 1
    assert Attendance.objects.count() == 1
    screen.reload()
    screen.wait_for_timeout(6_000)  # past one more poll
    assert screen.locator(COUNT).get_attribute("data-count-venue") == "1"
    assert screen.locator("[data-count-session]").get_attribute("data-count-session") == "1"
