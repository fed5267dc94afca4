"""Acceptance 4: holding a session completes the branch's linked duty item of the period.

A member of branch A checking in at the members' training completes branch A's monthly
"take part in the members' training" duty by itself, with the session as its record;
branch B's stays open until one of its members attends. `Event.BRANCH_RECORD` is emitted
once per branch and session, whoever else of the branch checks in after.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from grassroots.core import events
from grassroots.core.events import Event, Phase
from grassroots.duties import services as duties
from grassroots.duties.models import Assignment, Cadence, Category, DueRule
from grassroots.duties.tests.conftest import make_plan
from grassroots.party import services as party
from grassroots.party.models import Member
from grassroots.testing import Town, make_user
from grassroots.trainings import api_checkin, tokens
from grassroots.trainings.models import Attendance
from grassroots.trainings.services import checkin
from grassroots.trainings.services.attendance import record_key
from grassroots.trainings.tests.checkin_fixtures import AT, Training, _enrol, make_training

pytestmark = pytest.mark.django_db
KIND = record_key("member_training")


@pytest.fixture
def t(town: Town) -> Training:
    return make_training(town)


@pytest.fixture
def emitted() -> Iterator[list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def handler(**payload: Any) -> None:
        seen.append(payload)

    events.subscribe(Event.BRANCH_RECORD, handler, phase=Phase.IN_TRANSACTION)
    yield seen
    events._subscribers[Event.BRANCH_RECORD].remove((Phase.IN_TRANSACTION, handler))


def scan(t: Training, user: Any) -> Attendance:
    return checkin.check_in_by_token(
        actor=user,
        session_id=t.session.pk,
        venue_id=t.main.pk,
        token=tokens.issue(t.session.pk, t.main.pk),
    )


def test_a_branch_members_check_in_completes_the_branchs_training_duty(
    t: Training, town: Town
) -> None:
    make_plan(
        town,
        {
            "title": "参加党员冬春训",
            "category": Category.TRAINING,
            "cadence": Cadence.MONTHLY,
            "due_rule": DueRule.LAST_WORKING_DAY,
            "weight": 100,
            "completes_on": KIND,
        },
    )
    duties.generate(on=AT.date())
    duty_a = Assignment.objects.get(organization=town.branch_a, version__title="参加党员冬春训")
    duty_b = Assignment.objects.get(organization=town.branch_b, version__title="参加党员冬春训")
    assert duty_a.status == duty_b.status == Assignment.Status.NOT_STARTED

    scan(t, t.mia)

    duty_a.refresh_from_db()
    duty_b.refresh_from_db()
    assert duty_a.status == Assignment.Status.DONE
    assert (duty_a.record_kind, duty_a.record_id) == (KIND, t.session.pk)
    assert duty_b.status == Assignment.Status.NOT_STARTED

    checkin.check_in_by_hand(
        actor=town.alice, session=t.session, venue=t.main, enrolment=t.enrol_ben
    )
    duty_b.refresh_from_db()
    assert duty_b.status == Assignment.Status.DONE


def test_the_branch_record_is_emitted_once_per_branch_and_session(
    t: Training, town: Town, emitted: list[dict[str, Any]]
) -> None:
    scan(t, t.mia)
    assert emitted == [
        {
            "kind": KIND,
            "organization_id": town.branch_a.pk,
            "on": AT.date(),
            "record_id": t.session.pk,
        }
    ]
    # A second member of branch A: no second record for the branch.
    lee = make_user("lee")
    member = party.member_create(actor=town.root, organization=town.branch_a, name="李四")
    Member.objects.filter(pk=member.pk).update(user=lee)
    member.user = lee
    _enrol(t.programme, member, lee)
    scan(t, lee)
    assert len(emitted) == 1
    # A member of branch B: branch B's record.
    checkin.check_in_by_hand(
        actor=town.alice, session=t.session, venue=t.main, enrolment=t.enrol_ben
    )
    assert [e["organization_id"] for e in emitted] == [town.branch_a.pk, town.branch_b.pk]
    assert Attendance.objects.count() == 3


def test_the_api_fast_path_emits_the_branch_record_and_completes_the_duty(
    t: Training, town: Town, emitted: list[dict[str, Any]]
) -> None:
    make_plan(
        town,
        {
            "title": "参加党员冬春训",
            "category": Category.TRAINING,
            "cadence": Cadence.MONTHLY,
            "due_rule": DueRule.LAST_WORKING_DAY,
            "weight": 100,
            "completes_on": KIND,
        },
    )
    duties.generate(on=AT.date())
    duty_a = Assignment.objects.get(organization=town.branch_a, version__title="参加党员冬春训")

    def fast_scan(user: Any) -> None:
        key = Token.objects.get_or_create(user=user)[0].key
        data = {
            "session": t.session.pk,
            "venue": t.main.pk,
            "token": tokens.issue(t.session.pk, t.main.pk),
        }
        request = RequestFactory().post(
            "/api/training-checkins/",
            json.dumps(data),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
        )
        answer = api_checkin.fast_answer(request)  # the fast path itself, not the DRF view
        assert answer is not None and answer.status_code == 201, answer

    fast_scan(t.mia)
    duty_a.refresh_from_db()
    assert duty_a.status == Assignment.Status.DONE
    assert (duty_a.record_kind, duty_a.record_id) == (KIND, t.session.pk)
    assert [e["organization_id"] for e in emitted] == [town.branch_a.pk]
    # A second member of branch A: no second record; branch B's first member: its own.
    lee = make_user("lee")
    member = party.member_create(actor=town.root, organization=town.branch_a, name="李四")
    Member.objects.filter(pk=member.pk).update(user=lee)
    member.user = lee
    _enrol(t.programme, member, lee)
    fast_scan(lee)
    fast_scan(t.ben)
    assert [e["organization_id"] for e in emitted] == [town.branch_a.pk, town.branch_b.pk]
    assert emitted[0] == {
        "kind": KIND,
        "organization_id": town.branch_a.pk,
        "on": AT.date(),
        "record_id": t.session.pk,
    }
    assert Attendance.objects.count() == 3
