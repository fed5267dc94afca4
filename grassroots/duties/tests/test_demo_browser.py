"""Acceptance 4 on the demo town itself, at phone size: `secretary.mingyue` ticks off this
week's duties of her branch and `organizer` sees that branch's weekly completion reach
100.0% on the board (the persona-town version is test_duties_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.browser_testing import PHONE, assert_rules
from grassroots.core import clock
from grassroots.demo import loader
from grassroots.duties import selectors, services
from grassroots.duties.models import Assignment, Cadence
from grassroots.duties.periods import period_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _completion(page: Any, branch_id: int) -> str:
    return page.locator(f'tr[data-branch="{branch_id}"] [data-rate]').inner_text().split()[0]


def test_secretary_mingyue_ticks_off_her_week_and_organizer_sees_it(
    browser: Any, live_server: Any, persona_context: Any
) -> None:
    loader.load_demo(households=60)
    secretary = User.objects.get(username="secretary.mingyue")
    organizer = User.objects.get(username="organizer")
    branch = selectors.duty_branches(secretary)[0]
    week = period_for(Cadence.WEEKLY, clock.today())
    weekly = Assignment.objects.filter(organization=branch, cadence=Cadence.WEEKLY, period=week.key)
    assert weekly.exists(), "the demo generates this week's duties"
    for done in weekly.filter(status=Assignment.Status.DONE):
        services.assignment_reopen(actor=secretary, assignment=done)  # start the week afresh

    board = persona_context(organizer, PHONE).new_page()
    board.goto(f"{live_server.url}{reverse('duties:board')}?cadence=weekly")
    assert _completion(board, branch.pk) == "0.0%"
    assert_rules(board, "organizer")

    page = persona_context(secretary, PHONE).new_page()
    page.goto(f"{live_server.url}{reverse('duties:week')}?branch={branch.pk}")
    assert_rules(page, "secretary.mingyue")
    for pk in weekly.values_list("pk", flat=True):
        tick = page.locator(f'button[data-tick="{pk}"]')
        tick.scroll_into_view_if_needed()
        tick.click()
        page.wait_for_load_state("load")
    assert set(weekly.values_list("status", flat=True)) == {Assignment.Status.DONE}

    board.reload()
    assert _completion(board, branch.pk) == "100.0%"
