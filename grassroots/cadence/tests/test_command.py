"""`grassroots cadence tick [--now ISO]` and the worker's periodic task."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from grassroots.cadence.models import CadenceRun
from grassroots.cadence.tasks import cadence_tick
from grassroots.cadence.tests.helpers import at, plan
from grassroots.core import clock

pytestmark = pytest.mark.django_db


def test_the_command_ticks_at_the_given_time(town) -> None:  # noqa: ANN001
    plan(town)
    out = io.StringIO()
    call_command("cadence", "tick", "--now", "2026-10-08", stdout=out)
    result = json.loads(out.getvalue())
    assert result["runs"] == 5 and result["failed"] == 0
    periods = dict(CadenceRun.objects.values_list("job", "period"))
    assert periods == {
        "weekly_digest": "2026-W41",
        "monthly_arrangement": "2026-10",
        "quarterly_review": "2026-Q3",
        "instructor_summary": "2026-09",
        "instructor_lapse": "2026-10-08",
    }
    out = io.StringIO()
    call_command("cadence", "tick", "--now", "2026-10-08T10:15:00", stdout=out)
    assert json.loads(out.getvalue())["runs"] == 0


@pytest.mark.parametrize("bad", ["tomorrow", "2026-13-01", "2026-02-30T10:00"])
def test_a_bad_time_is_a_clear_error(town, bad) -> None:  # noqa: ANN001
    with pytest.raises(CommandError, match="--now"):
        call_command("cadence", "tick", "--now", bad)
    assert not CadenceRun.objects.exists()


def test_the_periodic_task_ticks_on_the_clock(town) -> None:  # noqa: ANN001
    plan(town)
    clock.set_now(at(2026, 11, 2, 9, 15))
    result = cadence_tick.call_local()
    assert result["monthly_arrangement"] == 1
    assert CadenceRun.objects.filter(period="2026-11", job="monthly_arrangement").exists()
