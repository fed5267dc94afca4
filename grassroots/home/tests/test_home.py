"""The home page: one landing page shaped by the roles the user holds."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.testing import Town

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


def test_town_admin_home_shows_the_figures_of_the_town(client_for: ClientFor) -> None:
    response = client_for("alice").get(reverse("home:home"))
    assert response.status_code == 200
    assert response.context["grid"]["households"] == 4
    assert response.context["grid"]["residents"] == 2
    assert response.context["party"]["branches"] == 3
    assert response.context["party"]["members"] == 2


def test_secretary_home_counts_only_her_village(client_for: ClientFor, town: Town) -> None:
    response = client_for("sam").get(reverse("home:home"))
    assert response.context["grid"]["households"] == 2
    assert [p.pk for p in response.context["my_places"]] == [town.village_a.pk]


def test_representative_home_goes_straight_to_my_households(client_for: ClientFor) -> None:
    response = client_for("rita").get(reverse("home:home"))
    assert response.status_code == 302 and response.url == reverse("grid:mine")


def test_instructor_home_lists_their_branches(client_for: ClientFor, town: Town) -> None:
    response = client_for("ivan").get(reverse("home:home"))
    orgs = [row.assignment.organization for row in response.context["branches"]]
    assert orgs == [town.branch_b]
    assert "grid" not in response.context


def test_outsider_home_shows_no_figures(client_for: ClientFor) -> None:
    response = client_for("oscar").get(reverse("home:home"))
    assert response.status_code == 200
    assert "grid" not in response.context and "party" not in response.context


def test_the_home_page_is_the_site_root_and_needs_a_login() -> None:
    assert reverse("home:home") == "/"
    response = Client().get("/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_every_home_tile_links_to_a_list_its_holder_can_open(
    client_for: ClientFor, town: Town
) -> None:
    """Issue #10: figures trace back, and no tile leads to a page that answers 404/403."""
    for username in ("alice", "sam", "olga", "ivan", "oscar"):
        client = client_for(username)
        context = client.get(reverse("home:home")).context
        for key in ("grid_tiles", "party_tiles", "case_tiles"):
            for tile in context.get(key) or []:
                assert tile.href, (username, tile.label)
                assert client.get(tile.href).status_code == 200, (username, tile.href)


def test_home_rates_have_one_decimal(client_for: ClientFor, town: Town) -> None:
    from grassroots.grid import services as grid

    grid.visit_log(actor=town.root, household=town.household_a1)
    html = client_for("alice").get(reverse("home:home")).content.decode()
    # 1 of the town's 4 households visited: 25.0%, never "25%" or 0.25.
    assert "25.0%" in html
    households = client_for("alice").get("/").context["grid_tiles"][0]
    assert households.value == 4 and households.href == reverse("grid:household_list")
