"""The figures API (scoped roll-ups per node, out of scope → 404) and the public figures
(no login, cacheable, totals only), plus the selectors the dashboards and reports call."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from grassroots.analytics import api, selectors, services
from grassroots.analytics.models import PLACE_COUNTERS, MonthFigures, OrgFigures, PlaceFigures
from grassroots.core import clock
from grassroots.grid import services as grid
from grassroots.grid.models import Household, Representative, Resident
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
PUBLIC_KEYS = {
    "households",
    "residents",
    "representatives",
    "branches",
    "instructors",
    "members",
    "demonstration_sites",
    "cases_resolved_this_year",
    "satisfaction_rate",
    "updated_at",
}


@pytest.fixture
def built(town: Town) -> Town:
    clock.set_now(NOW)
    grid.visit_log(actor=town.root, household=town.household_a1)
    services.rebuild()
    cache.clear()
    return town


def test_a_place_node_with_its_children_and_rates(built: Town, api_for: Any) -> None:
    town = built
    response = api_for("sam").get(f"/api/figures/places/{town.village_a.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["households"], data["visited_30d"]) == (town.village_a.pk, 2, 1)
    assert data["coverage_30d"] == 0.5
    assert data["households_per_rep"] == selectors.rate(2, data["representatives"])
    assert data["response_rate"] is None  # no case yet: no base, no rate
    assert [c["id"] for c in data["children"]] == [town.group_a1.pk, town.group_a2.pk]
    assert sum(c["households"] for c in data["children"]) == data["households"]
    assert set(PLACE_COUNTERS) <= set(data)


def test_an_organisation_node_with_its_branches(built: Town, api_for: Any) -> None:
    town = built
    data = api_for("olga").get(f"/api/figures/orgs/{town.committee.pk}/").json()
    assert (data["members"], data["branches"]) == (2, 3)
    assert data["duty_completion"] is None
    assert sorted(c["id"] for c in data["children"]) == sorted(
        [town.branch_a.pk, town.branch_b.pk, town.branch_firm.pk]
    )


def test_a_node_out_of_scope_answers_404_as_a_missing_one(built: Town, api_for: Any) -> None:
    town = built
    sam = api_for("sam")
    assert sam.get(f"/api/figures/places/{town.village_b.pk}/").status_code == 404
    assert sam.get(f"/api/figures/places/{town.town.pk}/").status_code == 404
    assert sam.get("/api/figures/places/987654321/").status_code == 404
    assert api_for("oscar").get(f"/api/figures/places/{town.village_a.pk}/").status_code == 404
    assert api_for("oscar").get(f"/api/figures/orgs/{town.committee.pk}/").status_code == 404
    assert APIClient().get(f"/api/figures/places/{town.town.pk}/").status_code in (401, 403)


def test_the_public_figures_need_no_login_and_hold_no_personal_data(built: Town) -> None:
    response = APIClient().get("/api/public/figures/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    data = response.json()
    assert set(data) == PUBLIC_KEYS
    assert (data["households"], data["residents"], data["representatives"]) == (
        Household.objects.count(),
        Resident.objects.count(),
        Representative.objects.filter(active=True).count(),
    )
    assert (data["branches"], data["members"]) == (3, 2)
    body = response.content.decode()
    people = [h.head_name for h in Household.objects.all()] + ["13812345678", "13912345678"]
    for marker in people + [r.name for r in Resident.objects.all()]:
        assert marker not in body
    assert data["updated_at"] is not None


def test_the_public_figures_are_cached_for_a_minute(built: Town) -> None:
    town = built
    first = selectors.public_figures()
    grid.household_create(actor=town.alice, group=town.group_a1, code="A-099", head_name="新户")
    assert selectors.public_figures() == first  # from the cache
    cache.clear()
    assert selectors.public_figures()["households"] == first["households"] + 1
    one_town = selectors.public_figures(town.town.path)
    assert one_town["households"] == first["households"] + 1
    assert (one_town["branches"], one_town["members"]) == (3, 2)  # the town's committee


def test_node_figures_are_scoped(built: Town) -> None:
    town = built
    row = selectors.node_figures(town.sam, "place", town.village_a.path)
    assert row is not None and row["households"] == 2
    assert selectors.node_figures(town.sam, "place", town.town.path) is None
    assert selectors.node_figures(town.olga, "org", town.committee.path)["branches"] == 3
    kids = selectors.child_org_figures(town.olga, town.committee.path, town.committee.depth)
    assert len(kids) == 3


def test_a_month_series_fills_the_months_without_data(built: Town) -> None:
    town = built
    series = selectors.month_series(
        town.alice, "place", town.town.path, dt.date(2026, 9, 1), dt.date(2026, 12, 1)
    )
    assert [m["month"] for m in series] == [
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
    ]
    assert [m["visits"] for m in series] == [0, 0, 1, 0]
    assert series[0]["response_rate"] is None
    assert MonthFigures.objects.filter(node="place", path=town.town.path).count() == 1
    # Out of scope: nothing, not zeros.
    assert (
        selectors.month_series(
            town.sam, "place", town.town.path, dt.date(2026, 9, 1), dt.date(2026, 12, 1)
        )
        == []
    )


def test_the_views_answer_exactly_what_the_serializers_would(built: Town, api_for: Any) -> None:
    """The views skip DRF's per-field work (`api._plain`): same fields, order and values."""
    town = built
    place = PlaceFigures.objects.get(place=town.town)
    org = OrgFigures.objects.get(organization=town.committee)
    for url, row, children, serializer in (
        (
            f"/api/figures/places/{town.town.pk}/",
            place,
            selectors.child_figures(town.root, place.path, place.depth),
            api.PlaceFiguresSerializer,
        ),
        (
            f"/api/figures/orgs/{town.committee.pk}/",
            org,
            selectors.child_org_figures(town.root, org.path, org.depth),
            api.OrgFiguresSerializer,
        ),
    ):
        data = {
            **selectors.figures_dict(row),
            "children": [selectors.figures_dict(c) for c in children],
        }
        expected = JSONRenderer().render(serializer(data).data)
        response = api_for("root").get(url)
        assert response.status_code == 200
        assert list(response.json()) == list(json.loads(expected))  # the same order
        assert response.content == expected
        assert response.json()["children"], "a node with children"
