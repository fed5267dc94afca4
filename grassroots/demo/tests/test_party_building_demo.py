"""The demo town with its Party-building loop (issue #11): every generator runs without a
warning, the duty checklist completes itself from the other apps' records, and the reset
removes it all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps

from grassroots.demo import loader
from grassroots.demo.tests.conftest import load_for_module
from grassroots.duties.models import Assignment

SMALL = 300
MODELS = (
    "orglife.Meeting",
    "alliances.Alliance",
    "alliances.InnovationProject",
    "rectify.Item",
    "inspections.Inspection",
    "inspections.Campaign",
    "inspections.StarRating",
    "duties.Plan",
    "duties.Assignment",
)


@pytest.fixture(scope="module")
def full_demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[loader.DemoResult]:
    yield from load_for_module(django_db_blocker, households=SMALL, extras=True)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_party_building_generator_runs_and_the_checklist_completes_itself(
    full_demo: loader.DemoResult,
) -> None:
    assert full_demo.warnings == []
    for label in MODELS:
        assert apps.get_model(label).objects.filter(is_demo=True).exists(), label
    kinds = set(Assignment.objects.exclude(record_kind="").values_list("record_kind", flat=True))
    # Meetings, guidance visits and closed rectifications each completed some duties.
    assert {"orglife.meeting.party_day", "party.guidance_visit", "rectify.closed"} <= kinds
    assert Assignment.objects.filter(status=Assignment.Status.NOT_STARTED).exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_the_reset_removes_the_party_building_loop(full_demo: loader.DemoResult) -> None:
    loader.reset_demo()
    for label in MODELS:
        assert not apps.get_model(label).objects.exists(), label
    loader.load_demo(households=SMALL, extras=False)  # the module teardown removes a demo
