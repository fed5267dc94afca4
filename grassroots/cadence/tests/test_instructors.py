"""Item 8: the 30-day lapse notice (on day 30, not 29; once per lapse; again after a new
visit and 30 more days), the monthly summary, and the instructors' page in reach."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from grassroots.cadence import selectors
from grassroots.cadence.models import CadenceRun
from grassroots.cadence.services import tick
from grassroots.cadence.tests.helpers import assignment, at, plan
from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.notify.models import Notice
from grassroots.party.models import GuidanceAssignment, GuidanceVisit
from grassroots.rectify.models import Item as RectificationItem

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def guided(town):  # noqa: ANN001, ANN201
    plan(town)
    GuidanceAssignment.objects.filter(instructor=town.instructor).update(started_on=D(2026, 8, 1))
    return town.instructor


def visit(town, day: dt.date) -> GuidanceVisit:  # noqa: ANN001
    return GuidanceVisit.objects.create(
        instructor=town.instructor,
        organization=town.branch_b,
        visited_on=day,
        topic="指导三会一课",
        created_at=at(day.year, day.month, day.day, 10),
    )


def run_day(day: dt.date) -> None:
    for hour in (7, 12):
        now = at(day.year, day.month, day.day, hour)
        clock.set_now(now)
        tick(now=now)


def lapses(town) -> list[Notice]:  # noqa: ANN001
    return list(Notice.objects.filter(recipient=town.ivan, message="cadence.lapse").order_by("pk"))


def test_the_lapse_notice_on_day_30_once_and_again_after_a_new_visit(town, guided) -> None:  # noqa: ANN001
    visit(town, D(2026, 9, 1))
    run_day(D(2026, 9, 30))  # day 29
    assert lapses(town) == []
    run_day(D(2026, 10, 1))  # day 30 (a holiday: the check runs every day)
    [first] = lapses(town)
    assert first.params == {"branch": "上杉市村党支部", "days": 30, "since": "2026-09-01"}
    assert first.key == f"cadence:lapse:{town.instructor.pk}:{town.branch_b.pk}:2026-09-01"
    for day in (2, 3, 10):
        run_day(D(2026, 10, day))
    assert len(lapses(town)) == 1  # once per lapse
    visit(town, D(2026, 10, 12))  # a new visit ends the lapse
    run_day(D(2026, 11, 10))  # day 29 after it
    assert len(lapses(town)) == 1
    run_day(D(2026, 11, 11))  # day 30
    assert [n.params["since"] for n in lapses(town)] == ["2026-09-01", "2026-10-12"]
    assert CadenceRun.objects.filter(job="instructor_lapse", period="2026-11-11").count() == 1


def test_without_any_visit_the_lapse_counts_from_the_assignment(town, guided) -> None:  # noqa: ANN001
    run_day(D(2026, 8, 30))  # 29 days after 1 August
    assert lapses(town) == []
    run_day(D(2026, 8, 31))
    assert lapses(town)[0].params["since"] == "2026-08-01"


def test_a_worker_down_on_day_30_notifies_on_day_31(town, guided) -> None:  # noqa: ANN001
    visit(town, D(2026, 9, 1))
    run_day(D(2026, 10, 2))
    assert [n.params["days"] for n in lapses(town)] == [31]


def test_the_monthly_summary(town, guided) -> None:  # noqa: ANN001
    the_plan = plan(town)
    visit(town, D(2026, 10, 12))
    visit(town, D(2026, 10, 20))
    visit(town, D(2026, 11, 3))  # next month: not counted
    assignment(
        the_plan,
        town.branch_b,
        period_start=D(2026, 10, 1),
        due_on=D(2026, 10, 31),
        done_on=D(2026, 10, 15),
    )
    assignment(
        the_plan,
        town.branch_a,
        period_start=D(2026, 10, 1),
        due_on=D(2026, 10, 31),
        done_on=D(2026, 10, 15),
    )  # not ivan's branch
    for n, (registered, closed) in enumerate(
        (
            (D(2026, 10, 9), D(2026, 10, 30)),  # found and signed off in October
            (D(2026, 10, 20), None),  # found in October, still open
            (D(2026, 9, 1), D(2026, 10, 2)),  # signed off in October
            (D(2026, 9, 1), D(2026, 11, 2)),  # neither in October
        )
    ):
        RectificationItem.objects.create(
            town=town.town,
            organization=town.branch_b,
            org_path=town.branch_b.path,
            code=f"ZG-{n}",
            source="supervision",
            problem="三会一课记录不全",
            kind="deadline",
            deadline=D(2026, 12, 31),
            status="closed" if closed else "in_progress",
            registered_at=at(registered.year, registered.month, registered.day),
            closed_at=at(closed.year, closed.month, closed.day) if closed else None,
        )
    run_day(D(2026, 11, 1))  # a Sunday: not yet
    assert not Notice.objects.filter(message="cadence.summary").exists()
    run_day(D(2026, 11, 2))
    [summary] = Notice.objects.filter(message="cadence.summary")
    assert summary.recipient == town.ivan
    assert summary.key == f"cadence:summary:{town.instructor.pk}:2026-10"
    # issues: 2 registered in October; closed: 2 signed off + 1 duty assignment done
    assert summary.params == {"period": "2026-10", "visits": 2, "issues": 2, "closed": 3}
    run_day(D(2026, 11, 3))
    assert Notice.objects.filter(message="cadence.summary").count() == 1
    # The instructors' page shows the same counts for the month that ended.
    [person] = selectors.instructors(town.olga, D(2026, 11, 3))["people"]
    assert (person.visits_last_month, person.issues_last_month, person.closed_last_month) == (
        2,
        2,
        3,
    )
    assert selectors.instructors(town.rita, D(2026, 11, 3))["people"] == []


def test_the_instructors_page(town, guided, client_for) -> None:  # noqa: ANN001
    visit(town, D(2026, 9, 1))
    clock.set_now(at(2026, 10, 8, 9))
    olga = client_for("olga").get("/cadence/instructors/")
    text = olga.content.decode()
    assert olga.status_code == 200
    assert "伊万" in text and "上杉市村党支部" in text and "2026-09-01" in text
    assert "danger" in text  # 37 days: lapsed, in red
    ivan = client_for("ivan").get("/cadence/instructors/").content.decode()
    assert "上杉市村党支部" in ivan
    rita = client_for("rita").get("/cadence/instructors/").content.decode()
    assert "伊万" not in rita and "上杉市村党支部" not in rita


def test_the_instructors_page_exports_what_it_shows(town, guided, client_for) -> None:  # noqa: ANN001
    visit(town, D(2026, 9, 1))
    clock.set_now(at(2026, 10, 8, 9))
    response = client_for("olga").get("/cadence/instructors/xlsx/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    people, branches = (list(ws.iter_rows(values_only=True)) for ws in book.worksheets)
    assert [row[:4] for row in people[1:]] == [("伊万", 1, 1, 1)]  # one branch, lapsed, 1 visit
    assert [row[:3] for row in branches[1:]] == [("上杉市村党支部", "伊万", 1)]
    assert AuditEvent.objects.filter(action=Action.CADENCE_EXPORTED, actor=town.olga).exists()
    # rita reaches no instructor: her workbook has headers only.
    rita = client_for("rita").get("/cadence/instructors/xlsx/")
    sheets = load_workbook(io.BytesIO(rita.content), read_only=True).worksheets
    assert all(len(list(ws.iter_rows(values_only=True))) == 1 for ws in sheets)
