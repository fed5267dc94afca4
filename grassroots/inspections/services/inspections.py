"""Inspection plans with a seeded sample, inspections, findings and the acknowledgement.

The sample is `random.Random(seed).sample(sorted ids of the town's branches the drawer
reaches, size)`; the seed (from `secrets` when not given) is stored with the draw, so the
sample can be drawn again from the record and checked. A plan is drawn once.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import RoleAssignment
from grassroots.core import audit, clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.roles import Cap, Role
from grassroots.core.scoping import scope_for
from grassroots.core.services import require, require_visible
from grassroots.inspections import notices
from grassroots.inspections.models import (
    Finding,
    IndicatorSet,
    Inspection,
    InspectionPlan,
    PlanSample,
)
from grassroots.inspections.services.common import (
    committee_of,
    parse_score,
    require_branch,
    require_committee,
)
from grassroots.notify.services import notify
from grassroots.party.models import Organization

SEED_MAX = 2**62
# The record kind (core.records) an acknowledged inspection is: a duty item may wait for it.
RECORD_KIND = "inspections.acknowledged"


def _require_active(indicator_set: IndicatorSet, purpose: str, field: str) -> None:
    if indicator_set.status != IndicatorSet.Status.ACTIVE or indicator_set.purpose != purpose:
        raise ValidationError({field: _("Choose an active indicator set of the right purpose.")})


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    committee: Organization,
    title: str,
    indicator_set: IndicatorSet,
    starts_on: dt.date,
    ends_on: dt.date,
    is_demo: bool = False,
) -> InspectionPlan:
    require(actor, Cap.INSPECT)
    require_committee(actor, committee)
    require_visible(actor, indicator_set)
    _require_active(indicator_set, IndicatorSet.Purpose.INSPECTION, "indicator_set")
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the plan a title.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The window ends before it starts.")})
    plan = InspectionPlan.objects.create(
        town=committee.town,
        committee=committee,
        org_path=committee.path,
        title=title.strip()[:120],
        indicator_set=indicator_set,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=clock.now(),
        is_demo=is_demo,
    )
    audit.record(actor=actor, action=Action.INSPECTIONS_PLAN_CREATED, obj=plan)
    return plan


def sample_frame(actor: Actor, plan: InspectionPlan) -> list[int]:
    """The sorted ids of the town's branches the actor reaches: what the sample is drawn from."""
    scope = scope_for(actor)
    return sorted(
        Organization.objects.filter(
            scope.orgs("path"),
            path__startswith=plan.org_path,
            kind=Organization.Kind.BRANCH,
        ).values_list("pk", flat=True)
    )


def draw(frame: Sequence[int], size: int, seed: int) -> list[int]:
    """The draw itself, repeatable by anyone from the stored seed and frame."""
    return random.Random(seed).sample(list(frame), size)  # noqa: S311 - a reproducible draw


@transaction.atomic
def plan_draw_sample(
    *, actor: Actor, plan: InspectionPlan, size: int, seed: int | None = None
) -> list[Organization]:
    """Draw the plan's sample of branches once, recording the seed."""
    require(actor, Cap.INSPECT)
    require_visible(actor, plan)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.drawn_at is not None:
        raise ValidationError({"sample": _("The sample of this plan has already been drawn.")})
    frame = sample_frame(actor, plan)
    if not isinstance(size, int) or size < 1 or size > len(frame):
        raise ValidationError({"size": _("Draw between 1 and %(n)s branches.") % {"n": len(frame)}})
    if seed is None:
        seed = secrets.randbelow(SEED_MAX)
    elif not isinstance(seed, int) or not 0 <= seed < SEED_MAX:
        raise ValidationError({"seed": _("The seed is a whole number from 0 to 2^62.")})
    chosen = draw(frame, size, seed)
    PlanSample.objects.bulk_create(
        PlanSample(plan=plan, organization_id=org_id, position=i)
        for i, org_id in enumerate(chosen, start=1)
    )
    plan.sample_size, plan.seed = size, seed
    plan.drawn_at, plan.drawn_by = clock.now(), acting_user(actor)
    plan.save(update_fields=["sample_size", "seed", "drawn_at", "drawn_by"])
    audit.record(
        actor=actor,
        action=Action.INSPECTIONS_SAMPLE_DRAWN,
        obj=plan,
        data={"seed": seed, "size": size, "frame": len(frame), "sample": chosen},
    )
    return plan.drawn()


