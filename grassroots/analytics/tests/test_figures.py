from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from grassroots.analytics import selectors, services
from grassroots.analytics.models import ORG_COUNTERS, PLACE_COUNTERS, OrgFigures, PlaceFigures
from grassroots.core import clock
from grassroots.grid import selectors as grid_selectors
from grassroots.grid import services as grid
from grassroots.grid.models import Place
from grassroots.grid.services import HouseholdRow, ResidentRow
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_figures_match_direct_counts() -> None:
    places = list(Place.objects.all())
    assert PlaceFigures.objects.count() == len(places)
    for place in places:
        row = PlaceFigures.objects.get(path=place.path)
        expected = services.count_place(place.path)
        assert {c: getattr(row, c) for c in PLACE_COUNTERS} == expected, place.name


def test_rebuild_gives_the_direct_counts_for_every_place_of_the_persona_town(town: Town) -> None:
    services.rebuild()
    assert_figures_match_direct_counts()
    row = PlaceFigures.objects.get(path=town.town.path)
    assert (row.households, row.residents, row.representatives, row.households_with_rep) == (
        4,
        2,
        2,
        3,
    )


def test_creates_and_visits_keep_the_figures_right_without_a_rebuild(town: Town) -> None:
    with clock.frozen(dt.datetime(2026, 6, 20, 10, tzinfo=dt.UTC)):
        services.rebuild()
        grid.household_create(
            actor=town.alice,
            group=town.group_a1,
            code="A-003",
            head_name="孙新",
            representative=town.rep_a,
        )
        grid.visit_log(actor=town.root, household=town.household_a1)
        grid.visit_log(actor=town.root, household=town.household_a1)  # counted once as visited
        grid.visit_log(
            actor=town.root,
            household=town.household_b1,
            visited_at=clock.now() - dt.timedelta(days=60),  # 90-day window only, last month
        )
        grid.households_bulk_create(
            actor=town.alice,
            town=town.town,
            rows=[
                HouseholdRow(
                    group=town.group_b1,
                    code="B-010",
                    head_name="周一",
                    rep_name="新代表",
                    residents=[ResidentRow(name="周一"), ResidentRow(name="周二")],
                ),
                HouseholdRow(group=town.group_a2, code="A-010", head_name="吴三"),
            ],
        )
        assert_figures_match_direct_counts()
        top = PlaceFigures.objects.get(path=town.town.path)
        assert (top.households, top.visited_30d, top.visited_90d, top.visits_month) == (7, 1, 2, 2)


def test_a_place_added_after_the_rebuild_gets_its_row_on_the_first_change(town: Town) -> None:
    services.rebuild()
    group = grid.place_create(actor=town.alice, parent=town.village_b, kind="group", name="二组")
    household = grid.household_create(actor=town.alice, group=group, code="B-020", head_name="郑")
    grid.visit_log(actor=town.root, household=household, representative=town.rep_b)
    assert_figures_match_direct_counts()


def test_a_rebuild_after_time_passes_lets_old_visits_age_out(town: Town) -> None:
    with clock.frozen(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)):
        grid.visit_log(actor=town.root, household=town.household_a2)
        services.rebuild()
        assert PlaceFigures.objects.get(path=town.town.path).visited_30d == 1
    with clock.frozen(dt.datetime(2026, 4, 25, 9, tzinfo=dt.UTC)):
        services.rebuild()
        row = PlaceFigures.objects.get(path=town.town.path)
        assert (row.visited_30d, row.visited_90d, row.visits_month) == (0, 1, 0)
        assert_figures_match_direct_counts()


def test_organisation_figures_equal_direct_member_counts(town: Town) -> None:
    services.rebuild()
    for row in OrgFigures.objects.all():
        assert {c: getattr(row, c) for c in ORG_COUNTERS} == services.count_org(row.path)
    committee = OrgFigures.objects.get(path=town.committee.path)
    assert (committee.members, committee.probationary, committee.branches) == (2, 1, 3)


def test_one_change_updates_all_ancestors_in_one_query(town: Town) -> None:
    services.rebuild()
    with CaptureQueriesContext(connection) as ctx:
        services.apply_delta(town.group_b1.path, households=1)
    assert len(ctx.captured_queries) == 1
    if connection.features.has_select_for_update:
        # The rows are locked ancestors first, as the worker's recompute locks them.
        sql = ctx.captured_queries[0]["sql"]
        assert 'ORDER BY U0."path" ASC FOR UPDATE' in sql, sql
    assert PlaceFigures.objects.get(path=town.town.path).households == 5


def test_reading_a_node_is_one_query_and_scoped_to_the_reader(town: Town) -> None:
    services.rebuild()
    for user in (town.sam, town.alice, town.rita, town.oscar):
        selectors.place_figures(user, town.town.path)  # computes the scope once
    with CaptureQueriesContext(connection) as ctx:
        row = selectors.place_figures(town.alice, town.town.path)
    assert len(ctx.captured_queries) == 1
    assert row is not None and row.households == 4
    assert selectors.place_figures(town.sam, town.village_a.path).households == 2
    assert selectors.place_figures(town.sam, town.town.path) is None
    assert selectors.place_figures(town.sam, town.village_b.path) is None
    assert selectors.place_figures(town.rita, town.village_b.path) is None
    assert selectors.place_figures(town.oscar, town.town.path) is None
    names = [f.place_id for f in selectors.child_figures(town.alice, town.town.path, 1)]
    assert names == [town.village_a.pk, town.village_b.pk]


def test_the_figures_page_shows_a_visible_place_with_its_children(town: Town) -> None:
    services.rebuild()
    response = logged_in(town.sam).get(f"/analytics/places/{town.village_a.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["figures"]["households"] == 2
    assert [c["place"] for c in data["children"]] == [town.group_a1.pk, town.group_a2.pk]


def test_the_figures_page_of_a_place_outside_the_scope_is_404(town: Town) -> None:
    services.rebuild()
    assert logged_in(town.sam).get(f"/analytics/places/{town.village_b.pk}/").status_code == 404
    assert logged_in(town.sam).get(f"/analytics/places/{town.town.pk}/").status_code == 404
    assert logged_in(town.oscar).get(f"/analytics/places/{town.village_a.pk}/").status_code == 404


def test_the_rollup_command_rebuilds_the_figures(town: Town) -> None:
    PlaceFigures.objects.all().delete()
    call_command("rollup")
    assert_figures_match_direct_counts()


def test_the_nightly_task_rebuilds_the_figures(town: Town) -> None:
    from grassroots.analytics.tasks import nightly_rollup

    PlaceFigures.objects.filter(path=town.town.path).update(households=99)
    nightly_rollup.call_local()
    assert PlaceFigures.objects.get(path=town.town.path).households == 4


def test_analytics_provides_grid_with_the_prepared_household_count_it_may_read(
    town: Town,
) -> None:
    services.rebuild()
    assert grid_selectors._prepared_households == [selectors.prepared_households]
    assert selectors.prepared_households(town.alice, town.town.path) == 4
    assert selectors.prepared_households(town.sam, town.village_a.path) == 2
    assert selectors.prepared_households(town.oscar, town.town.path) is None


@pytest.mark.django_db(transaction=True)
def test_a_delta_outside_any_transaction_takes_its_own(town: Town) -> None:
    """The benchmark and scripts call it in autocommit: the row locks get a transaction."""
    services.rebuild()
    assert not connection.in_atomic_block
    assert services.apply_delta(town.group_b1.path, households=1) == 3
    services.apply_deltas({town.group_a1.path: {"households": 2}})
    assert PlaceFigures.objects.get(path=town.town.path).households == 4 + 1 + 2
