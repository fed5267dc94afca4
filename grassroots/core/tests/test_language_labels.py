"""Data labels (categories, tags) and role titles read in the interface language."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.utils import translation

from grassroots.cases.models import Category
from grassroots.core.labels import data_label
from grassroots.core.roles import Role
from grassroots.grid.models import Tag

pytestmark = pytest.mark.django_db
tag_migration = import_module("grassroots.grid.migrations.0002_tag_name_en")


def test_every_default_category_has_an_english_name() -> None:
    categories = list(Category.objects.all())
    assert categories and all(c.name_en for c in categories)
    roads = Category.objects.get(code="roads-lights")
    with translation.override("en"):
        assert roads.label == str(roads) == "Street lighting"
    with translation.override("zh-hans"):
        assert roads.label == str(roads) == "路灯照明"


def test_a_tag_shows_its_english_name_on_english_pages_and_falls_back_to_chinese() -> None:
    tag = Tag.objects.create(name="独居老人x", name_en="Elderly living alone")
    bare = Tag.objects.create(name="自定义标签")
    with translation.override("en"):
        assert str(tag) == "Elderly living alone" and str(bare) == "自定义标签"
    with translation.override("zh-hans"):
        assert str(tag) == "独居老人x"


def test_the_migration_fills_the_default_tags_an_administrator_did_not_name() -> None:
    Tag.objects.create(name="低保户")
    Tag.objects.create(name="残疾人", name_en="People with disabilities")
    tag_migration.fill(apps, None)
    names = dict(Tag.objects.values_list("name", "name_en"))
    assert names["低保户"] == "Subsistence allowance"
    assert names["残疾人"] == "People with disabilities"  # kept


def test_data_label_follows_the_active_language() -> None:
    with translation.override("en-gb"):
        assert data_label("其他", "Other") == "Other"
    with translation.override("zh-hans"):
        assert data_label("其他", "Other") == "其他"
    with translation.override("en"):
        assert data_label("其他", "") == "其他"


@pytest.mark.parametrize("role", list(Role))
def test_role_titles_are_translated(role: Role) -> None:
    with translation.override("zh-hans"):
        chinese = str(role.label)
    with translation.override("en"):
        english = str(role.label)
    assert chinese != english
    assert all(ord(ch) < 0x2E80 for ch in english)
    assert any(ord(ch) >= 0x4E00 for ch in chinese)
