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
