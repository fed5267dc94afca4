from __future__ import annotations

from grassroots.cases.demo import load_demo_cases
from grassroots.cases.models import Case, CaseEvent, Status
from grassroots.cases.tests.helpers import at
from grassroots.testing import Town


def test_the_demo_generator_covers_the_states_with_consistent_timelines(town: Town) -> None:
    now = at(2026, 9, 28, 10)
    created = load_demo_cases(actor=town.alice, town=town.town, now=now, seed=7)
    assert created == Case.objects.count() > 20
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {Status.CLOSED, Status.IN_PROGRESS, Status.SUBMITTED} <= statuses
    assert Case.objects.filter(is_demo=True).count() == created
    for case in Case.objects.all():
        times = list(case.events.values_list("at", flat=True))
        assert times == sorted(times) and times[-1] <= now
        assert case.events.first().kind == "submit"
    assert CaseEvent.objects.filter(kind="escalate").exists()
