"""The one allowed-transition table of the case lifecycle.

(from status, action) → Rule(to statuses, who may do it). Services in
`services/` lock the case, call `check()` and then `apply()`, which saves the
new status and writes the typed event in the same transaction. An action not in
the table for the current status is refused with a ValidationError naming the
actions that are allowed; nothing changes.

Parties ("who"):
  dispatcher — town administrator or secretary reaching the case's responsible level;
  town       — town administrator of the case's town;
  handler    — the assigned person, or a member of the assigned unit;
  caller     — who makes the call-back: the representative, the town or a
               dispatcher, never the handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.cases import rules
from grassroots.cases.models import OPEN_STATUSES, Case, CaseEvent, Status
from grassroots.core import audit, clock, glossary
from grassroots.core.actors import Actor, acting_user
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.models import AuditEvent
from grassroots.core.scoping import scope_for

S = Status


@dataclass(frozen=True)
class Rule:
    to: tuple[str, ...]
    who: frozenset[str]


def _rule(*to: str, who: str) -> Rule:
    return Rule(to=tuple(to), who=frozenset(who.split()))


WORKING = (S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS)

TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.SUBMITTED, "accept"): _rule(S.ACCEPTED, who="dispatcher"),
    (S.SUBMITTED, "reject"): _rule(S.REJECTED, who="dispatcher"),
    (S.ACCEPTED, "assign"): _rule(S.ASSIGNED, who="dispatcher"),
    (S.ASSIGNED, "transfer"): _rule(S.ASSIGNED, who="dispatcher"),
    (S.IN_PROGRESS, "transfer"): _rule(S.ASSIGNED, who="dispatcher"),
    (S.ASSIGNED, "take"): _rule(S.IN_PROGRESS, who="handler"),
    # After MAX_RETURNS the case moves up to the town, still "accepted".
    (S.ASSIGNED, "return"): _rule(S.ACCEPTED, who="handler"),
    (S.IN_PROGRESS, "request_suspension"): _rule(S.IN_PROGRESS, who="handler"),
    (S.IN_PROGRESS, "approve_suspension"): _rule(S.SUSPENDED, who="dispatcher"),
    (S.IN_PROGRESS, "deny_suspension"): _rule(S.IN_PROGRESS, who="dispatcher"),
    (S.SUSPENDED, "resume"): _rule(S.IN_PROGRESS, who="handler dispatcher"),
    (S.IN_PROGRESS, "reply"): _rule(S.REPLIED, who="handler"),
    (S.REPLIED, "close"): _rule(S.CLOSED, who="caller"),
    (S.REPLIED, "rework"): _rule(S.IN_PROGRESS, who="caller"),
    # A twice-reopened case goes to the town to designate anew ("accepted").
    (S.CLOSED, "reopen"): _rule(S.IN_PROGRESS, S.ACCEPTED, who="dispatcher caller"),
    **{(s, "withdraw"): _rule(S.CLOSED, who="dispatcher") for s in WORKING},
    **{(s, "supervise"): _rule(s, who="town") for s in OPEN_STATUSES},
    **{(s, "whistle"): _rule(s, who="town") for s in OPEN_STATUSES},
}

# Labels of the transitions the glossary lacks (case-specific steps).
_OWN_LABELS: dict[str, Any] = {
    "request_suspension": gettext_lazy("Request suspension"),
    "approve_suspension": gettext_lazy("Approve suspension"),
    "deny_suspension": gettext_lazy("Deny suspension"),
    "resume": gettext_lazy("Resume"),
    "rework": gettext_lazy("Call-back: not satisfied, rework"),
    "withdraw": gettext_lazy("Close without handling"),
    "whistle": gettext_lazy("Blow the whistle"),
}

# One name per action across the product: the glossary's where it has one.
ACTION_LABELS: dict[str, Any] = {
    action: glossary.ACTIONS.get(action) or _OWN_LABELS[action]
    for action in dict.fromkeys(a for (_s, a) in TRANSITIONS)
}

# Event kinds that are not transitions (written by services and sweeps).
EVENT_LABELS: dict[str, Any] = {
    **ACTION_LABELS,
    "submit": gettext_lazy("Need reported"),
    "warn": gettext_lazy("Deadline warning"),
    "escalate": gettext_lazy("Overdue, escalated"),
    "handler_late": gettext_lazy("Handler did not respond within one working day"),
    "acknowledge": gettext_lazy("Reported in after the whistle"),
    "me_too": gettext_lazy("Another household joined"),
    "rate": gettext_lazy("Resident rated the answer"),
    "to_town": gettext_lazy("Moved to the town"),
    "call_back": gettext_lazy("Call-back"),
}


def actions_from(status: str) -> list[str]:
    return [action for (frm, action) in TRANSITIONS if frm == status]


def _parties(actor: Actor, case: Case) -> set[str]:
    scope = scope_for(actor)
    parties: set[str] = set()
    if rules.is_dispatcher(scope, case):
        parties.add("dispatcher")
    if rules.is_town(scope, case):
        parties.add("town")
    if rules.is_handler(scope, case):
        parties.add("handler")
    if rules.can_call_back(scope, case):
        parties.add("caller")
    return parties


def audit_action(kind: str) -> Action:
    """The audit action of a timeline event; an unknown kind fails loudly (ValueError)."""
    return Action(f"case.{kind}")


def may(actor: Actor, case: Case, action: str) -> bool:
    rule = TRANSITIONS.get((case.status, action))
    if rule is None:
        return False
    if action in ("approve_suspension", "deny_suspension") and not case.suspension_requested:
        return False
    if action == "request_suspension" and case.suspension_requested:
        return False
    return bool(rule.who & _parties(actor, case))


def actions_for(actor: Actor, case: Case) -> list[str]:
    """What this actor may do now: the buttons on the case page."""
    return [a for a in actions_from(case.status) if may(actor, case, a)]


def not_allowed(case: Case, action: str) -> ValidationError:
    """The refusal of `action` in the case's status, naming the actions allowed there."""
    allowed = ", ".join(actions_from(case.status)) or "—"
    return ValidationError(
        _("“%(action)s” is not allowed from “%(status)s”; allowed: %(allowed)s.")
        % {"action": action, "status": case.get_status_display(), "allowed": allowed},
        code="invalid_transition",
        params={"allowed": actions_from(case.status)},
    )


