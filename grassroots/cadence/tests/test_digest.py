"""Acceptance 1: exactly one weekly digest per secretary and week, on the first working day;
a worker killed mid-run sends nothing twice and misses nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from grassroots.accounts import services as account_services
from grassroots.cadence.models import CadenceRun
from grassroots.cadence.services import LEASE, WorkerKilled, tick
from grassroots.cadence.tests.helpers import assignment, at, plan, secretary
from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.roles import Role
from grassroots.duties.models import Plan
from grassroots.notify.models import Notice

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def duties(town):  # noqa: ANN001, ANN201
    """A weekly item for the three branches over five weeks, each with a secretary."""
    the_plan = plan(town)
    secretaries = {
        "sam": town.sam,  # anchored at village A's place
        "bob": secretary(town, "bob", town.branch_b),
        "fay": secretary(town, "fay", town.branch_firm),
    }
    monday = D(2026, 9, 21)
    for week in range(5):
        start = monday + dt.timedelta(weeks=week)
        for branch in (town.branch_a, town.branch_b, town.branch_firm):
            assignment(
                the_plan,
                branch,
                cadence="weekly",
                period_start=start,
                period_end=start + dt.timedelta(days=6),
                due_on=start + dt.timedelta(days=4),
                done_on=start + dt.timedelta(days=2) if branch == town.branch_b else None,
            )
    return secretaries


def ticks(day: dt.date, hours: range = range(8, 11)) -> None:
    """A tick every 15 minutes of the given hours of `day` (the worker's schedule)."""
    for hour in hours:
        for minute in (0, 15, 30, 45):
            now = at(day.year, day.month, day.day, hour, minute)
            clock.set_now(now)
            tick(now=now)


def digests(user) -> list[Notice]:  # noqa: ANN001
    return list(Notice.objects.filter(recipient=user, message="cadence.digest").order_by("pk"))


def test_one_digest_per_secretary_and_week_over_five_weeks(town, duties) -> None:  # noqa: ANN001
    # Weeks 39–43 of 2026; week 41 starts with the National Day holidays (1–7 October).
    for monday in (D(2026, 9, 21), D(2026, 9, 28), D(2026, 10, 5)):
        ticks(monday)
        ticks(monday + dt.timedelta(days=1), range(9, 10))
    assert [n.key for n in digests(town.sam)] == [
        "cadence:digest:2026-W39",
        "cadence:digest:2026-W40",
    ]  # no digest on the holidays of week 41 yet
    ticks(D(2026, 10, 8))  # Thursday, the first working day of week 41
    for monday in (D(2026, 10, 12), D(2026, 10, 19)):
        ticks(monday)
        ticks(monday + dt.timedelta(days=1), range(9, 10))
    for user in duties.values():
        keys = [n.key for n in digests(user)]
        assert keys == [f"cadence:digest:2026-W{w}" for w in range(39, 44)], (user, keys)
    w41 = Notice.objects.get(recipient=town.sam, key="cadence:digest:2026-W41")
    assert timezone.localdate(w41.created_at) == D(2026, 10, 8)
    # Sam's week 40: the week's item due, nothing overdue yet (week 39's not done: overdue)
    w40 = Notice.objects.get(recipient=town.sam, key="cadence:digest:2026-W40")
    assert w40.params == {"period": "2026-W40", "due": 1, "overdue": 1}
    bob = Notice.objects.get(recipient=duties["bob"], key="cadence:digest:2026-W40")
    assert bob.params["due"] == 0 and bob.params["overdue"] == 0  # branch B does its items
    assert w40.url == "/duties/"
    runs = CadenceRun.objects.filter(job="weekly_digest")
    assert runs.count() == 5 and not runs.filter(finished_at__isnull=True).exists()
    assert AuditEvent.objects.filter(
        action=Action.CADENCE_RUN_FINISHED, object_id=str(runs.first().pk)
    ).exists()


def test_no_plan_no_run(town, duties) -> None:  # noqa: ANN001
    Plan.objects.update(status=Plan.Status.DRAFT)
    assert tick(now=at(2026, 9, 28, 9))["runs"] == 0
    assert not CadenceRun.objects.exists()


def test_a_worker_killed_mid_run_sends_nothing_twice_and_misses_nothing(town, duties) -> None:  # noqa: ANN001
    now = at(2026, 9, 28, 9)
    clock.set_now(now)
    with pytest.raises(WorkerKilled):
        tick(now=now, crash_after=1)  # killed after the first new notice
    run = CadenceRun.objects.get(job="weekly_digest", period="2026-W40")
    assert run.finished_at is None
    sent = Notice.objects.filter(key="cadence:digest:2026-W40").count()
    assert sent == 1
    # A second worker five minutes later: the killed one's lease still holds the run.
    soon = now + dt.timedelta(minutes=5)
    tick(now=soon)
    assert Notice.objects.filter(key="cadence:digest:2026-W40").count() == 1
    # The next tick, after the lease: the run is resumed and finished.
    later = now + LEASE + dt.timedelta(minutes=5)
    clock.set_now(later)
    result = tick(now=later)
    assert result["weekly_digest"] == 1
    for user in duties.values():
        assert Notice.objects.filter(recipient=user, key="cadence:digest:2026-W40").count() == 1
    run.refresh_from_db()
    assert run.finished_at == later and run.attempts == 2
    assert run.counts["notices"] == 2  # what the resumed run added
    # And once more: nothing new.
    assert tick(now=later + dt.timedelta(minutes=15))["notices"] == 0


def test_a_secretary_of_two_branches_gets_one_digest_with_both(town, duties) -> None:  # noqa: ANN001
    account_services.role_grant(
        actor=town.root, user=duties["fay"], role=Role.SECRETARY, organization=town.branch_a
    )
    now = at(2026, 9, 28, 9)
    clock.set_now(now)
    tick(now=now)
    [digest] = digests(duties["fay"])
    # 测试科技 and 明月村: this week's item due in each, last week's open in each
    assert digest.params == {"period": "2026-W40", "due": 2, "overdue": 2}
    assert len(digests(town.sam)) == 1
