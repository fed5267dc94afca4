from __future__ import annotations

import datetime as dt

import pytest

from grassroots.reports.demo import load_demo_reports
from grassroots.reports.models import Report
from grassroots.reports.tests.helpers import figures
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_the_demo_makes_the_last_month_and_quarter_once(town: Town) -> None:
    figures(town)
    now = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    assert load_demo_reports(actor=None, town=town.town, now=now, seed=1) == {"reports": 2}
    assert set(Report.objects.values_list("kind", "period", "status")) == {
        ("monthly", "2026-10", "ready"),
        ("quarterly", "2026-Q3", "ready"),
    }
    assert load_demo_reports(actor=None, town=town.town, now=now, seed=1) == {"reports": 0}
