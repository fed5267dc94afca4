"""ManyOptionsSelect writes the markup Django's Select draws, faster (core/widgets.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms

from grassroots.core.widgets import ManyOptionsSelect

CHOICES = [("", "全部镇"), (1, "路口镇"), (2, 'A "quoted" <b>&</b>'), ("3", "三")]


def parsed(html: str) -> tuple[str, list[tuple[str, str, bool]]]:
    select = re.match(r"<select([^>]*)>", html)
    assert select, html
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    return select.group(1), [(v, label, bool(s)) for v, s, label in options]


def attrs_of(tag: str) -> dict[str, str]:
    return dict(re.findall(r'(\S+?)(?:="([^"]*)")?(?=\s|$)', tag.strip()))


@pytest.mark.parametrize("value", [None, "", 1, "2", "3", "9"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_town", "required": True, "class": "x"}])
def test_it_draws_what_djangos_select_draws(value: Any, attrs: dict[str, Any] | None) -> None:
    ours = ManyOptionsSelect(choices=CHOICES).render("town", value, attrs)
    django = forms.Select(choices=CHOICES).render("town", value, attrs)
    (our_tag, our_options), (django_tag, django_options) = parsed(ours), parsed(django)
    assert our_options == django_options
    assert attrs_of(our_tag) == attrs_of(django_tag)
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in ours and "<b>" not in ours


def test_grouped_choices_are_left_to_django() -> None:
    grouped = [("镇", [(1, "路口镇"), (2, "黄兴镇")])]
    ours = ManyOptionsSelect(choices=grouped).render("town", 1)
    assert ours == forms.Select(choices=grouped).render("town", 1)
    assert "<optgroup" in ours


def test_it_serves_a_model_choice_field(db: None) -> None:
    from grassroots.grid.models import Place

    town = Place.objects.add_root({"kind": Place.Kind.TOWN, "name": "路口镇"})
    field = forms.ModelChoiceField(Place.objects.all(), widget=ManyOptionsSelect)
    html = field.widget.render("town", town.pk)
    assert parsed(html)[1] == [("", "---------", False), (str(town.pk), "路口镇", True)]
