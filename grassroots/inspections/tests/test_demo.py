from __future__ import annotations

import datetime as dt

from django.urls import reverse

from grassroots.core import clock
from grassroots.inspections.demo import load_demo_inspections
from grassroots.inspections.models import Application, Inspection, InspectionPlan, StarRating
from grassroots.inspections.selectors import branch_scores, current_stars
from grassroots.inspections.tests.helpers import at
from grassroots.rectify.models import Item
from grassroots.testing import Town


def test_the_demo_loads_inspections_a_campaign_in_notice_and_ratings(town: Town, client) -> None:  # type: ignore[no-untyped-def]
    now = at(2026, 11, 18)
    clock.set_now(now)
    counts = load_demo_inspections(actor=town.root, town=town.town, now=now, seed=11)
    branches = [town.branch_a.pk, town.branch_b.pk, town.branch_firm.pk]
    assert counts["inspections"] == Inspection.objects.count() == 6
    assert counts["rectification_items"] == Item.objects.count()
    assert Inspection.objects.filter(is_demo=True, status="draft").count() == 0
    q3 = branch_scores(org_ids=branches, start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))
    q2 = branch_scores(org_ids=branches, start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30))
    assert set(q3) == set(q2) == set(branches)
    plan = InspectionPlan.objects.get()
    assert plan.seed == 11
    assert Application.objects.filter(status="in_notice").count() == 3
    page = client.get(reverse("inspections:public_notices")).content.decode()
    assert "明月村党支部" in page
    assert StarRating.objects.count() == 4
    assert current_stars([town.branch_a.pk])[town.branch_a.pk] == 2
