"""The inspection form on a phone: the running total, submitting, and the layout rules."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.browser_testing import assert_rules, browser, persona_context  # noqa: F401
from grassroots.inspections import services
from grassroots.inspections.models import Inspection
from grassroots.inspections.tests.helpers import active_set
from grassroots.testing import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inspector_scores_a_branch_on_a_phone(
    town: Town,
    live_server: Any,
    persona_context: Any,  # noqa: F811
) -> None:
    indicator_set = active_set(town)
    inspection = services.inspection_start(
        actor=town.irene, organization=town.branch_a, indicator_set=indicator_set
    )
    page = persona_context("irene").new_page()
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/score/")
    assert_rules(page, "irene")
    for indicator, value in zip(
        indicator_set.indicators.all(), ["28", "25", "20", "15", "9.5"], strict=True
    ):
        page.fill(f"#id_score_{indicator.pk}", value)
    assert page.text_content("[data-score-total]") == "97.5"
    first, *_, last = list(indicator_set.indicators.all())
    page.fill(f"#id_text_{first.pk}", "支委会记录缺两个月")
    page.fill(f"#id_text_{last.pk}", "一件诉求超期")
    page.check(f"#id_flag_{first.pk}")
    page.click("button[name=final]")
    page.wait_for_url(f"**/inspections/{inspection.pk}/")
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.SUBMITTED
    assert str(inspection.total) == "97.5"
    assert_rules(page, "irene")

    sam = persona_context("sam").new_page()
    sam.goto(f"{live_server.url}/inspections/{inspection.pk}/")
    assert_rules(sam, "sam")
    sam.click("button[form=ack-form]")
    sam.wait_for_load_state()
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.ACKNOWLEDGED


def test_the_lists_and_the_public_notice_page_keep_the_phone_rules(
    town: Town,
    live_server: Any,
    persona_context: Any,  # noqa: F811
) -> None:
    active_set(town)
    for persona, path in (
        ("irene", "/inspections/"),
        ("irene", "/inspections/sets/"),
        ("irene", "/inspections/plans/"),
        ("olga", "/inspections/campaigns/"),
        ("irene", "/inspections/new/"),
        ("olga", "/inspections/plans/new/"),
        ("olga", "/inspections/sets/new/"),
        ("olga", "/inspections/campaigns/new/"),
        (None, "/inspections/notices/"),
    ):
        page = persona_context(persona).new_page()
        page.goto(f"{live_server.url}{path}")
        assert_rules(page, persona or "anonymous")
