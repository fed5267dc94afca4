"""Generation: idempotent, set-based, versions kept, secretaries, targets, the finder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.accounts import services as account_services
from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.roles import Role
from grassroots.duties import selectors, services
from grassroots.duties.models import Assignment, BranchFigure, Cadence, DueRule, TargetRule
from grassroots.duties.targets import targets_of
from grassroots.duties.tests.conftest import item_fields, items_of, make_plan
from grassroots.party import services as party
from grassroots.party.models import Organization
from grassroots.testing import make_user

pytestmark = pytest.mark.django_db
D = dt.date
MIXED = (
    item_fields(weight=10),
    item_fields(
        title="主题党日",
        cadence=Cadence.MONTHLY,
        due_rule=DueRule.LAST_WORKING_DAY,
        weight=50,
        steps=["确定主题", "组织学习"],
    ),
    item_fields(
        title="阵地建设",
        cadence=Cadence.ONCE,
        due_rule=DueRule.END_OF_PERIOD,
        target_rule=TargetRule.VILLAGE,
        weight=40,
    ),
)


def rows() -> list[tuple]:
    return sorted(
        Assignment.objects.values_list("item_id", "organization_id", "period", "status", "due_on")
    )


def test_generate_makes_one_assignment_per_item_branch_and_period(town, now) -> None:
    plan = make_plan(town, *MIXED)
    counts = services.generate(on=D(2026, 11, 25))
    # weekly + monthly for 3 branches, once for the 2 village branches
    assert counts == {"plans": 1, "created": 8, "existing": 0, "auto_completed": 0}
    weekly = Assignment.objects.get(organization=town.branch_a, cadence=Cadence.WEEKLY)
    assert (weekly.period, weekly.due_on) == ("2026-W48", D(2026, 11, 27))
    assert (weekly.period_start, weekly.period_end) == (D(2026, 11, 23), D(2026, 11, 29))
    assert weekly.secretary == town.sam and weekly.org_path == town.branch_a.path
    assert weekly.town == town.town and weekly.plan == plan and weekly.weight == 10
    monthly = Assignment.objects.get(organization=town.branch_a, cadence=Cadence.MONTHLY)
    assert monthly.steps == [
        {"title": "确定主题", "done": False},
        {"title": "组织学习", "done": False},
    ]
    assert monthly.due_on == D(2026, 11, 30) and monthly.category == "other"
    once = Assignment.objects.filter(cadence=Cadence.ONCE)
    assert set(once.values_list("organization", flat=True)) == {town.branch_a.pk, town.branch_b.pk}
    assert once.first().period == "once" and once.first().due_on == D(2026, 12, 31)
    assert Assignment.objects.get(organization=town.branch_b, cadence="weekly").secretary is None
    audit = AuditEvent.objects.get(action=Action.DUTIES_PERIOD_GENERATED)
    assert audit.data["created"] == 8


def test_generate_twice_adds_nothing(town, now) -> None:
    make_plan(town, *MIXED)
    services.generate(on=D(2026, 11, 25))
    before = rows()
    counts = services.generate(on=D(2026, 11, 26))
    assert counts["created"] == 0 and counts["existing"] == 8
    assert rows() == before
    services.generate(on=D(2026, 11, 30))  # a new week: only the weekly items again
    assert Assignment.objects.count() == 8 + 3


def test_only_published_plans_covering_the_day_generate(town, now) -> None:
    make_plan(town, publish=False)
    assert services.generate(on=D(2026, 11, 25))["created"] == 0
    plan = make_plan(town)
    assert services.generate(on=D(2027, 1, 4))["created"] == 0
    assert services.generate(on=D(2026, 11, 25), towns=[town.village_a])["created"] == 0
    assert services.generate(on=D(2026, 11, 25), towns=[town.town])["created"] == 3
    services.plan_close(actor=town.olga, plan=plan)
    assert services.generate(on=D(2026, 12, 1))["created"] == 0


def test_retired_items_generate_nothing_more(town, now) -> None:
    plan = make_plan(town, *MIXED)
    services.item_retire(actor=town.olga, item=items_of(plan)[0])
    services.generate(on=D(2026, 11, 25))
    assert not Assignment.objects.filter(cadence=Cadence.WEEKLY).exists()


def test_a_change_after_generation_keeps_past_assignments_on_their_version(town, now) -> None:
    plan = make_plan(town)
    (item,) = items_of(plan)
    services.generate(on=D(2026, 11, 25))
    v1 = item.current
    services.item_change(actor=town.olga, item=item, title="周提醒（第二版）", due_n=3)
    item.refresh_from_db()
    services.generate(on=D(2026, 11, 26))  # same week: nothing rewritten
    past = Assignment.objects.filter(period="2026-W48")
    assert {a.version_id for a in past} == {v1.pk}
    assert {a.due_on for a in past} == {D(2026, 11, 27)}
    services.generate(on=D(2026, 11, 30))
    nxt = Assignment.objects.filter(period="2026-W49")
    assert {a.version_id for a in nxt} == {item.current_id}
    assert {a.due_on for a in nxt} == {D(2026, 12, 2)}
    assert {a.version.title for a in nxt} == {"周提醒（第二版）"}


def test_targets_follow_the_rule(town, now) -> None:
    plan = make_plan(
        town,
        item_fields(target_rule=TargetRule.TWO_NEW, weight=50),
        item_fields(target_rule=TargetRule.LISTED, weight=50, targets=[town.branch_a]),
        publish=False,
    )
    two_new, listed = items_of(plan)
    assert list(targets_of(two_new.current)) == [town.branch_firm]
    services.item_change(actor=town.olga, item=listed, targets=[town.branch_b])
    listed.refresh_from_db()
    assert list(targets_of(listed.current)) == [town.branch_b]
    institution = services.item_change(actor=town.olga, item=two_new, target_rule="institution")
    institution.refresh_from_db()
    assert list(targets_of(institution.current)) == []
    everyone = services.item_change(actor=town.olga, item=two_new, target_rule="all")
    everyone.refresh_from_db()
    assert set(targets_of(everyone.current)) == {town.branch_a, town.branch_b, town.branch_firm}


def test_branch_secretaries_reads_both_anchors_in_one_query(town) -> None:
    firm_sec = make_user("firmsec")
    account_services.role_grant(
        actor=town.root, user=firm_sec, role=Role.SECRETARY, organization=town.branch_firm
    )
    ids = [town.branch_a.pk, town.branch_b.pk, town.branch_firm.pk]
    with CaptureQueriesContext(connection) as q:
        found = selectors.branch_secretaries(ids)
    assert len(q) == 1
    assert found == {town.branch_a.pk: [town.sam.pk], town.branch_firm.pk: [firm_sec.pk]}
    assert selectors.branch_secretaries([]) == {}


def _branches(town, n: int) -> None:
    for i in range(n):
        party.organization_create(
            actor=town.root, parent=town.committee, kind=Organization.Kind.BRANCH, name=f"支部{i}"
        )


def _queries(on: dt.date) -> int:
    with CaptureQueriesContext(connection) as q:
        services.generate(on=on)
    return len(q)


def test_query_count_does_not_grow_with_branches(town, now, visit_kind) -> None:
    make_plan(town, item_fields(weight=50), item_fields(weight=50, completes_on=visit_kind.key))
    services.generate(on=D(2026, 11, 25))  # the calendar's cache is warm from here on
    few = _queries(D(2026, 12, 2))
    _branches(town, 12)
    many = _queries(D(2026, 12, 9))
    assert Assignment.objects.filter(period="2026-W50").count() == 2 * 15
    assert many == few


def test_the_finder_completes_at_generation(town, now, visit_kind) -> None:
    make_plan(
        town,
        item_fields(weight=50),
        item_fields(title="联系指导", weight=50, completes_on=visit_kind.key),
    )
    visit = party.guidance_visit_log(
        actor=town.ivan, organization=town.branch_b, topic="指导", visited_on=D(2026, 11, 24)
    )
    party.guidance_visit_log(
        actor=town.ivan, organization=town.branch_b, topic="上周", visited_on=D(2026, 11, 20)
    )
    counts = services.generate(on=D(2026, 11, 25))
    assert counts["auto_completed"] == 1
    done = Assignment.objects.get(status=Assignment.Status.DONE)
    assert (done.organization, done.record_kind, done.record_id) == (
        town.branch_b,
        visit_kind.key,
        visit.pk,
    )
    assert done.done_by is None and timezone.localdate(done.done_at) == D(2026, 11, 24)
    fig = BranchFigure.objects.get(organization=town.branch_b, cadence="weekly")
    assert (fig.total, fig.done, fig.done_on_time, fig.weight_total, fig.weight_done) == (
        2,
        1,
        1,
        100,
        50,
    )
    clock.set_now(dt.datetime(2026, 11, 26, 9))
    assert services.generate(on=D(2026, 11, 26))["created"] == 0


def test_generate_range_reaches_every_period_in_the_span(town, now) -> None:
    make_plan(town, *MIXED)
    totals = services.generate_range(start=D(2026, 10, 28), end=D(2026, 11, 12))
    weekly = set(Assignment.objects.filter(cadence="weekly").values_list("period", flat=True))
    monthly = set(Assignment.objects.filter(cadence="monthly").values_list("period", flat=True))
    assert weekly == {"2026-W44", "2026-W45", "2026-W46"}
    assert monthly == {"2026-10", "2026-11"}
    assert totals["created"] == Assignment.objects.count() == 3 * 3 + 2 * 3 + 2
