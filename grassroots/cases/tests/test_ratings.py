"""Issue #14: a resident rates each answer once, and the ratings count in the satisfaction rate."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from grassroots.cases import measures, services
from grassroots.cases.models import Case, CaseEvent
from grassroots.cases.tests.helpers import at, file_case
from grassroots.core import clock
from grassroots.testing import Town


def _replied(town: Town, hank, text: str = "村口道路破损严重，有很多坑") -> Case:
    case = file_case(town, text=text)
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    return services.case_reply(actor=hank, case=case, reply="已安排修补")


def test_each_answer_is_rated_once_and_a_new_answer_again(town: Town, hank, monday) -> None:
    case = _replied(town, hank)
    services.case_rate(actor=None, case=case, rating=2, comment="还是有坑")
    with pytest.raises(ValidationError) as refused:
        services.case_rate(actor=None, case=case, rating=5)
    assert refused.value.code == "already_rated"
    assert refused.value.messages == [str(services.ALREADY_RATED)]
    services.case_call_back(actor=town.sam, case=case, solved=False, satisfied=False)
    case = services.case_reply(actor=hank, case=Case.objects.get(pk=case.pk), reply="重新铺了")
    assert case.rating is None  # the new answer is not rated yet
    services.case_rate(actor=None, case=case, rating=5, comment="修好了")
    rated = list(
        CaseEvent.objects.filter(case=case, kind="rate")
        .order_by("pk")
        .values_list("data", flat=True)
    )
    replies = list(
        CaseEvent.objects.filter(case=case, kind="reply")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert [(d["rating"], d["reply"]) for d in rated] == [(2, replies[0]), (5, replies[1])]


def test_residents_ratings_count_in_the_satisfaction_rate(town: Town, hank, monday) -> None:
    pleased = _replied(town, hank)
    services.case_call_back(actor=town.sam, case=pleased, solved=True, satisfied=True)
    services.case_rate(actor=None, case=Case.objects.get(pk=pleased.pk), rating=4)
    unhappy = _replied(town, hank, text="二组水沟堵塞")
    services.case_rate(actor=None, case=unhappy, rating=2)
    as_of = at(2026, 9, 30, 12)
    clock.set_now(as_of)
    m = measures.measures_for(town.village_a, 2026, 9, as_of=as_of)
    # Judgments: the call-back ✓, rating 4 ✓, rating 2 ✗ → 2 / 3.
    assert (m.satisfied_callbacks, m.callbacks) == (2, 3)
    assert m.satisfaction_rate == 0.6667
