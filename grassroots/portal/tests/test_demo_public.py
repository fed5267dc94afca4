"""Acceptance 1 (portal side) and 5 over the demo town: the portal shows the demo's figures,
and no public page — the portal, the public case board, the model-branch notices and the
public figures API — shows a full ID number, a phone number or a home's position.

Slow: the demo town (6,896 households) is loaded once for the module, with the cases,
sites and inspections generators that feed the public pages, and the portal's own demo.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from grassroots.analytics.services import rebuild
from grassroots.cases.demo import load_demo_cases
from grassroots.cases.selectors import public_villages
from grassroots.core import clock
from grassroots.demo import loader
from grassroots.demo.tests.conftest import load_for_module
from grassroots.grid.models import Household
from grassroots.inspections.demo import load_demo_inspections
from grassroots.portal.demo import load_demo_portal
from grassroots.portal.models import Article, ArticleImage, Collection, Disclosure
from grassroots.portal.privacy import ID_NUMBER, MOBILE
from grassroots.portal.selectors import disclosure_quarters, live_articles
from grassroots.sites.demo import load_demo_sites

pytestmark = pytest.mark.slow

COORDINATES = re.compile(r"(?<![\d.:])\d{2,3}\.\d{5,}(?![\d])")
POSITION_KEYS = re.compile(r'"(lat|lng|latitude|longitude|position)"\s*:|data-(lat|lng)=')


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    for result in load_for_module(django_db_blocker, extras=False):
        with django_db_blocker.unblock():
            town, actor, now = loader.demo_town(), loader.system_user(), clock.now()
            counts = {}
            for label, generator in (
                ("cases", load_demo_cases),
                ("sites", load_demo_sites),
                ("inspections", load_demo_inspections),
                ("portal", load_demo_portal),
            ):
                with transaction.atomic():
                    counts[label] = generator(actor=actor, town=town, now=now, seed=1)
            with transaction.atomic():
                rebuild(actor=actor, now=now)
        yield {"result": result, "counts": counts}
        with django_db_blocker.unblock():
            # The reset is the product's: it must take the portal's demo rows with it.
            loader.reset_demo()
            assert not Article.objects.filter(is_demo=True).exists()
            assert not Disclosure.objects.filter(is_demo=True).exists()
            assert not ArticleImage.objects.exists()
            assert not Collection.objects.filter(is_demo=True).exists()


def public_pages() -> list[str]:
    urls = [
        reverse("portal:home"),
        reverse("portal:figures"),
        reverse("portal:notices"),
        reverse("cases:public_index"),
        reverse("inspections:public_notices"),
    ]
    try:
        urls.append(reverse("public-figures"))  # the rollups branch's /api/public/figures/
    except NoReverseMatch:
        urls.append("/api/public/figures/")
    urls += [reverse("portal:topic", args=[c.slug]) for c in Collection.objects.all()]
    urls += [reverse("portal:article", args=[a.pk]) for a in live_articles()]
    urls += [reverse("cases:public_board", args=[v.pk]) for v in public_villages()]
    disclosure = reverse("portal:disclosure")
    for quarter in disclosure_quarters():
        rows = Disclosure.objects.filter(quarter=quarter, published_at__isnull=False).count()
        urls += [f"{disclosure}?quarter={quarter}&page={n}" for n in range(1, rows // 20 + 2)]
    return urls


@pytest.mark.django_db
def test_the_demo_portal_has_its_articles_pictures_and_a_disclosure_per_branch(
    demo: dict[str, Any],
) -> None:
    counts = demo["counts"]["portal"]
    assert 6 <= counts["articles"] == live_articles().count() <= 8
    assert ArticleImage.objects.count() >= 6
    assert counts["disclosures"] == Disclosure.objects.count()
    branches = set(Disclosure.objects.values_list("branch_id", flat=True))
    assert len(branches) == 56
    assert len(disclosure_quarters()) == 1  # the last quarter before the demo's today
    town, actor, now = loader.demo_town(), loader.system_user(), clock.now()
    assert load_demo_portal(actor=actor, town=town, now=now, seed=1)["articles"] == 0


@pytest.mark.django_db
def test_the_portal_shows_the_demo_figures(demo: dict[str, Any]) -> None:
    html = Client().get(reverse("portal:figures")).content.decode()
    assert "605 名村(居)民代表联系服务 6,896 户" in html
    home = Client().get(reverse("portal:home")).content.decode()
    assert "605 名村(居)民代表联系服务 6,896 户" in home
    for label, value in (("党支部", "56"), ("党建指导员", "42")):
        assert re.search(rf"{label}</span>\s*<span class=\"tile__value\">{value}<", html), label


@pytest.mark.django_db
def test_the_portal_shows_three_demonstration_sites(demo: dict[str, Any]) -> None:
    html = Client().get(reverse("portal:figures")).content.decode()
    assert re.search(r"示范阵地</span>\s*<span class=\"tile__value\">3<", html)


@pytest.mark.django_db
def test_no_public_page_shows_an_id_number_a_phone_or_a_position(demo: dict[str, Any]) -> None:
    addresses = {a for a in Household.objects.values_list("address", flat=True) if a}
    assert addresses, "the demo has household addresses to look for"
    walked = 0
    for url in public_pages():
        response = Client().get(url)
        if url.startswith("/api/") and response.status_code == 404:
            continue  # the public figures API arrives with the rollups branch
        assert response.status_code == 200, url
        text = response.content.decode()
        walked += 1
        for name, pattern in (
            ("ID number", ID_NUMBER),
            ("phone", MOBILE),
            ("coordinates", COORDINATES),
            ("position", POSITION_KEYS),
        ):
            found = pattern.search(text)
            assert found is None, f"{name} {found.group(0) if found else ''} on {url}"
        shown = [a for a in addresses if a in text]
        assert not shown, f"home addresses {shown[:3]} on {url}"
    assert walked >= 20


@pytest.mark.django_db
def test_the_privacy_patterns_catch_what_they_look_for() -> None:
    assert ID_NUMBER.search("身份证 43012119800101123X 号")
    assert MOBILE.search("电话13812345678")
    assert COORDINATES.search('{"x": 28.123456}')
    assert POSITION_KEYS.search('{"lat": 28.1}')
    assert not MOBILE.search("6,896 户 605 名") and not ID_NUMBER.search("2026Q3")
