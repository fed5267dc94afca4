from __future__ import annotations

import pytest
from django.db.models import Count

from grassroots.analytics import services as analytics
from grassroots.analytics.models import PlaceFigures
from grassroots.bench.synth import HOUSEHOLDS_PER_REP, root_name, segment, synthesize
from grassroots.bench.synth.common import Phones, phone_number
from grassroots.core import personal
from grassroots.grid.models import Household, Place, Representative, RepresentativeLink, Visit
from grassroots.party.models import Member, Organization

pytestmark = pytest.mark.django_db


def test_segments_follow_treebeards_base36_steps() -> None:
    assert [segment(1), segment(10), segment(36), segment(37)] == ["0001", "000A", "0010", "0011"]


def test_synth_builds_a_consistent_province_of_demo_data() -> None:
    s = synthesize(households=800, seed=3, months=2)
    assert (s.households, s.towns) == (800, 1)
    root = Place.objects.get(path=s.root_path)
    assert root.name == root_name(800, 3)
    # treebeard agrees with the paths, depths and numchild written by hand
    assert Place.objects.find_problems() == ([], [], [], [], [])
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert (
        Place.objects.filter(path__startswith=root.path).filter(kind="group").count() == 23
    )  # ceil(800 / 35)
    assert Household.objects.filter(is_demo=False).count() == 0
    assert Member.objects.count() == 20 * Organization.objects.filter(kind="branch").count()
    per_rep = Household.objects.values("representative").annotate(n=Count("id"))
    assert max(r["n"] for r in per_rep) == HOUSEHOLDS_PER_REP
    assert RepresentativeLink.objects.filter(ended_at__isnull=True).count() == 800
    assert Representative.objects.filter(is_demo=True).count() == Representative.objects.count()
    # every household's last visit is its newest visit
    for h in Household.objects.exclude(last_visit_at=None)[:50]:
        newest = Visit.objects.filter(household=h).order_by("-visited_at")[0]
        assert h.last_visit_at == newest.visited_at
        assert newest.place_path == h.place_path


def test_the_prepared_figures_of_synthetic_data_equal_direct_counts() -> None:
    s = synthesize(households=300, seed=1, months=3, residents=True)
    analytics.rebuild()
    for row in PlaceFigures.objects.filter(depth__lte=5):
        expected = analytics.count_place(row.path)
        assert {k: getattr(row, k) for k in expected} == expected
    assert PlaceFigures.objects.get(path=s.root_path).residents == s.residents > 300


def test_a_second_synth_run_adds_a_separate_root_and_new_ids_continue() -> None:
    first = synthesize(households=40, seed=1)
    second = synthesize(households=40, seed=2)
    assert first.root_path != second.root_path
    assert Household.objects.count() == 80
    assert Place.objects.find_problems() == ([], [], [], [], [])
    # the sequences moved past the written ids: an ORM insert still works
    household = Household.objects.first()
    household.pk = None
    household.code = "ORM-1"
    household.save()


def test_every_household_and_representative_has_a_phone_of_its_own() -> None:
    synthesize(households=700, seed=5)
    hashes = list(Household.objects.values_list("phone_hash", flat=True))
    hashes += list(Representative.objects.values_list("phone_hash", flat=True))
    assert len(set(hashes)) == len(hashes) == 700 + Representative.objects.count()
    household = Household.objects.order_by("id").first()
    number = personal.decrypt(household.phone)
    assert number.startswith("1") and len(number) == 11
    assert household.phone_hash == personal.lookup_hash(number)


def test_phones_sealed_ahead_in_worker_processes_are_the_ones_sealed_inline() -> None:
    pooled, inline = Phones(7, pool=True), Phones(7, pool=False)
    try:
        pooled.reserve(12_000)  # three blocks in the pool
        from_pool = [pooled.next()["_hash"] for _ in range(12_001)]  # and one past them
    finally:
        pooled.close()
    from_inline = [inline.next()["_hash"] for _ in range(12_001)]
    assert from_pool == from_inline
    assert len(set(from_pool)) == 12_001
    assert len({phone_number(7, n) for n in range(200_000)}) == 200_000
