"""Registering items and moving them through the workflow (see `rectify.workflow`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor, acting_user
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.roles import Cap
from grassroots.core.services import require, require_reach, require_visible
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.rectify import notices, selectors, workflow
from grassroots.rectify.models import NOTE_REQUIRED_SOURCES, Item, Kind, Source, Status
from grassroots.rectify.services import recipients
from grassroots.rectify.services.evidence import clean_evidence

RECORD_KIND = "rectify.closed"
MAX_TEXT = 2000
CODE_PREFIX = "ZG"


def _text(field: str, value: str, *, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)d characters, please.") % {"limit": limit}}
        )
    return value


def next_code(town: Place, year: int) -> str:
    """ZG-<year>-<number>, numbered per town and year; the town row is locked meanwhile."""
    list(Place.objects.select_for_update().filter(pk=town.pk).values_list("pk", flat=True))
    prefix = f"{CODE_PREFIX}-{year}-"
    last = (
        Item.objects.filter(town=town, code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _validate_register(organization: Organization, source: str, kind: str, deadline: Any) -> None:
    if organization.town_id is None:
        raise ValidationError({"organization": _("This organisation belongs to no town.")})
    if source not in Source.values:
        raise ValidationError({"source": _("Choose a source from the list.")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a type from the list.")})
    if not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime):
        raise ValidationError({"deadline": _("Give the deadline as a date.")})
    if deadline < clock.today():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})


def _check_people(actor: Actor, **people: Any) -> None:
    """A named person or leader must be someone of a unit the actor reaches."""
    for field, user in people.items():
        if user is not None and not selectors.eligible_people(actor).filter(pk=user.pk).exists():
            raise ValidationError(
                {field: _("Choose someone who works in a unit you are responsible for.")}
            )


@transaction.atomic
def item_register(
    *,
    actor: Actor,
    organization: Organization,
    source: str,
    problem: str,
    measures: str = "",
    kind: str,
    deadline: dt.date,
    leader: Any = None,
    leader_name: str = "",
    person: Any = None,
    person_name: str = "",
    source_ref: str = "",
    is_demo: bool = False,
) -> Item:
    """Register an item (登记) for a unit; the inspections app calls this for its findings."""
    require(actor, Cap.MANAGE_RECTIFICATION)
    require_reach(actor, organization)
    _validate_register(organization, source, kind, deadline)
    _check_people(actor, person=person, leader=leader)
    now = clock.now()
    item = Item(
        town_id=organization.town_id,
        organization=organization,
        org_path=organization.path,
        source=source,
        source_ref=_text("source_ref", source_ref, limit=120),
        problem=_text("problem", problem, limit=MAX_TEXT, required=True),
        measures=_text("measures", measures, limit=MAX_TEXT),
        kind=kind,
        deadline=deadline,
        leader=leader,
        leader_name=_text("leader_name", leader_name, limit=50),
        person=person,
        person_name=_text("person_name", person_name, limit=50),
        registered_by=acting_user(actor),
        registered_at=now,
        is_demo=is_demo,
    )
    item.code = next_code(organization.town, timezone.localdate(now).year)
    item.save(force_insert=True)
    workflow.record_event(item, "register", actor, to_status=Status.REGISTERED)
    audit.record(
        actor=actor, action=Action.RECTIFY_ITEM_REGISTERED, obj=item, data={"code": item.code}
    )
    return item


def _locked(actor: Actor, item: Item) -> Item:
    require_visible(actor, item)
    return (
        Item.objects.select_related("organization").select_for_update(of=("self",)).get(pk=item.pk)
    )


def _due(item: Item) -> str:
    return item.deadline.isoformat()


@transaction.atomic
def item_hand_over(
    *, actor: Actor, item: Item, person: Any = None, person_name: str | None = None, note: str = ""
) -> Item:
    """Hand the item to its unit (and person): 登记 → 已交办."""
    item = _locked(actor, item)
    fields = []
    if person is not None:
        _check_people(actor, person=person)
        item.person = person
        fields.append("person")
    if person_name is not None:
        item.person_name = _text("person_name", person_name, limit=50)
        fields.append("person_name")
    workflow.apply(
        item, "hand_over", actor, note=_text("note", note, limit=MAX_TEXT), fields=fields
    )
    audit.record(actor=actor, action=Action.RECTIFY_ITEM_ASSIGNED, obj=item)
    recipients.send(item, recipients.doers(item), message=notices.ASSIGNED, due=_due(item))
    return item


@transaction.atomic
def item_start(*, actor: Actor, item: Item, note: str = "") -> Item:
    """The unit accepts the item: 已交办 → 整改中."""
    item = _locked(actor, item)
    workflow.apply(item, "start_rectifying", actor, note=_text("note", note, limit=MAX_TEXT))
    audit.record(actor=actor, action=Action.RECTIFY_ITEM_ACCEPTED, obj=item)
    return item


@transaction.atomic
def item_request_signoff(*, actor: Actor, item: Item, note: str = "", evidence: Any = None) -> Item:
    """整改中 → 申请销号, with what was done: a note (required for 巡视/巡察), at most one file."""
    item = _locked(actor, item)
    workflow.check(item, "request_signoff", actor)
    note = _text("note", note, limit=MAX_TEXT, required=item.source in NOTE_REQUIRED_SOURCES)
    evidence = clean_evidence(evidence)
    workflow.apply(item, "request_signoff", actor, note=note, evidence=evidence)
    audit.record(
        actor=actor,
        action=Action.RECTIFY_CLOSURE_REQUESTED,
        obj=item,
        data={"evidence": evidence is not None},
    )
    reviewers = set(recipients.reviewers(item))
    if item.registered_by_id:
        reviewers.add(item.registered_by_id)
    recipients.send(
        item, sorted(reviewers), message=notices.SIGNOFF_REQUESTED, unit=item.organization.name
    )
    return item


@transaction.atomic
def item_start_review(*, actor: Actor, item: Item) -> Item:
    """A reviewer takes the request: 申请销号 → 审核中."""
    item = _locked(actor, item)
    workflow.apply(item, "start_review", actor)
    audit.record(actor=actor, action=Action.RECTIFY_REVIEW_STARTED, obj=item)
    return item


@transaction.atomic
def item_sign_off(*, actor: Actor, item: Item, note: str = "") -> Item:
    """The reviewer approves: 审核中 → 已销号. The only way an item is closed."""
    item = _locked(actor, item)
    workflow.check(item, "sign_off", actor)
    item.closed_at = clock.now()
    item.closed_by = acting_user(actor)
    workflow.apply(
        item,
        "sign_off",
        actor,
        note=_text("note", note, limit=MAX_TEXT),
        fields=["closed_at", "closed_by"],
    )
    audit.record(actor=actor, action=Action.RECTIFY_ITEM_CLOSED, obj=item)
    recipients.send(item, recipients.doers(item), message=notices.CLOSED)
    emit(
        Event.BRANCH_RECORD,
        kind=RECORD_KIND,
        organization_id=item.organization_id,
        on=timezone.localdate(item.closed_at),
        record_id=item.pk,
    )
    return item


@transaction.atomic
def item_return(*, actor: Actor, item: Item, note: str) -> Item:
    """The reviewer refuses the sign-off, saying why: 审核中 → 退回重改."""
    item = _locked(actor, item)
    workflow.check(item, "return_for_rework", actor)
    note = _text("note", note, limit=MAX_TEXT, required=True)
    workflow.apply(item, "return_for_rework", actor, note=note)
    audit.record(actor=actor, action=Action.RECTIFY_ITEM_RETURNED, obj=item, reason=note[:300])
    recipients.send(item, recipients.doers(item), message=notices.RETURNED)
    return item


@transaction.atomic
def item_rework(*, actor: Actor, item: Item, note: str = "") -> Item:
    """The unit takes a returned item up again: 退回重改 → 整改中."""
    item = _locked(actor, item)
    workflow.apply(item, "rework", actor, note=_text("note", note, limit=MAX_TEXT))
    audit.record(actor=actor, action=Action.RECTIFY_ITEM_REWORKED, obj=item)
    return item


# The service behind each transition action (pages and API dispatch through it).
TRANSITION_SERVICES = {
    "hand_over": item_hand_over,
    "start_rectifying": item_start,
    "request_signoff": item_request_signoff,
    "start_review": item_start_review,
    "sign_off": item_sign_off,
    "return_for_rework": item_return,
    "rework": item_rework,
}
