"""The demo town with its Party-building loop (issue #11): every generator runs without a
warning, the duty checklist completes itself from the other apps' records, and the reset
removes it all."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from grassroots.accounts.models import User
from grassroots.demo import loader
from grassroots.demo.tests.conftest import load_for_module
from grassroots.duties.models import Assignment
from grassroots.party.models import Organization
from grassroots.reports import contents
from grassroots.reports.models import Report

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


def _sheet(content: bytes, index: int = 0) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return list(book.worksheets[index].iter_rows(values_only=True))


@pytest.mark.slow
@pytest.mark.django_db
def test_the_monthly_report_says_what_the_dashboard_says_for_its_month(
    full_demo: loader.DemoResult,
) -> None:
    """Acceptance 4 of issue #13, end to end: the demo's monthly report (made by the demo
    loader, as the schedule makes it) against the cockpit's own exports for that month."""
    report = Report.objects.get(kind=Report.Kind.MONTHLY, place=full_demo.town)
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    committee = Organization.objects.get(
        place_path=full_demo.town.path, kind=Organization.Kind.COMMITTEE
    )
    month = report.period  # "2026-10": the trend charts label their months the same way

    def month_row(url: str) -> dict[str, Any]:
        response = admin.get(url)
        assert response.status_code == 200, url
        head, *rows = _sheet(response.content)
        return dict(zip(head, next(r for r in rows if r[0] == month), strict=True))

    trend = month_row(reverse("dashboards:place_export", args=[full_demo.town.pk, "trend"]))
    duties = month_row(reverse("dashboards:org_export", args=[committee.pk, "duty_trend"]))
    summary = {row[1]: row[2] for row in _sheet(report.xlsx.read())[1:] if row[1]}
    with translation.override("zh-hans"):  # the files' language; each app's own wording
        said = {k: summary[str(label)] for k, label, _fmt in contents.PERIOD_ROWS}
        shown = {
            "visits": trend[pgettext("chart", "Visits")],
            "cases_submitted": trend[gettext("Cases submitted")],
            "cases_closed": trend[gettext("Cases closed")],
            "duty_total": duties[gettext("Duties due")],
            "duty_done": duties[gettext("Duties done")],
            "training_attendances": duties[gettext("Training attendances")],
        }
    assert shown["visits"] and shown["cases_submitted"]  # the comparison is not vacuous
    assert {k: said[k] for k in shown} == shown


@pytest.mark.slow
@pytest.mark.django_db
def test_the_reset_removes_the_party_building_loop(full_demo: loader.DemoResult) -> None:
    loader.reset_demo()
    for label in MODELS:
        assert not apps.get_model(label).objects.exists(), label
    loader.load_demo(households=SMALL, extras=False)  # the module teardown removes a demo
