"""The board and its export read a fixed number of queries however many projects there are;
the benchmark's bulk projects carry six stages and a checklist each."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.sites import filters
from grassroots.sites.benchmarks import CHECKLIST, synthesise_projects
from grassroots.sites.models import CheckItem, Project, StageStep
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_board_and_export_queries_do_not_grow_with_projects(
    town: Town, today: dt.date, client_for: Any
) -> None:
    alice = client_for("alice")
    branches = [town.branch_a, town.branch_b]
    assert synthesise_projects(branches * 2 + [town.branch_a]) == 5
    alice.get(reverse("sites:board"))  # warm the session and the scope
    board_5, export_5 = (
        _queries(alice, reverse("sites:board")),
        _queries(alice, reverse("sites:export")),
    )
    assert synthesise_projects(branches * 22 + [town.branch_a], seed=2) == 45
    assert Project.objects.count() == 50
    board_50 = _queries(alice, reverse("sites:board"))
    export_50 = _queries(alice, reverse("sites:export"))
    assert board_50 == board_5
    assert export_50 == export_5
    page = alice.get(reverse("sites:board")).content.decode()
    assert len(re.findall(r'href="/sites/\d+/"', page)) == 30  # the first page is drawn


def test_synthesised_projects_are_whole(town: Town, today: dt.date) -> None:
    synthesise_projects([town.branch_a, town.branch_b])
    for project in Project.objects.all():
        steps = list(StageStep.objects.filter(project=project).order_by("pk"))
        assert [s.stage for s in steps] == [
            "survey",
            "siting",
            "design",
            "build",
            "acceptance",
            "in_use",
        ]
        done = [s for s in steps if s.done_on]
        assert project.stage == (done[-1].stage if done else "")
        assert steps[: len(done)] == done  # reached in order
        assert CheckItem.objects.filter(project=project).count() == len(CHECKLIST)
        assert project.org_path == project.branch.path


def test_a_county_board_lists_the_branches_of_the_chosen_town_only(
    town: Town, today: dt.date, client_for: Any, monkeypatch: Any
) -> None:
    """Past BRANCH_CHOICES_MAX reachable branches the select lists none until a town is chosen
    (or the chosen branch): the filter still accepts any branch the caller reaches."""
    synthesise_projects([town.branch_a, town.branch_b])
    monkeypatch.setattr(filters, "BRANCH_CHOICES_MAX", 1)
    alice = client_for("alice")
    page = alice.get(reverse("sites:board")).content.decode()
    assert f'<option value="{town.branch_a.pk}"' not in page
    assert 'name="town"' not in page  # one town: no town select
    page = alice.get(reverse("sites:board") + f"?branch={town.branch_a.pk}").content.decode()
    assert f'<option value="{town.branch_a.pk}" selected' in page
    assert f'<option value="{town.branch_b.pk}"' not in page
    assert town.branch_a.name in page and f"{town.branch_b.name}阵地" not in page
    monkeypatch.setattr(filters, "BRANCH_CHOICES_MAX", 100)
    page = alice.get(reverse("sites:board")).content.decode()
    assert f'<option value="{town.branch_b.pk}"' in page
