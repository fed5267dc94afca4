"""Plans and versioned items: validation with field-keyed messages, publish, versions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.duties import services
from grassroots.duties.models import (
    Assignment,
    Cadence,
    DueRule,
    Evidence,
    ItemVersion,
    Plan,
    TargetRule,
)
from grassroots.duties.tests.conftest import VISIT_KIND, item_fields, items_of, make_plan

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


def test_officer_creates_and_publishes_a_plan(town) -> None:
    plan = make_plan(town, item_fields(weight=60), item_fields(title="支委会", weight=40))
    assert plan.status == Plan.Status.PUBLISHED
    assert plan.org_path == town.committee.path and plan.town == town.town
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        Action.DUTIES_PLAN_CREATED,
        Action.DUTIES_ITEM_ADDED,
        Action.DUTIES_PLAN_PUBLISHED,
    } <= actions


def test_publish_names_the_sum_when_weights_are_not_100(town) -> None:
    plan = make_plan(town, item_fields(weight=60), item_fields(weight=30), publish=False)
    with pytest.raises(ValidationError) as exc:
        services.plan_publish(actor=town.olga, plan=plan)
    assert "90" in errors_of(exc)["weight"][0]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_publish_needs_an_item_and_a_draft(town) -> None:
    plan = make_plan(town, publish=False)
    empty = services.plan_create(
        actor=town.olga,
        organization=town.committee,
        title="空",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 31),
    )
    with pytest.raises(ValidationError) as exc:
        services.plan_publish(actor=town.olga, plan=empty)
    assert "items" in errors_of(exc)
    services.plan_publish(actor=town.olga, plan=plan)
    with pytest.raises(ValidationError) as exc:
        services.plan_publish(actor=town.olga, plan=plan)
    assert "status" in errors_of(exc)
    services.plan_close(actor=town.olga, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_close(actor=town.olga, plan=plan)
    with pytest.raises(ValidationError):
        services.item_add(actor=town.olga, plan=plan, **item_fields())


def test_plan_create_refuses_bad_input(town) -> None:
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            actor=town.olga,
            organization=town.branch_a,
            title="  ",
            starts_on=dt.date(2026, 2, 1),
            ends_on=dt.date(2026, 1, 1),
        )
    assert set(errors_of(exc)) == {"organization", "title", "ends_on"}
    assert not Plan.objects.exists()


def test_only_managers_in_reach_make_plans(town) -> None:
    args = {"title": "x", "starts_on": dt.date(2026, 1, 1), "ends_on": dt.date(2026, 1, 2)}
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=town.sam, organization=town.committee, **args)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=town.ivan, organization=town.committee, **args)
    plan = make_plan(town, publish=False)
    with pytest.raises(PermissionDenied):
        services.item_add(actor=town.sam, plan=plan, **item_fields())


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"due_rule": DueRule.WEEKDAY, "due_n": None}, "due_n"),
        ({"due_rule": DueRule.WEEKDAY, "due_n": 8}, "due_n"),
        ({"cadence": Cadence.MONTHLY, "due_rule": DueRule.WEEKDAY, "due_n": 5}, "due_rule"),
        ({"due_rule": DueRule.DAY_OF_MONTH, "due_n": 10}, "due_rule"),
        ({"cadence": Cadence.MONTHLY, "due_rule": DueRule.DAY_OF_MONTH, "due_n": 0}, "due_n"),
        ({"cadence": Cadence.MONTHLY, "due_rule": DueRule.DAY_OF_MONTH, "due_n": 32}, "due_n"),
        (
            {
                "cadence": Cadence.QUARTERLY,
                "due_rule": DueRule.WORKING_DAYS_AFTER_START,
                "due_n": 61,
            },
            "due_n",
        ),
        ({"cadence": "daily"}, "cadence"),
        ({"weight": 101}, "weight"),
        ({"weight": "ten"}, "weight"),
        ({"title": " "}, "title"),
        ({"steps": [f"第{i}步" for i in range(11)]}, "steps"),
        ({"steps": ["很" * 61]}, "steps"),
        ({"completes_on": "no.such.kind"}, "completes_on"),
        ({"completes_on": VISIT_KIND, "evidence": Evidence.REQUIRED}, "evidence"),
        ({"completes_on": VISIT_KIND, "review_required": True}, "review_required"),
        ({"target_rule": TargetRule.LISTED}, "targets"),
    ],
)
def test_item_validation_names_the_field(town, visit_kind, fields, key) -> None:
    plan = make_plan(town, publish=False)
    with pytest.raises(ValidationError) as exc:
        services.item_add(actor=town.olga, plan=plan, **item_fields(**fields))
    assert key in errors_of(exc)
    assert len(items_of(plan)) == 1


def test_listed_targets_must_be_branches_under_the_committee(town) -> None:
    plan = make_plan(town, publish=False)
    for bad in ([town.committee], [town.branch_a, town.committee]):
        with pytest.raises(ValidationError) as exc:
            services.item_add(
                actor=town.olga,
                plan=plan,
                targets=bad,
                **item_fields(target_rule=TargetRule.LISTED),
            )
        assert "targets" in errors_of(exc)
    item = services.item_add(
        actor=town.olga, plan=plan, targets=[town.branch_a], **item_fields(target_rule="listed")
    )
    assert list(item.current.targets.all()) == [town.branch_a]


def test_a_rule_without_a_day_drops_a_stray_number(town) -> None:
    plan = make_plan(town, publish=False)
    item = services.item_add(
        actor=town.olga,
        plan=plan,
        **item_fields(cadence=Cadence.MONTHLY, due_rule=DueRule.LAST_WORKING_DAY, due_n=9),
    )
    assert item.current.due_n is None


def test_item_change_writes_a_new_version_and_retire_stops_it(town) -> None:
    plan = make_plan(town)
    (item,) = items_of(plan)
    services.item_change(actor=town.olga, item=item, title="周工作提醒（新）", due_n=4)
    item.refresh_from_db()
    assert item.current.number == 2 and item.current.title == "周工作提醒（新）"
    assert item.current.due_n == 4 and item.current.weight == 100
    assert ItemVersion.objects.filter(item=item).count() == 2
    with pytest.raises(ValidationError) as exc:
        services.item_change(actor=town.olga, item=item, due_n=9)
    assert "due_n" in errors_of(exc)
    assert ItemVersion.objects.filter(item=item).count() == 2
    services.item_retire(actor=town.olga, item=item)
    with pytest.raises(ValidationError):
        services.item_retire(actor=town.olga, item=item)
    with pytest.raises(ValidationError):
        services.item_change(actor=town.olga, item=item, title="再改")
    assert not Assignment.objects.exists()


def test_a_plan_of_another_town_is_a_404(town) -> None:
    plan = make_plan(town, publish=False)
    plan.org_path = "9999"
    Plan.objects.filter(pk=plan.pk).update(org_path="9999")
    with pytest.raises(Http404):
        services.plan_publish(actor=town.olga, plan=plan)
