"""The demo loader for meetings, run on the persona town."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from grassroots.core import clock
from grassroots.orglife.demo import _window, load_demo_orglife
from grassroots.orglife.models import Attendance, Meeting
from grassroots.party import services as party
from grassroots.testing import Town


def test_two_closed_quarters_and_this_one_through_the_services(town: Town) -> None:
    now = timezone.make_aware(dt.datetime(2026, 11, 20, 9, 0))
    clock.set_now(now)
    for name in ("李一", "李二", "李三"):
        party.member_create(actor=town.root, organization=town.branch_a, name=name)
    counts = load_demo_orglife(actor=town.root, town=town.town, now=now, seed=1)
    meetings = Meeting.objects.all()
    assert counts["meetings"] == meetings.count() > 10
    assert counts["attendance"] == Attendance.objects.count()
    assert all(m.is_demo for m in meetings)
    first, last = min(m.held_on for m in meetings), max(m.held_on for m in meetings)
    assert dt.date(2026, 4, 1) <= first < dt.date(2026, 7, 1) and last <= dt.date(2026, 11, 20)
    assert {m.branch_id for m in meetings} >= {town.branch_a.pk, town.branch_b.pk}
    assert meetings.filter(kind="party_day").exists()


def test_the_window_starts_two_quarters_before_this_one() -> None:
    assert _window(dt.date(2026, 11, 20)) == dt.date(2026, 4, 1)
    assert _window(dt.date(2026, 2, 3)) == dt.date(2025, 7, 1)
    assert _window(dt.date(2026, 4, 1)) == dt.date(2025, 10, 1)
