"""The household list at scale: a drill-down place filter and a cheap, exact count."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.analytics import services as analytics
from grassroots.grid import selectors
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]
URL = "/grid/households/"


@pytest.fixture
def client_for(town: Town) -> ClientFor:
    from grassroots.accounts.models import User

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


def offered(response: object) -> list[tuple[int, str, int, bool]]:
    return [(o.pk, o.label, o.level, o.selected) for o in response.context["place_options"]]


def test_the_place_filter_offers_the_villages_first_and_no_groups(
    client_for: ClientFor, town: Town
) -> None:
    assert reverse("grid:household_list") == URL
    response = client_for("alice").get(URL)
    assert offered(response) == [
        (town.town.pk, "测试镇", 0, False),
        (town.village_a.pk, "明月村", 1, False),
        (town.village_b.pk, "上杉市村", 1, False),
    ]
    html = response.content.decode()
    assert "一组" not in html.split('id="place-picker"')[1].split("</select>")[0]


def test_choosing_a_village_offers_its_groups_under_the_chain(
    client_for: ClientFor, town: Town
) -> None:
    response = client_for("alice").get(URL, {"place": town.village_a.pk})
    assert offered(response) == [
        (town.town.pk, "测试镇", 0, False),
        (town.village_a.pk, "明月村", 1, True),
        (town.group_a1.pk, "一组", 2, False),
        (town.group_a2.pk, "二组", 2, False),
    ]
    assert [h.code for h in response.context["page"]] == ["A-001", "A-002"]


def test_a_secretary_starts_at_her_village_and_never_sees_the_town_above(
    client_for: ClientFor, town: Town
) -> None:
    response = client_for("sam").get(URL, {"place": town.group_a2.pk})
    assert [o[0] for o in offered(response)] == [town.village_a.pk, town.group_a2.pk]
    assert [h.code for h in response.context["page"]] == ["A-002"]


def test_a_place_outside_the_area_is_404_not_an_empty_list(
    client_for: ClientFor, town: Town
) -> None:
    sam = client_for("sam")
    assert sam.get(URL, {"place": town.village_b.pk}).status_code == 404
    assert sam.get(URL, {"place": "x"}).status_code == 404
    assert client_for("oscar").get(URL, {"place": town.town.pk}).status_code == 404


def test_the_place_filter_is_capped_however_many_places_are_reached(
    client_for: ClientFor, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "PLACE_PICKER_CAP", 1)
    response = client_for("alice").get(URL)
    assert len(offered(response)) == 2  # the town and one village


def test_an_htmx_answer_also_replaces_the_place_select(client_for: ClientFor, town: Town) -> None:
    response = client_for("alice").get(URL, {"place": town.village_b.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="hh-table"' in html and "<html" not in html
    assert 'id="place-picker" hx-swap-oob="true"' in html
    assert f'<option value="{town.group_b1.pk}">' in html


def test_a_large_unfiltered_count_comes_from_the_prepared_figures(
    client_for: ClientFor, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    analytics.rebuild()
    monkeypatch.setattr(selectors, "ROLLUP_COUNT_ABOVE", 1)
    root = client_for("root")
    assert root.get(URL).context["page"].paginator.count == 4
    # The figures are the prepared ones: a household written behind the
    # services' backs shows only in a filtered (counted) list.
    from grassroots.grid.models import Household

    Household.objects.filter(code="B-002").delete()
    assert root.get(URL).context["page"].paginator.count == 4
    assert root.get(URL, {"q": "-00"}).context["page"].paginator.count == 3
    # Small areas are always counted.
    monkeypatch.setattr(selectors, "ROLLUP_COUNT_ABOVE", 1000)
    assert root.get(URL).context["page"].paginator.count == 3


def test_a_representative_count_is_always_counted(
    client_for: ClientFor, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    analytics.rebuild()
    monkeypatch.setattr(selectors, "ROLLUP_COUNT_ABOVE", 1)
    response = client_for("rita").get(URL)
    assert response.context["page"].paginator.count == 1
    assert [h.code for h in response.context["page"]] == ["B-001"]


@pytest.mark.parametrize(
    ("prefix", "upper"),
    [("0001", "0002"), ("0009", "000A"), ("000Z", "001"), ("00010ZZZ", "00011"), ("ZZZZ", None)],
)
def test_a_subtree_is_a_range_of_paths(prefix: str, upper: str | None) -> None:
    assert selectors.path_upper(prefix) == upper


def test_the_subtree_range_selects_exactly_the_prefix(town: Town) -> None:
    from grassroots.grid.models import Household

    for place in (town.town, town.village_a, town.village_b, town.group_a1):
        by_range = set(Household.objects.filter(selectors.subtree_q("place_path", place.path)))
        by_prefix = set(Household.objects.filter(place_path__startswith=place.path))
        assert by_range == by_prefix and by_range
