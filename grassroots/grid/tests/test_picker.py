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
from grassroots.testing import Town

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
    grid.place_create(actor=town.root, parent=None, kind=Place.Kind.TOWN, name="另一镇")
    html = Client().get(URL, {"name": "place"}).content.decode()
    assert options(html) == ["测试镇", "另一镇"]


def test_places_above_town_level_are_not_offered(town: Town) -> None:
    county = grid.place_create(actor=town.root, parent=None, kind=Place.Kind.COUNTY, name="某县")
    assert Client().get(URL, {"name": "place", "parent": county.pk}).status_code == 404
    assert "某县" not in Client().get(URL, {"name": "place"}).content.decode()


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
