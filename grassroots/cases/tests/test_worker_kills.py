"""A worker killed in the middle of a sweep loses nothing and repeats nothing once restarted.

The kill is simulated in process, as in test_sweeps and test_intake_queue: the work
of one case runs, then `SystemExit` leaves its transaction before the commit, which
is what a SIGKILL does to a worker between its writes and its COMMIT. The warning
sweep, the intake batch and the deliveries have their own such tests
(test_sweeps.py, test_intake_queue.py, notify/tests/test_delivery.py); these cover
the escalations and the announcements.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from grassroots.cases import services, sweeps
from grassroots.cases.models import Case, CaseEvent
from grassroots.cases.services import filing
from grassroots.cases.tests.helpers import at, file_case
from grassroots.notify.models import Notice
from grassroots.testing import Town


def test_a_worker_killed_while_escalating_escalates_once_after_restart(
    town: Town, hank: Any, monday: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = file_case(town)
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    overdue = at(2026, 10, 13, 11, 0)  # due 13 October 10:00
    original = sweeps.handle_escalation

    def dies_after_notifying(case: Case, level: int, now: dt.datetime) -> None:
        original(case, level, now)
        raise SystemExit("worker killed")

    monkeypatch.setattr(sweeps, "handle_escalation", dies_after_notifying)
    with pytest.raises(SystemExit):
        sweeps.sweep_escalations(overdue)
    # Nothing of the killed pass remains: the case is still due at its level.
    case.refresh_from_db()
    assert case.escalation_level == 0 and not case.supervised and case.escalate_at is not None
    assert not CaseEvent.objects.filter(case=case, kind="escalate").exists()
    assert not Notice.objects.filter(key__contains=":escalate:").exists()

    monkeypatch.setattr(sweeps, "handle_escalation", original)
    assert sweeps.sweep_escalations(overdue) == 1
    assert sweeps.sweep_escalations(overdue + dt.timedelta(minutes=1)) == 0
    case.refresh_from_db()
    assert case.escalation_level == 1 and case.supervised
    assert CaseEvent.objects.filter(case=case, kind="escalate").count() == 1
    recipients = list(
        Notice.objects.filter(key=f"case:{case.pk}:escalate:1").values_list(
            "recipient__username", flat=True
        )
    )
    assert sorted(recipients) == ["hank", "sam"]  # each once


def test_a_worker_killed_while_announcing_announces_each_case_once_after_restart(
    town: Town, monday: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [file_case(town, announce=False, text=f"村口道路破损 第{n}处") for n in range(3)]
    original = filing._announce
    calls = {"n": 0}

    def dies_on_the_second(case: Case) -> None:
        calls["n"] += 1
        original(case)
        if calls["n"] == 2:
            raise SystemExit("worker killed")

    monkeypatch.setattr(filing, "_announce", dies_on_the_second)
    with pytest.raises(SystemExit):
        sweeps.sweep_announcements()
    # The first case's announcement committed; the second rolled back; the third waits.
    announced = set(Case.objects.filter(announced_at__isnull=False).values_list("pk", flat=True))
    assert announced == {cases[0].pk}
    assert set(Notice.objects.values_list("key", flat=True)) == {f"case:{cases[0].pk}:submitted"}

    monkeypatch.setattr(filing, "_announce", original)
    assert sweeps.sweep_announcements() == 2
    assert sweeps.sweep_announcements() == 0
    assert not Case.objects.filter(announced_at__isnull=True).exists()
    for case in cases:
        notices = Notice.objects.filter(key=f"case:{case.pk}:submitted")
        recipients = list(notices.values_list("recipient_id", flat=True))
        assert recipients and len(recipients) == len(set(recipients)), case.code
