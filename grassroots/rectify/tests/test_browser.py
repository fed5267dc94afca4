"""On a phone: the secretary works an item to sign-off request, the inspector signs it off;
the ledger and the item page keep the layout rules at 360 and 390 px."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grassroots.browser_testing import assert_rules
from grassroots.core import clock
from grassroots.rectify import services
from grassroots.rectify.models import Item, Status
from grassroots.rectify.tests.conftest import register
from grassroots.testing import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page: Any, action: str, fill: dict[str, str] | None = None) -> None:
    """The actions sheet, then the action's button or its own sheet with its form."""
    page.locator('[data-sheet-open="item-actions"]').click()
    sheet = page.locator(f"#act-{action}")
    if sheet.count():
        page.locator(f'#item-actions [data-sheet-open="act-{action}"]').click()
        form = sheet.locator(f'form[data-action="{action}"]')
    else:
        form = page.locator(f'#item-actions form[data-action="{action}"]')
    for name, value in (fill or {}).items():
        form.locator(f'[name="{action}-{name}"]').fill(value)
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def test_secretary_and_inspector_on_a_phone(
    town: Town, persona_context: Any, live_server: Any
) -> None:
    item = register(town, deadline=clock.today() + dt.timedelta(days=5))
    item = services.item_hand_over(actor=town.olga, item=item)
    register(town, problem="党员活动室制度上墙不全", deadline=clock.today() + dt.timedelta(days=40))

    sam = persona_context("sam").new_page()
    sam.goto(f"{live_server.url}/rectify/")
    assert sam.locator('tr[data-colour="yellow"]').count() == 1
    assert_rules(sam, "sam")
    sam.locator(f'a[href="/rectify/{item.pk}/"]').click()
    assert_rules(sam, "sam")
    act(sam, "start_rectifying")
    assert "已完成：开始整改" in sam.locator(".messages").inner_text()
    act(sam, "request_signoff", {"note": "已补齐全部会议记录"})
    assert Item.objects.get(pk=item.pk).status == Status.CLOSURE_REQUESTED

    irene = persona_context("irene").new_page()
    irene.goto(f"{live_server.url}/rectify/{item.pk}/")
    act(irene, "start_review")
    act(irene, "sign_off")
    assert Item.objects.get(pk=item.pk).status == Status.CLOSED
    assert irene.locator('[data-status="closed"]').inner_text().strip() == "已销号"
    assert_rules(irene, "irene")

    olga = persona_context("olga").new_page()
    for path in ("/rectify/new/", "/rectify/print/", "/rectify/?colour=yellow"):
        olga.goto(f"{live_server.url}{path}")
        assert_rules(olga, "olga")
