"""The daily task and the `duties` command call the same idempotent services."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from grassroots.core import clock
from grassroots.duties.models import Assignment, BranchFigure
from grassroots.duties.tasks import duties_daily
from grassroots.duties.tests.conftest import make_plan

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("duties", *args, stdout=out)
    return out.getvalue()


def test_command_generates_sweeps_and_rebuilds(town, now) -> None:
    make_plan(town)
    assert "created=3" in run("generate", "--on", "2026-11-25")
    assert "created=0" in run("generate", "--on", "2026-11-26")
    assert "created=0" in run("generate")  # today (the pinned clock's Wednesday)
    assert run("sweep") == "overdue=0\n"
    BranchFigure.objects.all().delete()
    assert run("rebuild") == "figures=3\n"
    with pytest.raises(CommandError):
        run("generate", "--on", "someday")


def test_daily_task_is_harmless_to_repeat(town, now) -> None:
    make_plan(town)
    first = duties_daily.call_local()
    second = duties_daily.call_local()
    assert (first["created"], second["created"]) == (3, 0)
    assert Assignment.objects.count() == 3
    assert clock.today().isoformat() == "2026-11-25"
