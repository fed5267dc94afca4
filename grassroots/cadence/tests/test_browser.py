"""The cadence pages on a phone (360 and 390 px): an officer's review ranking and a
secretary's arrangement keep the layout rules (tap targets, no sideways scroll, no
one-character CJK wrapping)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grassroots.browser_testing import assert_rules, browser, persona_context  # noqa: F401
from grassroots.cadence.models import Arrangement
from grassroots.cadence.services import tick
from grassroots.cadence.tests.helpers import assignment, at, plan
from grassroots.core import clock
from grassroots.testing import build_town

D = dt.date


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cadence_pages_on_a_phone(live_server: Any, persona_context: Any) -> None:  # noqa: F811
    town = build_town()
    p = plan(town)
    for branch in (town.branch_a, town.branch_b, town.branch_firm):
        assignment(
            p,
            branch,
            period_start=D(2026, 9, 1),
            due_on=D(2026, 10, 30),
            title="召开组织生活会并开展民主评议党员",
            steps=[
                {"title": "会前谈心谈话", "done": True},
                {"title": "形成会议记录", "done": False},
            ],
            done_on=D(2026, 9, 20) if branch != town.branch_a else None,
        )
    now = at(2026, 10, 8, 9)
    clock.set_now(now)
    tick(now=now)
    clock.set_now(None)
    arrangement = Arrangement.objects.get(organization=town.branch_a)
    olga = persona_context("olga").new_page()
    olga.goto(f"{live_server.url}/cadence/reviews/2026-Q3/")
    assert "上杉市村党支部" in olga.content()
    assert_rules(olga, "olga")
    olga.goto(f"{live_server.url}/cadence/instructors/")
    assert_rules(olga, "olga")
    sam = persona_context("sam").new_page()
    sam.goto(f"{live_server.url}/cadence/arrangements/{arrangement.pk}/")
    assert "召开组织生活会并开展民主评议党员" in sam.content()
    assert_rules(sam, "sam")
    sam.goto(f"{live_server.url}/cadence/arrangements/")
    assert_rules(sam, "sam")
