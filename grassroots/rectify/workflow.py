"""The one allowed-transition table of a rectification item.

(from status, action) → Rule(target status, who may do it). Services lock the item,
call `check()` and then `apply()`, which saves the new status and writes the timeline
event in the same transaction. An action not in the table for the current status is
refused with a ValidationError naming the actions that are allowed; nothing changes.
`closed` is reached by one row only: a reviewer's `sign_off` of an item under review.

Parties ("who"), over the actor's `Scope` and the item's unit (`org_path`):
  manager  — holds Cap.MANAGE_RECTIFICATION and reaches the unit (registers, hands over);
  unit     — the unit's secretary (Cap.DO_DUTIES, reaching the unit) or the item's
             responsible person (accepts, requests sign-off and extensions, reworks);
  reviewer — holds Cap.REVIEW_RECTIFICATION and reaches the unit (reviews, signs off,
             returns, decides extensions).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core import clock, glossary
from grassroots.core.actors import Actor, acting_user
from grassroots.core.events import Event, emit
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.rectify.models import OPEN_STATUSES, Item, ItemEvent, Status

S = Status


@dataclass(frozen=True)
class Rule:
    to: str
    who: frozenset[str]


def _rule(to: str, *, who: str) -> Rule:
    return Rule(to=to, who=frozenset(who.split()))


TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.REGISTERED, "hand_over"): _rule(S.ASSIGNED, who="manager"),
    (S.ASSIGNED, "start_rectifying"): _rule(S.IN_PROGRESS, who="unit"),
    (S.IN_PROGRESS, "request_signoff"): _rule(S.CLOSURE_REQUESTED, who="unit"),
    (S.CLOSURE_REQUESTED, "start_review"): _rule(S.UNDER_REVIEW, who="reviewer"),
    (S.UNDER_REVIEW, "sign_off"): _rule(S.CLOSED, who="reviewer"),
    (S.UNDER_REVIEW, "return_for_rework"): _rule(S.RETURNED, who="reviewer"),
    (S.RETURNED, "rework"): _rule(S.IN_PROGRESS, who="unit"),
}

# Extension requests and decisions are not transitions: the status stays.
EXTENSION_REQUEST_STATUSES = (S.ASSIGNED, S.IN_PROGRESS, S.RETURNED)

ACTION_LABELS: dict[str, Any] = {
    action: glossary.ACTIONS[action] for action in dict.fromkeys(a for (_s, a) in TRANSITIONS)
}

# Event kinds that are not transitions (written by services and the sweep).
EVENT_LABELS: dict[str, Any] = {
    **ACTION_LABELS,
    "register": gettext_lazy("Registered"),
    "warn": gettext_lazy("Deadline warning"),
    "request_extension": glossary.ACTIONS["request_extension"],
    "approve_extension": gettext_lazy("Extension approved"),
    "refuse_extension": gettext_lazy("Extension refused"),
}


def actions_from(status: str) -> list[str]:
    return [action for (frm, action) in TRANSITIONS if frm == status]


def parties(actor: Actor, item: Item) -> set[str]:
    scope = scope_for(actor)
    reaches = scope.covers_org_path(item.org_path)
    found: set[str] = set()
    if reaches and scope.can(Cap.MANAGE_RECTIFICATION):
        found.add("manager")
    if reaches and scope.can(Cap.REVIEW_RECTIFICATION):
        found.add("reviewer")
    user = acting_user(actor)
    is_person = user is not None and item.person_id is not None and item.person_id == user.pk
    if (reaches and scope.can(Cap.DO_DUTIES)) or is_person:
        found.add("unit")
    return found


def may(actor: Actor, item: Item, action: str) -> bool:
    rule = TRANSITIONS.get((item.status, action))
    return rule is not None and bool(rule.who & parties(actor, item))


def actions_for(actor: Actor, item: Item) -> list[str]:
    """What this actor may do now: the buttons on the item page."""
    return [a for a in actions_from(item.status) if may(actor, item, a)]


def may_request_extension(actor: Actor, item: Item) -> bool:
    return item.status in EXTENSION_REQUEST_STATUSES and "unit" in parties(actor, item)


def may_decide_extension(actor: Actor, item: Item) -> bool:
    return item.status in OPEN_STATUSES and "reviewer" in parties(actor, item)


def check(item: Item, action: str, actor: Actor) -> str:
    """The target status, or raise without changing anything."""
    rule = TRANSITIONS.get((item.status, action))
    if rule is None:
        allowed = ", ".join(str(ACTION_LABELS[a]) for a in actions_from(item.status)) or "—"
        raise ValidationError(
            {
                "status": _("“%(action)s” is not allowed from “%(status)s”; allowed: %(allowed)s.")
                % {
                    "action": ACTION_LABELS.get(action, action),
                    "status": item.get_status_display(),
                    "allowed": allowed,
                }
            },
            code="invalid_transition",
        )
    if not may(actor, item, action):
        raise PermissionDenied(_("You may not do this on this rectification item."))
    return rule.to


def apply(
    item: Item,
    action: str,
    actor: Actor,
    *,
    note: str = "",
    evidence: Any = None,
    data: dict[str, Any] | None = None,
    fields: list[str] | None = None,
) -> ItemEvent:
    """Check, save the new status (and `fields` the service changed), write the event."""
    to = check(item, action, actor)
    from_status = item.status
    item.status = to
    item.save(update_fields=["status", "updated_at", *(fields or [])])
    return record_event(
        item,
        action,
        actor,
        from_status=from_status,
        to_status=to,
        note=note,
        evidence=evidence,
        data=data,
    )


def record_event(
    item: Item,
    kind: str,
    actor: Actor,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    evidence: Any = None,
    data: dict[str, Any] | None = None,
) -> ItemEvent:
    event = ItemEvent(
        item=item,
        kind=kind,
        actor=acting_user(actor),
        at=clock.now(),
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )
    if evidence is not None:
        event.evidence = evidence
    event.save(force_insert=True)
    emit(Event.FIGURES_STALE, org_path=item.org_path)
    return event
