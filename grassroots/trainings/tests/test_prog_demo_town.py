"""The trainings demo on the real demo town (56 branches): about 1,000 members in the
winter–spring training, attendance per village uneven, idempotent (acceptance 5, the
training's part). Slow: the demo town is loaded once for the module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from grassroots.core import clock
from grassroots.demo import loader
from grassroots.demo.tests.conftest import load_for_module
from grassroots.grid.models import Place
from grassroots.trainings import measures
from grassroots.trainings.demo import load_demo_trainings
from grassroots.trainings.models import Attendance, Kind, Programme

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[loader.DemoResult]:
    yield from load_for_module(django_db_blocker, extras=False)


def test_winter_spring_training_of_about_1000_with_attendance_per_village(
    demo: loader.DemoResult, db: None
) -> None:
    town = loader.demo_town()
    actor = loader.system_user()
    counts = load_demo_trainings(actor=actor, town=town, now=clock.now(), seed=1)
    print(f"\ntrainings demo: {counts}")
    current = Programme.objects.filter(kind=Kind.MEMBER_TRAINING).order_by("-starts_on").first()
    enrolled = current.enrolments.count()
    assert 950 <= enrolled <= 1300, enrolled
    assert "冬春训" in current.name
    assert current.venues.filter(is_main=True).count() == 1
    villages_of_town = Place.objects.filter(
        path__startswith=town.path, kind__in=(Place.Kind.VILLAGE, Place.Kind.COMMUNITY)
    ).count()
    assert current.venues.filter(is_main=False).count() == villages_of_town  # one per village
    assert set(Programme.objects.values_list("kind", flat=True)) == set(Kind.values)
    previous = Programme.objects.filter(kind=Kind.MEMBER_TRAINING).order_by("starts_on").first()
    villages = measures.programme_rows(actor, previous, "village")
    rates = [r.rate for r in villages if r.label]
    assert len(rates) == villages_of_town
    assert min(rates) < 0.75 < max(rates)  # uneven: some villages lag
    assert Attendance.objects.filter(method="manual").exists()
    assert Attendance.objects.filter(method="home").exists()
    assert load_demo_trainings(actor=actor, town=town, now=clock.now(), seed=1) == {}
    # The village secretaries' logins are their member records: they check in on a phone.
    mingyue = current.enrolments.get(user__username="secretary.mingyue")
    assert mingyue.is_secretary and mingyue.branch.name.startswith("明月村")
