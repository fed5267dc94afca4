from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from grassroots.cases import selectors
from grassroots.cases.filters import CaseFilter
from grassroots.cases.models import Case
from grassroots.cases.tests.helpers import at, file_case
from grassroots.core import clock
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def listed(user: Any, **params: str) -> int:
    return CaseFilter(params, queryset=Case.objects.visible_to(user)).qs.count()


def test_home_figures_match_the_lists_they_link_to(town: Town) -> None:
    with clock.frozen(at(2026, 3, 2, 9, 0)):
        file_case(town)
        file_case(town, text="上杉市村水管破裂", place=town.group_b1)
    with clock.frozen(at(2026, 4, 30, 9, 0)):
        for user in (town.alice, town.sam):
            figures = selectors.figures(user)
            assert figures["open"] == listed(user, open="true")
            assert figures["overdue"] == listed(user, overdue="true")
            assert figures["supervised"] == listed(user, supervised="true")
        assert selectors.figures(town.alice)["open"] == 2
        assert selectors.figures(town.sam)["open"] == 1
        assert selectors.figures(town.oscar) == {"open": 0, "overdue": 0, "supervised": 0}


def test_the_home_page_shows_the_case_figures_to_a_secretary(town: Town, client_for: Any) -> None:
    file_case(town)
    page = client_for("sam").get(reverse("home:home"))
    assert page.status_code == 200
    assert f"{reverse('cases:inbox')}?open=true" in page.text
    assert page.context["cases"]["open"] == 1
