"""The drill-down place picker endpoint (grid/picker.py): public, read-only, children only."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.cache import cache
from django.template import Context, Template
from django.test import Client
from django_cotton.compiler_regex import CottonCompiler

from grassroots.core import ratelimit
from grassroots.grid import picker
from grassroots.grid import services as grid
from grassroots.grid.models import Place
from grassroots.testing import Town, make_user

URL = "/grid/picker/"


def options(html: str) -> list[str]:
    return re.findall(r'class="picker__option"[^>]*><span>([^<]+)</span>', html)


def hidden_value(html: str, name: str = "place") -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)">', html)
    assert match, html
    return match.group(1)


@pytest.fixture(autouse=True)
def _clear_cache(db: None) -> None:
    cache.clear()


def test_the_start_of_a_one_town_grid_lists_its_villages(town: Town) -> None:
    r = Client().get(URL, {"name": "place"})
    assert r.status_code == 200
    html = r.content.decode()
    assert options(html) == ["明月村", "上杉市村"]
    assert "测试镇" in html  # the town as the first chip
    assert hidden_value(html) == ""  # a town is a step, not a choice


def test_a_village_lists_only_its_own_groups_and_is_chosen(town: Town) -> None:
    r = Client().get(URL, {"name": "place", "parent": town.village_a.pk})
    html = r.content.decode()
    assert options(html) == ["一组", "二组"]
    assert hidden_value(html) == str(town.village_a.pk)
    # the breadcrumb chips: 测试镇 › 明月村
    assert re.findall(r'picker__crumb"[^>]*>([^<]+)</button>', html)[-2:] == ["测试镇", "明月村"]


def test_a_group_is_chosen_and_its_siblings_offered(town: Town) -> None:
    html = Client().get(URL, {"name": "where", "parent": town.group_a2.pk}).content.decode()
    assert hidden_value(html, "where") == str(town.group_a2.pk)
    assert options(html) == ["一组", "二组"]
    assert 'aria-pressed="true"><span>二组' in html


def test_several_towns_start_with_the_towns(town: Town) -> None:
    other = grid.place_create(actor=town.root, parent=None, kind=Place.Kind.TOWN, name="另一镇")
    grid.place_create(actor=town.root, parent=other, kind=Place.Kind.VILLAGE, name="远山村")
    html = Client().get(URL, {"name": "place"}).content.decode()
    assert options(html) == ["测试镇", "另一镇"]


def test_a_place_above_village_level_with_nothing_under_it_is_not_offered(town: Town) -> None:
    grid.place_create(actor=town.root, parent=None, kind=Place.Kind.TOWN, name="空镇")
    county = grid.place_create(actor=town.root, parent=None, kind=Place.Kind.COUNTY, name="某县")
    # The start steps into the one town that has villages.
    assert options(Client().get(URL, {"name": "place"}).content.decode()) == ["明月村", "上杉市村"]
    assert Client().get(URL, {"name": "place", "parent": county.pk}).status_code == 404


def test_a_province_starts_at_its_first_level_with_a_choice(db: None) -> None:
    """Province → city → two counties: the start offers the counties (not every town),
    and a county, a step like a town, offers its towns and is never the value."""
    actor = make_user("root", is_superuser=True)
    province = grid.place_create(actor=actor, parent=None, kind=Place.Kind.PROVINCE, name="某省")
    city = grid.place_create(actor=actor, parent=province, kind=Place.Kind.CITY, name="某市")
    east = grid.place_create(actor=actor, parent=city, kind=Place.Kind.COUNTY, name="东县")
    west = grid.place_create(actor=actor, parent=city, kind=Place.Kind.COUNTY, name="西县")
    for county, names in ((east, ["东一镇", "东二镇"]), (west, ["西镇"])):
        for name in names:
            t = grid.place_create(actor=actor, parent=county, kind=Place.Kind.TOWN, name=name)
            grid.place_create(actor=actor, parent=t, kind=Place.Kind.VILLAGE, name=f"{name}村")
    c = Client()
    html = c.get(URL, {"name": "place"}).content.decode()
    assert options(html) == ["东县", "西县"]
    assert hidden_value(html) == ""
    html = c.get(URL, {"name": "place", "parent": east.pk}).content.decode()
    assert options(html) == ["东一镇", "东二镇"]
    assert hidden_value(html) == ""  # a county is a step
    # The chips begin where the start lies (the city), not at the province.
    crumbs = re.findall(r'picker__crumb"[^>]*>([^<]+)</button>', html)
    assert crumbs[-2:] == ["某市", "东县"] and "某省" not in crumbs
    village = Place.objects.get(name="东二镇村")
    html = c.get(URL, {"name": "place", "parent": village.pk}).content.decode()
    assert hidden_value(html) == str(village.pk)
    assert re.findall(r'picker__crumb"[^>]*>([^<]+)</button>', html)[-4:] == [
        "某市",
        "东县",
        "东二镇",
        "东二镇村",
    ]
    # A place the start steps through is the start.
    for above in (province, city):
        html = c.get(URL, {"name": "place", "parent": above.pk}).content.decode()
        assert options(html) == ["东县", "西县"]


@pytest.mark.parametrize("parent", ["999999", "99999999999999999999", "-1", "0", "abc", "1.5", "²"])
def test_bad_or_unknown_ids_are_404_not_500(town: Town, parent: str) -> None:
    assert Client().get(URL, {"name": "place", "parent": parent}).status_code == 404


@pytest.mark.parametrize("name", ["", "a b", '"><script>', "x" * 65])
def test_a_bad_field_name_is_404(town: Town, name: str) -> None:
    assert Client().get(URL, {"name": name}).status_code == 404


def test_it_is_read_only(town: Town) -> None:
    assert Client().post(URL, {"name": "place"}).status_code == 405


def test_it_is_rate_limited(town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(picker, "RATE_LIMIT", 2)
    c = Client()
    assert [c.get(URL, {"name": "p"}).status_code for _ in range(3)] == [200, 200, 429]
    assert ratelimit.used(picker.RATE, "127.0.0.1", window=picker.RATE_WINDOW) == 2


def test_the_component_degrades_to_the_fields_own_select(town: Town) -> None:
    class F(forms.Form):
        place = forms.ModelChoiceField(
            label="Where", queryset=Place.objects.filter(kind=Place.Kind.VILLAGE)
        )

    source = CottonCompiler().process('<c-picker :field="form.place" />')
    html = Template(source).render(Context({"form": F()}))
    assert 'hx-get="/grid/picker/?name=place&amp;parent="' in html
    assert '<select name="place"' in html and "明月村" in html
