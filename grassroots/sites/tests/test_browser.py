"""On a 390×844 phone: the secretary opens the board, her branch's project, reaches the next
stage through the sheet and ticks an acceptance item; the organisation officer sees the board
with a tile per stage and filters by one. Every page keeps UI.md's layout rules (360 and 390 px).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grassroots.browser_testing import PHONE, assert_rules
from grassroots.core import clock
from grassroots.sites import services
from grassroots.sites.models import CheckItem, Project, Stage
from grassroots.testing import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _projects(town: Town) -> tuple[Project, Project]:
    today = clock.today()
    planned = {
        stage: today + dt.timedelta(days=20 * n) for n, stage in enumerate(Stage.values, start=1)
    }
    a = services.project_create(
        actor=town.alice,
        branch=town.branch_a,
        name="明月村党群服务中心",
        linked_projects="稻虾共养示范片区",
        planned=planned,
        checklist=["党旗、党徽、入党誓词规范上墙", "便民服务窗口和值班制度落实"],
    )
    services.stage_reach(actor=town.alice, project=a, stage=Stage.SURVEY, on=today)
    b = services.project_create(
        actor=town.alice, branch=town.branch_b, name="上杉市村党群服务中心", planned=planned
    )
    return a, b


def test_secretary_and_officer_on_a_phone(
    town: Town, today: dt.date, persona_context: Any, live_server: Any
) -> None:
    a, b = _projects(town)
    sam = persona_context("sam", viewport=PHONE).new_page()
    sam.goto(f"{live_server.url}/sites/")
    assert sam.locator(f'a[href="/sites/{b.pk}/"]').count() == 0  # not her branch
    assert_rules(sam, "sam")
    sam.locator(f'a[href="/sites/{a.pk}/"]').first.click()
    sam.wait_for_url(f"**/sites/{a.pk}/")
    assert_rules(sam, "sam")

    sam.locator('[data-sheet-open="sheet-reach"]').click()
    sheet = sam.locator("#sheet-reach")
    assert sheet.is_visible()
    assert sheet.locator('[name="reach-on"]').input_value() == today.isoformat()
    sheet.locator('[name="reach-note"]').fill("选址经村民代表会议通过")
    with sam.expect_navigation():
        sheet.locator('button[type="submit"]').click()
    a.refresh_from_db()
    assert a.stage == Stage.SITING
    assert "选址经村民代表会议通过" in sam.locator(".timeline").first.inner_text()
    assert_rules(sam, "sam")

    item = CheckItem.objects.filter(project=a).order_by("position").first()
    assert item is not None and not item.done
    with sam.expect_navigation():
        sam.locator(f'form[action="/sites/checks/{item.pk}/"] button[type="submit"]').click()
    item.refresh_from_db()
    assert item.done
    assert (
        sam.locator(f'form[action="/sites/checks/{item.pk}/"] input[name="done"]').input_value()
        == "0"
    )
    assert_rules(sam, "sam")

    olga = persona_context("olga", viewport=PHONE).new_page()
    olga.goto(f"{live_server.url}/sites/")
    tiles = olga.locator("a.tile[data-stage]")
    assert tiles.count() == len(Stage.values) + 1  # and "not started": b has reached none
    siting = olga.locator('a.tile[data-stage="siting"] .tile__value')
    survey = olga.locator('a.tile[data-stage="survey"] .tile__value')
    assert siting.inner_text().strip() == "1" and survey.inner_text().strip() == "0"
    assert olga.locator(f'a[href="/sites/{b.pk}/"]').count() == 1
    assert_rules(olga, "olga")
    with olga.expect_navigation():
        olga.locator('a.tile[data-stage="siting"]').click()
    assert olga.locator(f'a[href="/sites/{a.pk}/"]').count() >= 1
    assert olga.locator(f'a[href="/sites/{b.pk}/"]').count() == 0
    assert_rules(olga, "olga")
