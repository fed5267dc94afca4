"""Issue #13 roll-ups: every counter of every node equals a direct count, the case rates
equal the measures page's, and a change moves the figures within one worker cycle to what
a full rebuild gives (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from grassroots.accounts import services as account_services
from grassroots.analytics import services
from grassroots.analytics.models import (
    MONTH_COUNTERS,
    ORG_COUNTERS,
    PLACE_COUNTERS,
    MonthFigures,
    OrgFigures,
    PlaceFigures,
    StaleSubtree,
)
from grassroots.cases import measures
from grassroots.cases import services as cases
from grassroots.cases.tests.helpers import file_case
from grassroots.cases.tests.test_measures_and_suggest import build_september
from grassroots.core import clock
from grassroots.core.roles import Role
from grassroots.duties import services as duties
from grassroots.duties.models import Assignment, Cadence, DueRule
from grassroots.duties.tests.conftest import item_fields, make_plan
from grassroots.grid import services as grid
from grassroots.grid.models import Household, Place, Visit
from grassroots.party.models import Organization
from grassroots.testing import Town, make_user
from grassroots.trainings import measures as training_measures
from grassroots.trainings.models import Attendance, Enrolment, HoursRequirement
from grassroots.trainings.services.attendance import attend
from grassroots.trainings.tests.test_prog_measures import _fixture as training_fixture

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)  # a Wednesday


@pytest.fixture
def hank(town: Town) -> Any:
    """A handler anchored at the town (as in the cases tests)."""
    user = make_user("hank", display_name="水务站小何")
    account_services.role_grant(actor=town.root, user=user, role=Role.HANDLER, place=town.town)
    return user


def snapshot() -> dict[str, Any]:
    """Every prepared row's counters (what a full rebuild must reproduce)."""
    return {
        "places": {
            r.path: {c: getattr(r, c) for c in PLACE_COUNTERS} for r in PlaceFigures.objects.all()
        },
        "orgs": {
            r.path: {c: getattr(r, c) for c in ORG_COUNTERS} for r in OrgFigures.objects.all()
        },
        "months": {
            (r.node, r.path, r.month): {c: getattr(r, c) for c in MONTH_COUNTERS}
            for r in MonthFigures.objects.all()
            if any(getattr(r, c) for c in MONTH_COUNTERS)
        },
    }


def assert_equals_direct_counts() -> None:
    for row in PlaceFigures.objects.all():
        assert {c: getattr(row, c) for c in PLACE_COUNTERS} == services.count_place(row.path), (
            row.path
        )
    for row in OrgFigures.objects.all():
        assert {c: getattr(row, c) for c in ORG_COUNTERS} == services.count_org(row.path), row.path
    for node in MonthFigures.Node:
        paths = MonthFigures.objects.filter(node=node).values_list("path", flat=True).distinct()
        for path in paths:
            rows = {
                r.month: {c: getattr(r, c) for c in MONTH_COUNTERS if getattr(r, c)}
                for r in MonthFigures.objects.filter(node=node, path=path)
            }
            counted = {
                month: {c: v for c, v in found.items() if v}
                for month, found in services.count_months(node, path).items()
            }
            assert {m: v for m, v in rows.items() if v} == {
                m: v for m, v in counted.items() if v
            }, (node, path)


def build_everything(town: Town, hank: Any) -> None:
    """Cases (September), a training with attendances (March), duties and visits (November)."""
    training_fixture(town)
    HoursRequirement.objects.create(town=town.town, year=2026, member_hours=4, secretary_hours=6)
    build_september(town, hank)
    clock.set_now(NOW)
    make_plan(
        town,
        item_fields(
            title="月度主题党日",
            cadence=Cadence.MONTHLY,
            due_rule=DueRule.END_OF_PERIOD,
            due_n=None,
            weight=50,
        ),
        item_fields(weight=50),  # weekly, due Friday this week
    )
    duties.generate(on=clock.today())
    done = Assignment.objects.filter(organization=town.branch_a).order_by("pk").first()
    duties.assignment_complete(actor=town.sam, assignment=done)
    grid.visit_log(actor=town.root, household=town.household_a1)


def test_every_counter_of_every_node_equals_a_direct_count(town: Town, hank: Any) -> None:
    build_everything(town, hank)
    services.rebuild()
    assert_equals_direct_counts()
    village = PlaceFigures.objects.get(path=town.village_a.path)
    # c1, c2 closed by call-back (c2 after a rework: 3 call-backs), c3 rejected, c4, c5 open
    assert (village.cases_year, village.cases_open, village.resolved, village.callbacks) == (
        5,
        2,
        2,
        3,
    )
    committee = OrgFigures.objects.get(path=town.committee.path)
    assert committee.duty_total_month > 0 and committee.duty_done_month == 1
    assert (committee.training_attendances_year, committee.training_hours_tenths_year) == (4, 120)
    # The trainings page's own count of who met the hours requirement.
    people = training_measures.year_people(town.alice, 2026, town.town.pk)
    assert committee.training_members_met_year == sum(1 for p in people if not p.behind) == 2
    month = MonthFigures.objects.get(node="place", path=town.town.path, month=dt.date(2026, 11, 1))
    assert month.visits == 1


