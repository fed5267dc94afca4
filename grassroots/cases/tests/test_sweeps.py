from __future__ import annotations

import datetime as dt

import pytest

from grassroots.cases import services, sweeps
from grassroots.cases.models import Case, CaseEvent
from grassroots.cases.tests.helpers import at, file_case
from grassroots.core import calendar, clock
from grassroots.notify.models import Notice
from grassroots.testing import Town


def run_clock(start: dt.datetime, end: dt.datetime, step: dt.timedelta) -> list[dt.datetime]:
    """Run the sweeps every `step` like the worker; return when each run did something."""
    acted = []
    now = start
    while now <= end:
        clock.set_now(now)
        result = sweeps.sweep(now)
        if result["warned"] or result["escalated"]:
            acted.append(now)
        now += step
    return acted


def test_warnings_and_escalations_happen_once_each_on_working_days_across_national_day(
    town: Town, hank, monday
) -> None:
    case = file_case(town)  # 7 working days from Monday 28 September 2026, 10:00
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    case.refresh_from_db()
    # 28 Sep 14 h + 29, 30 Sep + 8, 9, 10 (a working Saturday), 12 Oct + 10 h on 13 Oct.
    assert case.resolve_due_at == at(2026, 10, 13, 10, 0)
    assert case.warn_at == at(2026, 10, 12, 0, 24)  # 80 % of 168 working hours

    run_clock(monday, at(2026, 10, 31), dt.timedelta(hours=3))

    events = list(CaseEvent.objects.filter(case=case, kind__in=["warn", "escalate"]))
    assert [e.kind for e in events] == ["warn", "escalate", "escalate"]
    assert [e.data.get("level") for e in events[1:]] == [1, 2]
    for e in events:
        assert calendar.is_workday(clock.timezone.localtime(e.at).date()), e.at
    assert clock.timezone.localtime(events[1].at).date() == dt.date(2026, 10, 13)
    assert clock.timezone.localtime(events[2].at).date() == dt.date(2026, 10, 14)
    assert Notice.objects.filter(key=f"case:{case.pk}:warn").count() == 1
    assert Notice.objects.filter(key=f"case:{case.pk}:warn", recipient=hank).count() == 1
    # Level 1: the village secretary (and the handler); level 2: the town.
    assert set(
        Notice.objects.filter(key=f"case:{case.pk}:escalate:1").values_list(
            "recipient__username", flat=True
        )
    ) == {"sam", "hank"}
    assert set(
        Notice.objects.filter(key=f"case:{case.pk}:escalate:2").values_list(
            "recipient__username", flat=True
        )
    ) == {"alice"}
    case.refresh_from_db()
    assert case.supervised and case.escalation_level == 2 and case.escalate_at is None


def test_a_worker_killed_after_claiming_loses_nothing_and_repeats_nothing(
    town: Town, hank, monday, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    due = at(2026, 10, 12, 9, 0)
    original = sweeps.handle_warning

    def dies_after_notifying(case: Case, now: dt.datetime) -> None:
        original(case, now)
        raise SystemExit("worker killed")

    monkeypatch.setattr(sweeps, "handle_warning", dies_after_notifying)
    with pytest.raises(SystemExit):
        sweeps.sweep_warnings(due)
    assert Notice.objects.filter(key__endswith=":warn").count() == 0
    assert Case.objects.get(pk=case.pk).warn_at is not None  # still due

    monkeypatch.setattr(sweeps, "handle_warning", original)
    assert sweeps.sweep_warnings(due) == 1
    assert sweeps.sweep_warnings(due + dt.timedelta(hours=1)) == 0
    assert Notice.objects.filter(key=f"case:{case.pk}:warn").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="warn").count() == 1


def test_a_suspended_case_is_resumed_by_the_sweep_at_its_end_date(town: Town, hank, monday) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    services.case_request_suspension(
        actor=hank, case=case, until=dt.date(2026, 9, 30), reason="等材料"
    )
    services.case_approve_suspension(actor=town.sam, case=case)
    assert sweeps.sweep(at(2026, 9, 30, 12)) == {
        "announced": 0,
        "warned": 0,
        "escalated": 0,
        "handler_late": 0,
    }
    clock.set_now(at(2026, 10, 1, 0, 30))
    assert sweeps.sweep() == {"announced": 0, "warned": 0, "escalated": 1, "handler_late": 0}
    case.refresh_from_db()
    assert case.status == "in_progress" and case.warn_at is not None
    # Paused from Monday 10:00 to Thursday 1 October 00:30: 2 days 14 h of working time.
    assert case.resolve_due_at == at(2026, 10, 15, 23, 59, 59)  # end of a working day


def test_the_sweep_with_nothing_due_reads_one_indexed_range_per_due_column(
    town: Town, hank, monday, django_assert_num_queries
) -> None:
    file_case(town)
    waiting = file_case(town)
    services.case_accept(actor=town.sam, case=waiting)
    services.case_assign(actor=town.sam, case=waiting, handler=hank)
    with django_assert_num_queries(4):
        assert sweeps.sweep(monday) == {
            "announced": 0,
            "warned": 0,
            "escalated": 0,
            "handler_late": 0,
        }
