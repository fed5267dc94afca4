"""Plans and their versioned items: create, publish, close; add, change, retire an item.

An item's words live in `ItemVersion` rows that are never edited: `item_change`
writes version n+1 and points `item.current` at it, so assignments already
generated keep the version they were made from and the next period uses the new one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grassroots.core import audit, clock, records
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.services import require, require_reach, require_visible
from grassroots.duties.models import (
    Cadence,
    Category,
    DueRule,
    Evidence,
    Item,
    ItemVersion,
    Plan,
    TargetRule,
)
from grassroots.party.models import Organization

MAX_STEPS = 10
MAX_STEP_CHARS = 60
# What an item says; `item_change` copies the current version and overrides these.
ITEM_FIELDS = (
    "title",
    "description",
    "category",
    "cadence",
    "target_rule",
    "due_rule",
    "due_n",
    "weight",
    "evidence",
    "review_required",
    "completes_on",
    "steps",
)
DUE_N_RANGE = {
    DueRule.WEEKDAY: (1, 7),
    DueRule.DAY_OF_MONTH: (1, 31),
    DueRule.WORKING_DAYS_AFTER_START: (1, 60),
}


def _status_error(plan: Plan, allowed: tuple[str, ...]) -> ValidationError:
    names = ", ".join(str(Plan.Status(s).label) for s in allowed)
    return ValidationError(
        {
            "status": _(
                "The plan is %(status)s; this can only be done to a plan that is: %(allowed)s"
            )
            % {"status": plan.get_status_display(), "allowed": names}
        }
    )


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    organization: Organization,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    is_demo: bool = False,
) -> Plan:
    require(actor, Cap.MANAGE_DUTIES)
    require_reach(actor, organization)
    errors: dict[str, str] = {}
    if organization.kind != Organization.Kind.COMMITTEE:
        errors["organization"] = _("A duty plan belongs to a Party committee.")
    title = (title or "").strip()
    if not title:
        errors["title"] = pgettext("duties", "Give the plan a title.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The plan cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    plan = Plan.objects.create(
        organization=organization,
        org_path=organization.path,
        town=organization.town,
        title=title[:120],
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=clock.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_demo=is_demo,
    )
    audit.record(actor=actor, action=Action.DUTIES_PLAN_CREATED, obj=plan, data={"title": title})
    return plan


def _locked_plan(actor: Actor, plan: Plan) -> Plan:
    require(actor, Cap.MANAGE_DUTIES)
    require_visible(actor, plan)
    require_reach(actor, plan.organization)
    return Plan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_publish(*, actor: Actor, plan: Plan) -> Plan:
    plan = _locked_plan(actor, plan)
    if plan.status != Plan.Status.DRAFT:
        raise _status_error(plan, (Plan.Status.DRAFT,))
    active = Item.objects.filter(plan=plan, retired=False)
    if not active.exists():
        raise ValidationError({"items": _("Add at least one item before publishing the plan.")})
    total = ItemVersion.objects.filter(pk__in=active.values("current")).aggregate(s=Sum("weight"))[
        "s"
    ]
    if total != 100:
        raise ValidationError(
            {
                "weight": _(
                    "The weights of the plan's items add up to %(sum)s; they must add up to 100."
                )
                % {"sum": total or 0}
            }
        )
    plan.status = Plan.Status.PUBLISHED
    plan.save(update_fields=["status"])
    audit.record(actor=actor, action=Action.DUTIES_PLAN_PUBLISHED, obj=plan)
    return plan


@transaction.atomic
def plan_close(*, actor: Actor, plan: Plan) -> Plan:
    plan = _locked_plan(actor, plan)
    if plan.status != Plan.Status.PUBLISHED:
        raise _status_error(plan, (Plan.Status.PUBLISHED,))
    plan.status = Plan.Status.CLOSED
    plan.save(update_fields=["status"])
    audit.record(actor=actor, action=Action.DUTIES_PLAN_CLOSED, obj=plan)
    return plan


def _clean_steps(steps: Any, errors: dict[str, str]) -> list[str]:
    if isinstance(steps, str):
        steps = steps.splitlines()
    cleaned = [str(s).strip() for s in (steps or []) if str(s).strip()]
    if len(cleaned) > MAX_STEPS:
        errors["steps"] = _("At most %(n)s steps.") % {"n": MAX_STEPS}
    elif any(len(s) > MAX_STEP_CHARS for s in cleaned):
        errors["steps"] = _("A step is at most %(n)s characters long.") % {"n": MAX_STEP_CHARS}
    return cleaned


def _check_choices(f: dict[str, Any], errors: dict[str, str]) -> None:
    for name, choices in (
        ("category", Category),
        ("cadence", Cadence),
        ("target_rule", TargetRule),
        ("due_rule", DueRule),
        ("evidence", Evidence),
    ):
        if f[name] not in choices.values:
            errors[name] = _("Choose one of the listed values.")


def _check_due(f: dict[str, Any], errors: dict[str, str]) -> None:
    rule, n = f["due_rule"], f["due_n"]
    if rule == DueRule.WEEKDAY and f["cadence"] != Cadence.WEEKLY:
        errors["due_rule"] = _("A day of the week can only be the due day of a weekly item.")
    elif rule == DueRule.DAY_OF_MONTH and f["cadence"] == Cadence.WEEKLY:
        errors["due_rule"] = _("A weekly item cannot be due on a day of the month.")
    elif rule in DUE_N_RANGE:
        low, high = DUE_N_RANGE[rule]
        if n is None or not low <= n <= high:
            errors["due_n"] = _("This due rule needs a day from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
    else:
        f["due_n"] = None


def _check_completion(f: dict[str, Any], errors: dict[str, str]) -> None:
    if f["completes_on"] and records.get(f["completes_on"]) is None:
        errors["completes_on"] = _("Unknown kind of record.")
    elif f["completes_on"] and f["evidence"] == Evidence.REQUIRED:
        errors["evidence"] = _(
            "An item that completes itself from a record cannot also require a file."
        )
    elif f["completes_on"] and f["review_required"]:
        errors["review_required"] = _(
            "An item that completes itself from a record is not confirmed by a reviewer."
        )


def _check_targets(plan: Plan, f: dict[str, Any], targets: Any, errors: dict[str, str]) -> list:
    if f["target_rule"] != TargetRule.LISTED:
        return []
    chosen = list(targets or [])
    if not chosen:
        errors["targets"] = _("List at least one branch, or choose a rule.")
    elif any(
        o.kind != Organization.Kind.BRANCH or not o.path.startswith(plan.org_path) for o in chosen
    ):
        errors["targets"] = _("Only branches under the plan's committee can be listed.")
    return chosen


def validate_item(plan: Plan, fields: dict[str, Any], targets: Any) -> tuple[dict, list]:
    """The cleaned fields and listed branches of an item, or a field-keyed ValidationError."""
    f = {name: fields.get(name) for name in ITEM_FIELDS}
    errors: dict[str, str] = {}
    f["title"] = (f["title"] or "").strip()[:120]
    f["description"] = (f["description"] or "").strip()
    f["completes_on"] = (f["completes_on"] or "").strip()
    f["review_required"] = bool(f["review_required"])
    f["evidence"] = f["evidence"] or Evidence.NONE
    f["target_rule"] = f["target_rule"] or TargetRule.ALL
    if not f["title"]:
        errors["title"] = _("Give the item a title.")
    _check_choices(f, errors)
    if not errors:
        _check_due(f, errors)
    weight = f["weight"]
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 100:
        errors["weight"] = _("The weight is a whole number from 0 to 100.")
    f["steps"] = _clean_steps(f["steps"], errors)
    _check_completion(f, errors)
    chosen = _check_targets(plan, f, targets, errors)
    if errors:
        raise ValidationError(errors)
    return f, chosen


def _write_version(
    actor: Actor, item: Item, number: int, f: dict[str, Any], chosen: list
) -> ItemVersion:
    version = ItemVersion.objects.create(
        item=item,
        number=number,
        valid_from=clock.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **f,
    )
    if chosen:
        version.targets.set(chosen)
    item.current = version
    item.save(update_fields=["current"])
    return version


def _open_plan(actor: Actor, plan: Plan) -> Plan:
    plan = _locked_plan(actor, plan)
    if plan.status == Plan.Status.CLOSED:
        raise _status_error(plan, (Plan.Status.DRAFT, Plan.Status.PUBLISHED))
    return plan


@transaction.atomic
def item_add(*, actor: Actor, plan: Plan, targets: Any = None, **fields: Any) -> Item:
    plan = _open_plan(actor, plan)
    f, chosen = validate_item(plan, fields, targets)
    position = fields.get("position")
    if position is None:
        position = Item.objects.filter(plan=plan).count() + 1
    item = Item.objects.create(plan=plan, position=position)
    _write_version(actor, item, 1, f, chosen)
    audit.record(actor=actor, action=Action.DUTIES_ITEM_ADDED, obj=item, data={"title": f["title"]})
    return item


def version_fields(version: ItemVersion) -> dict[str, Any]:
    return {name: getattr(version, name) for name in ITEM_FIELDS}


@transaction.atomic
def item_change(*, actor: Actor, item: Item, targets: Any = None, **fields: Any) -> Item:
    """Write a new version of the item (past assignments keep theirs)."""
    plan = _open_plan(actor, item.plan)
    item = Item.objects.select_for_update(of=("self",)).select_related("current").get(pk=item.pk)
    if item.retired:
        raise ValidationError({"retired": _("A retired item cannot be changed.")})
    current = item.current
    merged = {**version_fields(current), **fields}
    if targets is None and current.target_rule == TargetRule.LISTED:
        targets = list(current.targets.all())
    f, chosen = validate_item(plan, merged, targets)
    number = current.number + 1
    _write_version(actor, item, number, f, chosen)
    changed = sorted(k for k in f if f[k] != getattr(current, k))
    audit.record(
        actor=actor,
        action=Action.DUTIES_ITEM_CHANGED,
        obj=item,
        data={"version": number, "changed": changed},
    )
    return item


@transaction.atomic
def item_retire(*, actor: Actor, item: Item) -> Item:
    """No new assignments from this item; those already made stay."""
    _open_plan(actor, item.plan)
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.retired:
        raise ValidationError({"retired": _("The item is already retired.")})
    item.retired = True
    item.save(update_fields=["retired"])
    audit.record(actor=actor, action=Action.DUTIES_ITEM_RETIRED, obj=item)
    return item
