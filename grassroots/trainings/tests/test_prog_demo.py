"""The trainings demo on the persona town: every programme, held sessions with uneven
attendance per village, make-ups and lessons home, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from grassroots.core import clock
from grassroots.party import services as party
from grassroots.trainings import measures
from grassroots.trainings.demo import _season, load_demo_trainings
from grassroots.trainings.models import Attendance, Kind, Programme, Session

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 12, 15, 10, 0))


def _members(town):
    for i in range(12):
        party.member_create(actor=town.root, organization=town.branch_a, name=f"甲{i}")
        party.member_create(actor=town.root, organization=town.branch_b, name=f"乙{i}")


def test_the_season():
    assert _season(dt.date(2026, 12, 1)) == 2026
    assert _season(dt.date(2027, 2, 1)) == 2026
    assert _season(dt.date(2027, 7, 1)) == 2026


def test_demo_programmes_attendance_per_village_idempotent(town):
    clock.set_now(NOW)
    _members(town)
    counts = load_demo_trainings(actor=town.root, town=town.town, now=NOW, seed=1)
    assert counts["programmes"] == 5
    names = set(Programme.objects.values_list("name", flat=True))
    assert {"2025—2026年度党员冬春训", "2026—2027年度党员冬春训"} <= names
    kinds = set(Programme.objects.values_list("kind", flat=True))
    assert kinds == set(Kind.values)
    current = Programme.objects.get(name="2026—2027年度党员冬春训")
    assert current.layout["name"] == "123" and current.sessions.filter(makeup_of=None).count() == 6
    assert current.venues.filter(is_main=True).count() == 1 and current.venues.count() == 3
    assert current.enrolments.count() >= 26
    # held sessions have attendance, later ones none
    held = Session.objects.filter(starts_at__lte=NOW)
    assert not Attendance.objects.filter(session__starts_at__gt=NOW).exists()
    assert (
        Attendance.objects.filter(session__in=held).count()
        == counts["attendance"] + counts["makeups"]
    )
    methods = set(Attendance.objects.values_list("method", flat=True))
    assert {"qr", "manual", "online", "makeup", "home"} <= methods
    previous = Programme.objects.get(name="2025—2026年度党员冬春训")
    villages = measures.programme_rows(town.alice, previous, "village")
    assert {r.label for r in villages} == {"明月村", "上杉市村"}
    assert all(0 < r.rate <= 1 for r in villages)
    # idempotent
    assert load_demo_trainings(actor=town.root, town=town.town, now=NOW, seed=1) == {}
    assert Programme.objects.count() == 5
    per_session = Attendance.objects.values("session").annotate(n=Count("pk"))
    assert all(row["n"] > 0 for row in per_session)
