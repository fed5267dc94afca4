"""The household page lists that household's cases (issue #10), read through grid's slot."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.cases import services
from grassroots.cases.models import Case, Category, Channel
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Client]


def file_at(town: Town, household: object, text: str) -> Case:
    return services.case_submit(
        actor=town.root,
        household=household,
        text=text,
        category=Category.objects.get(code="roads-repair"),
        channel=Channel.VISIT,
    )


def test_the_household_page_lists_its_cases_and_only_its_own(
    client_for: ClientFor, town: Town
) -> None:
    mine = file_at(town, town.household_b1, "门前的路灯坏了好几天")
    other = file_at(town, town.household_b2, "隔壁家的水管漏水了")
    response = client_for("rita").get(reverse("grid:household", args=[town.household_b1.pk]))
    codes = [c.code for c in response.context["cases"]]
    assert codes == [mine.code]
    html = response.content.decode()
    assert reverse("cases:detail", args=[mine.pk]) in html and other.code not in html


def test_a_household_without_cases_says_so(client_for: ClientFor, town: Town) -> None:
    response = client_for("sam").get(reverse("grid:household", args=[town.household_a1.pk]))
    assert response.context["cases"] == []