def test_the_month_rates_equal_the_measures_page_of_the_same_month(town: Town, hank: Any) -> None:
    build_september(town, hank)
    clock.set_now(NOW)
    services.rebuild()
    for place in (town.town, town.village_a, town.village_b):
        page = measures.measures_for(place, 2026, 9)
        row = MonthFigures.objects.get(node="place", path=place.path, month=dt.date(2026, 9, 1))
        assert row.cases_submitted == page.cases
        for part in measures.RATE_PARTS:
            assert getattr(row, part) == getattr(page, part), (place.name, part)
    assert measures.measures_for(town.village_a, 2026, 9).resolved == 2


def assert_like_a_full_rebuild() -> None:
    after_increments = snapshot()
    services.rebuild()
    assert snapshot() == after_increments


def test_closing_a_case_moves_the_figures_within_one_worker_cycle(
    town: Town, hank: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clock.set_now(NOW)
    services.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        case = file_case(town, text="路灯不亮")
    assert PlaceFigures.objects.get(path=town.town.path).cases_open == 1
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_accept(actor=town.sam, case=case)
        cases.case_assign(actor=town.sam, case=case, handler=hank)
        cases.case_take(actor=hank, case=case)
        cases.case_reply(actor=hank, case=case, reply="已修好")
        cases.case_call_back(actor=town.sam, case=case, solved=True, satisfied=True)
    top = PlaceFigures.objects.get(path=town.town.path)
    assert (top.cases_open, top.cases_closed_year, top.resolved, top.satisfied_callbacks) == (
        0,
        1,
        1,
        1,
    )
    month = MonthFigures.objects.get(
        node="place", path=town.group_a1.path, month=dt.date(2026, 11, 1)
    )
    assert (month.cases_submitted, month.cases_closed, month.resolved) == (1, 1, 1)
    assert not StaleSubtree.objects.exists()  # the worker consumed the marks
    assert_like_a_full_rebuild()


def test_a_visit_a_duty_and_an_attendance_move_the_figures_within_one_cycle(
    town: Town, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # committed, as on a server
        t, e = training_fixture(town)
        clock.set_now(NOW)
        make_plan(
            town,
            item_fields(
                title="月度主题党日",
                cadence=Cadence.MONTHLY,
                due_rule=DueRule.END_OF_PERIOD,
                due_n=None,
            ),
        )
    services.rebuild()
    committee = OrgFigures.objects.get(path=town.committee.path)
    assert committee.duty_total_month == 0
    with django_capture_on_commit_callbacks(execute=True):
        duties.generate(on=clock.today())
    committee.refresh_from_db()
    assert (committee.duty_total_month, committee.duty_done_month) == (3, 0)
    with django_capture_on_commit_callbacks(execute=True):
        duties.assignment_complete(
            actor=town.sam, assignment=Assignment.objects.get(organization=town.branch_a)
        )
    committee.refresh_from_db()
    assert committee.duty_done_month == 1
    with django_capture_on_commit_callbacks(execute=True):
        grid.visit_log(actor=town.root, household=town.household_b1)
    month = MonthFigures.objects.get(node="place", path=town.town.path, month=dt.date(2026, 11, 1))
    assert month.visits == 1
    before = committee.training_attendances_year
    enrolment = Enrolment.objects.get(programme=t["programme"], name="甲党员")
    with django_capture_on_commit_callbacks(execute=True):
        attend(
            actor=town.alice, session=t["s1"], enrolment=enrolment, method=Attendance.Method.MANUAL
        )
    committee.refresh_from_db()
    assert committee.training_attendances_year == before + 1
    assert_like_a_full_rebuild()


def test_a_rolled_back_change_marks_nothing(
    town: Town, django_capture_on_commit_callbacks: Any
) -> None:
    clock.set_now(NOW)
    services.rebuild()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file_case(town, text="路灯不亮")
    assert callbacks  # queued for after the commit, none of them ran
    assert PlaceFigures.objects.get(path=town.town.path).cases_open == 0
    assert not StaleSubtree.objects.exists()


def test_many_marks_in_one_town_are_one_recompute(town: Town) -> None:
    clock.set_now(NOW)
    services.rebuild()
    for place in (town.group_a1, town.group_a2, town.village_b, town.town):
        services.mark_stale(place_path=place.path)
    services.mark_stale(org_path=town.branch_a.path)
    services.mark_stale(org_path=town.branch_b.path)
    assert StaleSubtree.objects.count() == 6
    assert services.refresh_stale() == 2  # the town, and its committee
    assert services.refresh_stale() == 0


def test_the_rollup_tenths_keep_decimal_hours_exact(town: Town) -> None:
    t, e = training_fixture(town)
    enrolment = Enrolment.objects.get(programme=t["programme"], name="甲党员")
    row = attend(
        actor=town.alice, session=t["s1"], enrolment=enrolment, method=Attendance.Method.MANUAL
    )
    Attendance.objects.filter(pk=row.pk).update(hours=Decimal("2.3"))
    services.rebuild()
    branch = OrgFigures.objects.get(path=town.branch_a.path)
    assert branch.training_hours_tenths_year == 60 + 23  # 王书记's 6 hours and the 2.3


def test_one_transaction_of_many_changes_is_one_recompute_per_town(
    town: Town, hank: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    clock.set_now(NOW)
    services.rebuild()
    real, calls = services.refresh_subtree, []

    def counted(**kwargs: Any) -> None:
        calls.append(kwargs)
        real(**kwargs)

    monkeypatch.setattr(services, "refresh_subtree", counted)
    with django_capture_on_commit_callbacks(execute=True):
        for text in ("路灯不亮", "水沟堵塞", "道路破损"):
            file_case(town, text=text, place=town.group_b1)
        grid.visit_log(actor=town.root, household=town.household_a1)
    assert calls == [{"place_path": town.town.path, "now": None}]
    assert PlaceFigures.objects.get(path=town.village_b.path).cases_open == 3


# begin rollup
def _rows() -> dict[str, Any]:
    """Every prepared row, zero rows included (a rebuild writes the same rows as one from empty)."""
    return {
        "places": set(PlaceFigures.objects.values_list("path", "depth", "kind", *PLACE_COUNTERS)),
        "orgs": set(OrgFigures.objects.values_list("path", "depth", *ORG_COUNTERS)),
        "months": set(
            MonthFigures.objects.values_list("node", "path", "depth", "month", *MONTH_COUNTERS)
        ),
    }


def _empty_figures() -> None:
    """The figures tables as after a load: no rows, and (PostgreSQL) analysed while empty."""
    for model in (MonthFigures, OrgFigures, PlaceFigures):
        model.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def test_the_first_rebuild_into_empty_figures_tables_counts_everything(
    town: Town, hank: Any
) -> None:
    build_everything(town, hank)
    _empty_figures()
    summary = services.rebuild()
    assert summary.places == Place.objects.count() == PlaceFigures.objects.count()
    assert summary.organizations == Organization.objects.count() == OrgFigures.objects.count()
    assert summary.months > 0
    assert_equals_direct_counts()
    assert PlaceFigures.objects.get(path=town.town.path).households == Household.objects.count()


def test_a_rebuild_after_changes_equals_a_rebuild_from_empty(town: Town, hank: Any) -> None:
    build_everything(town, hank)
    services.rebuild()
    # Changes no hook reports (the rebuild heals them): a group loses its only household,
    # a month loses its visits, a case is filed with its figures not yet recomputed.
    Visit.objects.all().delete()
    Household.objects.filter(pk=town.household_a2.pk).delete()
    file_case(town, text="路灯不亮", place=town.group_b1)
    services.rebuild()
    after_changes = _rows()
    group = PlaceFigures.objects.get(path=town.group_a2.path)
    assert (group.households, group.residents) == (0, 0)  # written back to zero
    assert not MonthFigures.objects.filter(node="place", visits__gt=0).exists()
    assert_equals_direct_counts()
    _empty_figures()
    services.rebuild()
    assert _rows() == after_changes


def test_a_subtree_recompute_keeps_its_ancestors_sums_of_the_other_subtrees(
    town: Town, hank: Any
) -> None:
    """A group's and a branch's recompute re-sum their ancestors from the stored figures of
    the ancestors' other children (village B, group A2, branch B), as a rebuild would."""
    build_everything(town, hank)
    services.rebuild(now=NOW)
    rebuilt = _rows()
    chain = [town.town.path, town.village_a.path, town.group_a1.path]
    PlaceFigures.objects.filter(path__in=chain).update(households=99, cases_open=7)
    MonthFigures.objects.filter(node="place", path__in=chain).update(visits=5, cases_submitted=5)
    MonthFigures.objects.create(  # a month with no data: the recompute removes its row
        node="place",
        path=town.village_a.path,
        depth=2,
        month=dt.date(2026, 1, 1),
        visits=3,
        updated_at=NOW,
    )
    org_chain = [town.committee.path, town.branch_a.path]
    OrgFigures.objects.filter(path__in=org_chain).update(members=99, duty_total_month=9)
    MonthFigures.objects.filter(node="org", path__in=org_chain).update(duty_total=9)
    services.refresh_subtree(place_path=town.group_a1.path, now=NOW)
    services.refresh_subtree(org_path=town.branch_a.path, now=NOW)
    assert _rows() == rebuilt


# end rollup