@transaction.atomic
def inspection_start(
    *,
    actor: Actor,
    organization: Organization,
    indicator_set: IndicatorSet | None = None,
    plan: InspectionPlan | None = None,
    inspected_on: dt.date | None = None,
    inspectors: Iterable[Any] = (),
    is_demo: bool = False,
) -> Inspection:
    """A draft inspection of a branch the actor reaches, one empty finding per indicator."""
    require(actor, Cap.INSPECT)
    require_branch(actor, organization)
    if plan is not None:
        require_visible(actor, plan)
        indicator_set = indicator_set or plan.indicator_set
    if indicator_set is None:
        raise ValidationError({"indicator_set": _("Choose the indicator set.")})
    require_visible(actor, indicator_set)
    _require_active(indicator_set, IndicatorSet.Purpose.INSPECTION, "indicator_set")
    day = inspected_on or clock.today()
    if day > clock.today():
        raise ValidationError({"inspected_on": _("An inspection cannot be dated in the future.")})
    inspection = Inspection.objects.create(
        plan=plan,
        organization=organization,
        org_path=organization.path,
        town=organization.town or committee_of(organization).town,
        indicator_set=indicator_set,
        inspected_on=day,
        created_at=clock.now(),
        created_by=acting_user(actor),
        is_demo=is_demo,
    )
    people = {u.pk: u for u in inspectors}
    for person in people.values():
        if not _can_inspect(person, organization):
            raise ValidationError(
                {"inspectors": _("%(name)s cannot inspect this branch.") % {"name": person}}
            )
    user = acting_user(actor)
    if user is not None:
        people[user.pk] = user
    inspection.inspectors.set(people.values())
    Finding.objects.bulk_create(
        Finding(inspection=inspection, indicator=i) for i in indicator_set.indicators.all()
    )
    audit.record(actor=actor, action=Action.INSPECTIONS_INSPECTION_RECORDED, obj=inspection)
    return inspection


def _can_inspect(user: Any, organization: Organization) -> bool:
    scope = scope_for(user)
    return scope.can(Cap.INSPECT) and organization.reached_by(scope)


def fellow_inspectors(actor: Actor) -> list[Any]:
    """Who may inspect with the actor: users of an inspecting role who reach the actor's area.

    A choice list; `inspection_start` checks each chosen one against the branch itself.
    """
    paths = scope_for(actor).org_paths
    me = getattr(acting_user(actor), "pk", None)
    rows = (
        RoleAssignment.objects.filter(active=True, role__in=(Role.INSPECTOR, Role.ORG_OFFICER))
        .exclude(user_id=me)
        .select_related("user")
        .order_by("user__username")
    )
    found = {ra.user.pk: ra.user for ra in rows if ra.user.is_active}
    return [
        u
        for u in found.values()
        if scope_for(u).can(Cap.INSPECT) and any(scope_for(u).covers_org_path(p) for p in paths)
    ]


def _require_draft(inspection: Inspection) -> None:
    if inspection.status != Inspection.Status.DRAFT:
        raise ValidationError(
            {
                "status": _("This inspection is %(status)s; only a draft can be scored.")
                % {"status": inspection.get_status_display()}
            }
        )


