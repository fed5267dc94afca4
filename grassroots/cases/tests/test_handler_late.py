"""The assigned handler's one working day to take or return a case."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.cases import services, sweeps
from grassroots.cases.models import Case, CaseEvent
from grassroots.cases.tests.helpers import at, file_case
from grassroots.core import calendar, clock
from grassroots.notify.models import Notice
from grassroots.testing import Town


def run_clock(start: dt.datetime, end: dt.datetime, step: dt.timedelta) -> int:
    """Run the sweeps every `step` like the worker; total handler-late claims."""
    total = 0
    now = start
    while now <= end:
        clock.set_now(now)
        total += sweeps.sweep(now)["handler_late"]
        now += step
    return total


def assigned_at(town: Town, handler, when: dt.datetime) -> Case:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    clock.set_now(when)
    services.case_assign(actor=town.sam, case=case, handler=handler)
    return case


@pytest.mark.parametrize(
    ("assigned", "due"),
    [
        # Eve of National Day 2026: the day runs on after the week of holidays.
        (at(2026, 9, 30, 15, 0), at(2026, 10, 8, 15, 0)),
        # Friday afternoon: the weekend does not count.
        (at(2026, 10, 16, 16, 0), at(2026, 10, 19, 16, 0)),
    ],
    ids=["national-day", "weekend"],
)
def test_a_silent_handler_is_reported_to_the_dispatcher_once_on_the_next_working_day(
    town: Town, hank, monday, assigned: dt.datetime, due: dt.datetime
) -> None:
    case = assigned_at(town, hank, assigned)
    case.refresh_from_db()
    assert case.handler_due_at == due and case.assign_round == 1

    claims = run_clock(assigned, due + dt.timedelta(days=6), dt.timedelta(hours=1))

    assert claims == 1
    [event] = CaseEvent.objects.filter(case=case, kind="handler_late")
    assert calendar.is_workday(clock.timezone.localtime(event.at).date())
    assert due <= event.at < due + dt.timedelta(hours=1)
    notices = Notice.objects.filter(key=f"case:{case.pk}:handler-late:1")
    # sam assigned it and dispatches village A; the handler is not told on himself.
    assert list(notices.values_list("recipient__username", flat=True)) == ["sam"]
    case.refresh_from_db()
    assert case.status == "assigned" and case.handler_due_at is None


def test_nothing_is_sent_when_the_handler_takes_the_case_in_time(town: Town, hank, monday) -> None:
    case = assigned_at(town, hank, at(2026, 9, 30, 15, 0))
    clock.set_now(at(2026, 10, 8, 14, 0))  # one hour to spare
    services.case_take(actor=hank, case=case)
    case.refresh_from_db()
    assert case.handler_due_at is None

    assert run_clock(at(2026, 10, 8, 14, 0), at(2026, 10, 13), dt.timedelta(hours=1)) == 0
    assert not CaseEvent.objects.filter(case=case, kind="handler_late").exists()
    assert not Notice.objects.filter(key__contains="handler-late").exists()


def test_a_returned_case_stops_the_handler_clock(town: Town, hank, monday) -> None:
    case = assigned_at(town, hank, monday)
    services.case_return(actor=hank, case=case, reason="不属于本单位职责")
    case.refresh_from_db()
    assert case.handler_due_at is None
    assert run_clock(monday, at(2026, 10, 9), dt.timedelta(hours=6)) == 0


def test_each_assignment_round_has_its_own_notice(town: Town, hank, monday) -> None:
    case = assigned_at(town, hank, monday)
    assert sweeps.sweep_handler_late(at(2026, 9, 29, 10, 0)) == 1
    # Transferred to the village itself: a new round, a new day to respond.
    clock.set_now(at(2026, 9, 29, 11, 0))
    services.case_transfer(actor=town.alice, case=case, handler_place=town.village_a)
    case.refresh_from_db()
    assert case.assign_round == 2 and case.handler_due_at == at(2026, 9, 30, 11, 0)
    assert sweeps.sweep_handler_late(at(2026, 9, 30, 10, 59)) == 0
    assert sweeps.sweep_handler_late(at(2026, 9, 30, 11, 0)) == 1
    assert sweeps.sweep_handler_late(at(2026, 9, 30, 12, 0)) == 0
    assert set(
        Notice.objects.filter(key=f"case:{case.pk}:handler-late:2").values_list(
            "recipient__username", flat=True
        )
    ) == {"sam", "alice"}  # the village's dispatcher and whoever transferred it
    assert Notice.objects.filter(key=f"case:{case.pk}:handler-late:1").count() == 1


def test_a_worker_killed_after_claiming_a_late_handler_repeats_nothing(
    town: Town, hank, monday, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = assigned_at(town, hank, monday)
    due = at(2026, 9, 29, 10, 0)
    original = sweeps.handle_handler_late

    def dies_after_notifying(case: Case, round_: int, now: dt.datetime) -> None:
        original(case, round_, now)
        raise SystemExit("worker killed")

    monkeypatch.setattr(sweeps, "handle_handler_late", dies_after_notifying)
    with pytest.raises(SystemExit):
        sweeps.sweep_handler_late(due)
    assert not Notice.objects.filter(key__contains="handler-late").exists()
    assert Case.objects.get(pk=case.pk).handler_due_at == due  # still due

    monkeypatch.setattr(sweeps, "handle_handler_late", original)
    assert sweeps.sweep_handler_late(due) == 1
    assert sweeps.sweep_handler_late(due + dt.timedelta(hours=1)) == 0
    assert Notice.objects.filter(key=f"case:{case.pk}:handler-late:1").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="handler_late").count() == 1
