from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grassroots.cases import deadlines, services, workflow
from grassroots.cases.models import Case, CaseEvent, Closure, Status
from grassroots.cases.tests.helpers import at, file_case
from grassroots.core import calendar, clock
from grassroots.testing import Town, fresh


def test_a_resident_case_goes_from_submission_to_a_satisfied_close(
    town: Town, hank, monday
) -> None:
    case = file_case(town)
    assert len(case.code) == 10 and case.status == Status.SUBMITTED
    assert case.owner_place == town.village_a and case.town == town.town
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    services.case_reply(actor=hank, case=case, reply="已修补路面")
    services.case_call_back(
        actor=town.alice, case=case, solved=True, satisfied=True, closure=Closure.RESOLVED
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closure == Closure.RESOLVED
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["submit", "accept", "assign", "take", "reply", "close"]
    assert case.warn_at is None and case.escalate_at is None


def test_an_invalid_transition_is_refused_with_the_allowed_ones_and_nothing_changes(
    town: Town, monday
) -> None:
    case = file_case(town)
    before = CaseEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.case_reply(actor=town.sam, case=case, reply="答复")
    message = " ".join(exc.value.messages)
    for allowed in ("accept", "reject", "withdraw", "supervise", "whistle"):
        assert allowed in message
    assert exc.value.params["allowed"] == workflow.actions_from(Status.SUBMITTED)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.reply == ""
    assert CaseEvent.objects.count() == before


def test_a_secretary_of_another_village_may_not_accept(town: Town, monday) -> None:
    case = file_case(town, place=town.group_b1)
    with pytest.raises(PermissionDenied):
        services.case_accept(actor=town.sam, case=case)
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_the_handler_may_never_make_the_call_back(town: Town, hank, monday) -> None:
    case = file_case(town)
    services.case_accept(actor=town.alice, case=case)
    services.case_assign(actor=town.alice, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    services.case_reply(actor=hank, case=case, reply="已处理")
    assert workflow.actions_for(hank, case) == []
    with pytest.raises(PermissionDenied):
        services.case_call_back(actor=hank, case=case, solved=True, satisfied=True)


def test_an_unsatisfied_call_back_sends_the_case_back_to_rework(town: Town, hank, monday) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    services.case_reply(actor=hank, case=case, reply="已处理")
    services.case_call_back(actor=town.sam, case=case, solved=False, satisfied=False)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.rework_count == 1
    assert case.escalate_at == case.resolve_due_at


def test_after_three_returns_the_town_must_designate(town: Town, hank, monday) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    for n in range(3):
        services.case_assign(actor=town.sam if n < 3 else town.alice, case=case, handler=hank)
        services.case_return(actor=hank, case=case, reason="不属于本站职责")
    case.refresh_from_db()
    assert case.return_count == 3 and case.owner_place == town.town
    assert case.status == Status.ACCEPTED
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=fresh(town.sam), case=case, handler=hank)
    services.case_assign(actor=town.alice, case=case, handler=hank)
    assert "to_town" in case.events.values_list("kind", flat=True)


def test_a_case_reopened_twice_goes_to_the_town(town: Town, hank, monday) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    for n in (1, 2):
        if n == 2:
            services.case_take(actor=hank, case=case)
        else:
            services.case_take(actor=hank, case=case)
        services.case_reply(actor=hank, case=case, reply="处理完毕")
        services.case_call_back(actor=town.sam, case=case, solved=True, satisfied=True)
        services.case_reopen(actor=town.sam, case=case, note="问题又出现了")
        case.refresh_from_db()
        if n == 1:
            assert case.status == Status.IN_PROGRESS and case.handler == hank
            services.case_transfer(actor=town.sam, case=case, handler=hank)
    assert case.reopen_count == 2 and case.status == Status.ACCEPTED
    assert case.owner_place == town.town and case.handler is None


def test_a_suspension_needs_approval_and_moves_the_deadlines_by_the_paused_working_days(
    town: Town, hank, monday
) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    due = case.resolve_due_at
    services.case_request_suspension(
        actor=hank, case=case, until=dt.date(2026, 10, 9), reason="等待供电公司排期"
    )
    assert case.status == Status.IN_PROGRESS
    assert workflow.actions_for(hank, case).count("approve_suspension") == 0
    services.case_approve_suspension(actor=town.sam, case=case)
    assert case.status == Status.SUSPENDED and case.warn_at is None
    # Monday 28 September 10:00 → Thursday 8 October 10:00 paused three working days
    # (Monday 14 h, Tuesday 24 h, Wednesday 24 h, National Day 0, Thursday 10 h).
    clock.set_now(at(2026, 10, 8, 10, 0))
    services.case_resume(actor=hank, case=case)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert case.resolve_due_at == deadlines.add_working_time(due, dt.timedelta(days=3))
    assert case.resolve_due_at == at(2026, 10, 16, 10, 0)
    assert calendar.is_workday(case.resolve_due_at.date())


def test_the_town_blows_the_whistle_and_each_unit_reports(town: Town, hank, monday) -> None:
    case = file_case(town)
    summonses = services.case_whistle(
        actor=town.alice, case=case, users=[hank, town.sam], note="联合处置"
    )
    assert len(summonses) == 2 and Case.objects.get(pk=case.pk).supervised
    mine = next(s for s in summonses if s.user == hank)
    services.case_acknowledge(actor=hank, summons=mine)
    mine.refresh_from_db()
    assert mine.acknowledged_at == monday
    with pytest.raises(PermissionDenied):
        services.case_acknowledge(actor=town.oscar, summons=mine)
    with pytest.raises(PermissionDenied):
        services.case_whistle(actor=town.sam, case=case, users=[hank])


def test_me_too_adds_an_affected_household_instead_of_a_duplicate(town: Town, monday) -> None:
    case = file_case(town)
    services.case_me_too(actor=None, case=case, note="我家门口也是")
    case.refresh_from_db()
    assert case.affected_households == 2
    assert Case.objects.count() == 1


def test_a_rejection_needs_a_reason(town: Town, monday) -> None:
    case = file_case(town)
    with pytest.raises(ValidationError):
        services.case_reject(actor=town.sam, case=case, reason=" ")
    services.case_reject(actor=town.sam, case=case, reason="重复反映")
    assert case.status == Status.REJECTED and case.rejection_reason == "重复反映"


def test_deadlines_follow_the_category_and_priority(town: Town, monday) -> None:
    emergency = file_case(town, priority="emergency")
    assert emergency.response_due_at == at(2026, 9, 28, 12, 0)
    assert emergency.resolve_due_at == at(2026, 9, 29, 10, 0)
    water = file_case(town, category=None, text="二组停水三天了，水管爆裂")
    assert water.category.code.startswith("utilities")
    # 3 working days from Monday 28 September: 29, 30, then 8 October (holidays skipped).
    assert water.resolve_due_at == at(2026, 10, 8, 10, 0)
