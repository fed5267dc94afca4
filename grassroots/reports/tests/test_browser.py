"""On a phone: the town administrator lists the reports, opens one, downloads nothing broken,
asks for a new one; the measures page and the case list show their export links. Every page
keeps UI.md's layout rules (360 and 390 px)."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.browser_testing import PHONE, assert_rules
from grassroots.cases.tests.helpers import file_case
from grassroots.reports import services
from grassroots.reports.tests.helpers import figures
from grassroots.testing import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_pages_on_a_phone(town: Town, persona_context: Any, live_server: Any) -> None:
    figures(town)
    file_case(town)
    report = services.generate(actor=None, kind="quarterly", period="2026-Q4", place=town.town)
    alice = persona_context("alice", viewport=PHONE).new_page()
    alice.goto(f"{live_server.url}/reports/")
    assert_rules(alice, "alice")
    alice.locator(f'a[href="/reports/{report.pk}/"]').first.click()
    alice.wait_for_url(f"**/reports/{report.pk}/")
    assert alice.locator(f'a[href="/reports/{report.pk}/pdf/"]').count() == 1
    assert "明月村" in alice.locator("main").inner_text()
    assert_rules(alice, "alice")
    alice.goto(f"{live_server.url}/reports/new/")
    assert_rules(alice, "alice")
    alice.goto(f"{live_server.url}/cases/measures/")
    assert alice.locator("a[data-export]").count() == 1
    assert_rules(alice, "alice")
    alice.goto(f"{live_server.url}/cases/")
    assert alice.locator("a[data-export]").count() == 1
    assert_rules(alice, "alice")