def check(case: Case, action: str, actor: Actor, to: str | None = None) -> str:
    """The target status, or raise without changing anything."""
    rule = TRANSITIONS.get((case.status, action))
    if rule is None:
        raise not_allowed(case, action)
    if actor is not None and not may(actor, case, action):
        raise PermissionDenied(_("You may not do this on this case."))
    target = to or rule.to[0]
    if target not in rule.to:  # pragma: no cover - services choose from the rule
        raise ValidationError(f"{action} cannot lead to {target}")
    return target


def apply(
    case: Case,
    action: str,
    actor: Actor,
    *,
    to: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    fields: list[str] | None = None,
) -> CaseEvent:
    """Save the new status (and `fields` the service changed) and write the event."""
    from_status = case.status
    case.status = to
    case.save(update_fields=["status", "updated_at", *(fields or [])])
    return record_event(
        case, action, actor, from_status=from_status, to_status=to, note=note, data=data
    )


def record_event(
    case: Case,
    kind: str,
    actor: Actor,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    event, audit_row = build_event(
        case, kind, actor, from_status=from_status, to_status=to_status, note=note, data=data
    )
    event.save(force_insert=True)
    audit_row.save(force_insert=True)
    emit(Event.FIGURES_STALE, place_path=case.place_path)
    return event


def build_event(
    case: Case,
    kind: str,
    actor: Actor,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: Any = None,
) -> tuple[CaseEvent, AuditEvent]:
    """The unsaved timeline event and its audit row (a new case has no id yet)."""
    user = acting_user(actor)
    event = CaseEvent(
        case_id=case.pk,
        kind=kind,
        actor=user,
        at=at or clock.now(),
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )
    audit_row = audit.build(
        actor=user,
        action=audit_action(kind),
        object_type=case._meta.label_lower,
        object_id=case.pk or "",
        reason=note[:300],
        data=data or {},
    )
    return event, audit_row
