"""Acceptance 4 on a phone: the secretary ticks off this week's duties; the officer sees
the branch's completion change on the board.

On the persona town at 390×844: sam (secretary of 明月村) opens "this week", taps each
duty's big tick button and sees it done; olga (organisation officer) opens the board
before and after and reads 明月村党支部's completion go from 0.0% to 100.0%. The layout
rules (UI.md) are checked on both pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from grassroots.browser_testing import PHONE, assert_rules
from grassroots.core import clock
from grassroots.duties import services
from grassroots.duties.models import Assignment
from grassroots.duties.tests.conftest import item_fields, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _completion(page: Any, branch_id: int) -> str:
    return page.locator(f'tr[data-branch="{branch_id}"] [data-rate]').inner_text().split()[0]


def test_secretary_ticks_off_the_week_and_the_board_shows_it(
    town: Any, browser: Any, live_server: Any, persona_context: Any
) -> None:
    make_plan(
        town,
        item_fields(title="查看周工作提醒", weight=40, steps=["阅读通知"]),
        item_fields(title="更新党员信息", weight=30, due_n=3),
        item_fields(title="走访困难党员", weight=30, due_n=4),
    )
    services.generate(on=clock.today())
    week = Assignment.objects.filter(organization=town.branch_a)
    assert week.count() == 3

    board = persona_context(town.olga, PHONE).new_page()
    board.goto(live_server.url + reverse("duties:board"))
    assert _completion(board, town.branch_a.pk) == "0.0%"
    assert_rules(board, "olga")

    page = persona_context(town.sam, PHONE).new_page()
    page.goto(live_server.url + reverse("duties:week"))
    assert_rules(page, "sam")
    for n in range(1, 4):
        tick = page.locator("button[data-tick]").filter(visible=True).first
        tick.scroll_into_view_if_needed()
        tick.click()
        page.wait_for_load_state("load")
        assert page.locator("button[data-undo]").count() == n
    assert page.locator("button[data-tick]").count() == 0
    assert set(week.values_list("status", flat=True)) == {Assignment.Status.DONE}
    assert_rules(page, "sam")

    board.reload()
    assert _completion(board, town.branch_a.pk) == "100.0%"
    assert _completion(board, town.branch_b.pk) == "0.0%"
