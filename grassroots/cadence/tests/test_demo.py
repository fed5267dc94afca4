"""The demo function on the persona town: published reviews, arrangements, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.cadence.demo import load_demo_cadence
from grassroots.cadence.models import CadenceRun, QuarterScore
from grassroots.cadence.tests.helpers import assignment, at, plan
from grassroots.duties.demo import load_demo_duties
from grassroots.notify.models import Notice

pytestmark = pytest.mark.django_db

D = dt.date


def test_load_demo_cadence(town) -> None:  # noqa: ANN001
    p = plan(town)
    for start, end in ((D(2026, 4, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2026, 9, 30))):
        for n, branch in enumerate((town.branch_a, town.branch_b, town.branch_firm)):
            assignment(p, branch, period_start=start, due_on=end, weight=40)
            assignment(
                p,
                branch,
                period_start=start,
                due_on=end,
                weight=60,
                done_on=end - dt.timedelta(days=n),
            )
    for branch in (town.branch_a, town.branch_b):
        assignment(p, branch, period_start=D(2026, 11, 1), due_on=D(2026, 11, 30))
    now = at(2026, 11, 29, 10)
    counts = load_demo_cadence(actor=town.root, town=town.town, now=now, seed=7)
    assert counts == {"quarter_scores": 6, "arrangements": 2}
    assert sorted(set(QuarterScore.objects.values_list("period", flat=True))) == [
        "2026-Q2",
        "2026-Q3",
    ]
    q2 = CadenceRun.objects.get(job="quarterly_review", period="2026-Q2")
    assert q2.due_on == D(2026, 7, 1) and q2.finished_at == at(2026, 7, 1, 9)
    notices = Notice.objects.count()
    assert notices < 20
    assert load_demo_cadence(actor=town.root, town=town.town, now=now, seed=7) == counts
    assert Notice.objects.count() == notices


def test_after_the_duties_demo(town, client_for) -> None:  # noqa: ANN001
    now = at(2026, 11, 25, 11)
    load_demo_duties(actor=town.root, town=town.town, now=now, seed=7)
    counts = load_demo_cadence(actor=town.root, town=town.town, now=now, seed=7)
    assert counts["quarter_scores"] == 2 * 3 and counts["arrangements"] == 3
    q3 = list(QuarterScore.objects.filter(period="2026-Q3").order_by("rank"))
    assert [r.rank for r in q3] == [1, 2, 3]
    assert all(r.weight_total > 0 for r in q3)
    page = client_for("olga").get("/cadence/reviews/2026-Q3/")
    assert page.status_code == 200 and q3[0].branch_name in page.content.decode()
