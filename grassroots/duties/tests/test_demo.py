"""The demo plan, on the persona town: weights, history, uneven completion, this week open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from django.utils import timezone

from grassroots.duties import figures
from grassroots.duties.demo import load_demo_duties
from grassroots.duties.models import Assignment, BranchFigure, ItemVersion, Plan

pytestmark = pytest.mark.django_db


def test_demo_plan_history_and_uneven_completion(town) -> None:
    now = timezone.make_aware(dt.datetime(2026, 11, 25, 11, 0))
    counts = load_demo_duties(actor=town.root, town=town.town, now=now, seed=7)
    plan = Plan.objects.get(is_demo=True)
    assert plan.title == "2026年度支部建设质量年责任清单" and plan.status == Plan.Status.PUBLISHED
    weights = ItemVersion.objects.filter(item__plan=plan).aggregate(s=Sum("weight"))["s"]
    assert counts["duty_items"] == 12 and weights == 100
    assert counts["duty_assignments"] == Assignment.objects.count() > 0
    assert Assignment.objects.filter(period="2026-W27").exists()  # two quarters back: Q3…
    assert Assignment.objects.filter(period="2026-Q2").exists()  # …and Q2 (its last week)
    assert Assignment.objects.filter(is_demo=True).count() == Assignment.objects.count()
    done = Assignment.objects.filter(status=Assignment.Status.DONE)
    assert 0.4 < done.count() / Assignment.objects.count() < 0.95
    assert counts["duties_done"] > 0 and counts["duties_overdue"] > 0
    mine_now = Assignment.objects.filter(organization=town.branch_a, period="2026-W48")
    assert mine_now.exists() and not mine_now.filter(status=Assignment.Status.DONE).exists()
    # The figures kept by the services equal a rebuild.
    names = ("organization_id", "cadence", "period", *figures.FIELDS)
    before = sorted(BranchFigure.objects.values_list(*names))
    figures.rebuild()
    assert sorted(BranchFigure.objects.values_list(*names)) == before
