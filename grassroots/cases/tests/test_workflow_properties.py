"""The transition table holds over random sequences of actions by random people (Hypothesis).

Whatever is tried, by whoever: a case only ever moves along a row of
`workflow.TRANSITIONS` that the actor's parties allow; a refused action changes
nothing (status, timeline) and, when the table has no such row, names the allowed
actions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.accounts.models import User
from grassroots.cases import services, workflow
from grassroots.cases.models import Case, CaseEvent, Closure
from grassroots.cases.tests.helpers import file_case
from grassroots.core import clock
from grassroots.testing import Town

PEOPLE = ["alice", "sam", "rita", "ivan", "oscar", "hank"]
ACTIONS = sorted(workflow.ACTION_LABELS)


def params(action: str, hank: User) -> dict[str, Any]:
    """Well-formed parameters for each action: only the table and the roles may refuse."""
    return {
        "reject": {"reason": "不属于本镇"},
        "return": {"reason": "不归我管"},
        "assign": {"handler": hank},
        "transfer": {"handler": hank},
        "request_suspension": {"reason": "等待材料", "until": clock.today() + dt.timedelta(days=9)},
        "reply": {"reply": "已修复"},
        "close": {"closure": Closure.RESOLVED},
        "withdraw": {"closure": Closure.WITHDRAWN},
        "reopen": {"note": "还没修好"},
        "whistle": {"users": [hank], "places": []},
    }.get(action, {})


def step(case_pk: int, actor: User, action: str, hank: User) -> None:
    case = Case.objects.get(pk=case_pk)
    before, events = case.status, CaseEvent.objects.filter(case=case).count()
    allowed_before = workflow.may(actor, case, action)
    try:
        services.perform(actor=actor, case=case, action=action, **params(action, hank))
    except (ValidationError, PermissionDenied) as exc:
        after = Case.objects.get(pk=case_pk)
        assert after.status == before, (action, actor.username)
        assert CaseEvent.objects.filter(case=after).count() == events
        if getattr(exc, "code", None) == "invalid_transition":
            assert (before, action) not in workflow.TRANSITIONS
            assert exc.params["allowed"] == workflow.actions_from(before)  # type: ignore[attr-defined,index]
        return
    rule = workflow.TRANSITIONS.get((before, action))
    assert rule is not None, (before, action)
    assert allowed_before, (before, action, actor.username)
    assert Case.objects.get(pk=case_pk).status in rule.to


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_random_actions_by_random_people_never_leave_the_transition_table(
    town: Town, hank: User, monday: dt.datetime, data: st.DataObject
) -> None:
    people = {u.username: u for u in User.objects.filter(username__in=PEOPLE)}
    case = file_case(town)
    for _ in range(data.draw(st.integers(1, 12), label="steps")):
        status = Case.objects.get(pk=case.pk).status
        # Mostly an action the table offers from here (so deep states are reached),
        # sometimes any action at all.
        offered = workflow.actions_from(status)
        pool = offered if offered and data.draw(st.booleans(), label="follow") else ACTIONS
        action = data.draw(st.sampled_from(pool), label="action")
        username = data.draw(st.sampled_from(PEOPLE), label="who")
        step(case.pk, people[username], action, hank)


@pytest.mark.django_db
def test_a_well_known_path_reaches_closed_through_the_same_checks(
    town: Town, hank: User, monday: dt.datetime
) -> None:
    people = {u.username: u for u in User.objects.filter(username__in=PEOPLE)}
    case = file_case(town)
    for username, action in [
        ("sam", "accept"),
        ("sam", "assign"),
        ("hank", "take"),
        ("hank", "reply"),
        ("alice", "close"),
    ]:
        step(case.pk, people[username], action, hank)
    assert Case.objects.get(pk=case.pk).status == "closed"