@transaction.atomic
def inspection_score(
    *, actor: Actor, inspection: Inspection, findings: Sequence[Mapping[str, Any]]
) -> Inspection:
    """Save scores of a draft: rows of {indicator, score, text, needs_rectification}.

    Every row is checked before anything is written: one bad score changes nothing.
    """
    require(actor, Cap.INSPECT)
    require_visible(actor, inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_draft(inspection)
    by_indicator = {f.indicator_id: f for f in inspection.findings.select_related("indicator")}
    changed = []
    for row in findings:
        finding = by_indicator.get(_indicator_id(row.get("indicator")))
        if finding is None:
            raise ValidationError({"findings": _("An indicator is not part of this inspection.")})
        field = f"score_{finding.indicator_id}"
        raw = row.get("score")
        finding.score = (
            None
            if raw in (None, "")
            else parse_score(
                raw, finding.indicator.weight, field=field, title=finding.indicator.title
            )
        )
        finding.text = str(row.get("text") or "").strip()
        finding.needs_rectification = bool(row.get("needs_rectification"))
        changed.append(finding)
    Finding.objects.bulk_update(changed, ["score", "text", "needs_rectification"])
    inspection.total = sum((f.score or Decimal(0) for f in by_indicator.values()), Decimal(0))
    inspection.save(update_fields=["total"])
    audit.record(
        actor=actor,
        action=Action.INSPECTIONS_INSPECTION_SCORED,
        obj=inspection,
        data={"total": str(inspection.total)},
    )
    return inspection


def _indicator_id(value: Any) -> int | None:
    value = getattr(value, "pk", value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def inspection_submit(*, actor: Actor, inspection: Inspection) -> Inspection:
    """Close the scoring: every indicator scored, a finding written under each full weight."""
    require(actor, Cap.INSPECT)
    require_visible(actor, inspection)
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_draft(inspection)
    findings = list(inspection.findings.select_related("indicator"))
    for f in findings:
        if f.score is None:
            raise ValidationError(
                {
                    f"score_{f.indicator_id}": _("%(title)s: not scored yet.")
                    % {"title": f.indicator.title}
                }
            )
        if f.score < f.indicator.weight and not f.text:
            raise ValidationError(
                {
                    f"text_{f.indicator_id}": _(
                        "%(title)s: say what was found when points are taken off."
                    )
                    % {"title": f.indicator.title}
                }
            )
    inspection.total = sum((f.score for f in findings), Decimal(0))  # type: ignore[misc]
    inspection.status = Inspection.Status.SUBMITTED
    inspection.submitted_at = clock.now()
    inspection.save(update_fields=["total", "status", "submitted_at"])
    emit(Event.FIGURES_STALE, org_path=inspection.org_path)
    audit.record(
        actor=actor,
        action=Action.INSPECTIONS_INSPECTION_SUBMITTED,
        obj=inspection,
        data={"total": str(inspection.total)},
    )
    notify(
        recipients=secretaries_of(inspection.organization),
        message=notices.SUBMITTED,
        params={
            "branch": inspection.organization.name,
            "date": inspection.inspected_on.isoformat(),
            "total": str(inspection.total),
            "inspection": inspection.pk,
        },
        key=f"inspections.submitted.{inspection.pk}",
        url=reverse("inspections:detail", args=[inspection.pk]),
        obj=inspection,
    )
    return inspection


def secretaries_of(org: Organization) -> list[Any]:
    """The users holding the secretary role for a branch (at the branch or its place)."""
    rows = RoleAssignment.objects.filter(role=Role.SECRETARY, active=True).select_related("user")
    found = [ra.user for ra in rows.filter(organization=org)]
    if org.place_id:
        found += [ra.user for ra in rows.filter(place_id=org.place_id)]
    return [u for u in {u.pk: u for u in found}.values() if u.is_active]


@transaction.atomic
def inspection_acknowledge(*, actor: Actor, inspection: Inspection, note: str = "") -> Inspection:
    """The branch secretary has read the inspection (with an optional note), recorded with time."""
    require_visible(actor, inspection)
    if not scope_for(actor).can(Cap.DO_DUTIES):
        raise PermissionDenied(_("Only the branch's secretary acknowledges an inspection."))
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != Inspection.Status.SUBMITTED:
        raise ValidationError(
            {
                "status": _("This inspection is %(status)s; only a submitted one is acknowledged.")
                % {"status": inspection.get_status_display()}
            }
        )
    inspection.status = Inspection.Status.ACKNOWLEDGED
    inspection.acknowledged_at = clock.now()
    inspection.acknowledged_by = acting_user(actor)
    inspection.acknowledgement_note = (note or "").strip()[:2000]
    inspection.save(
        update_fields=["status", "acknowledged_at", "acknowledged_by", "acknowledgement_note"]
    )
    audit.record(actor=actor, action=Action.INSPECTIONS_INSPECTION_ACKNOWLEDGED, obj=inspection)
    emit(
        Event.BRANCH_RECORD,
        kind=RECORD_KIND,
        organization_id=inspection.organization_id,
        on=timezone.localdate(inspection.acknowledged_at),
        record_id=inspection.pk,
    )
    return inspection
