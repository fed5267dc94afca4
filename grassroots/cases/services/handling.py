"""Handling a case: accept or reject, assign and transfer, take or return,
suspend and resume, reply to the resident.

Each transition locks the case row, checks the transition table
(`workflow.check`) against the locked state, changes fields, and writes the
typed event and audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import User
from grassroots.cases import deadlines, notices, workflow
from grassroots.cases.models import Case, CaseEvent, Status
from grassroots.cases.selectors import eligible_handlers, town_units
from grassroots.cases.services.locks import lock, refresh
from grassroots.cases.services.recipients import (
    dispatchers_at,
    handler_recipients,
    key_prefix,
    send,
)
from grassroots.core import clock
from grassroots.core.actors import Actor, acting_user
from grassroots.grid.models import Place


@transaction.atomic
def case_accept(*, actor: Actor, case: Case, note: str = "") -> Case:
    locked = lock(case)
    to = workflow.check(locked, "accept", actor)
    locked.responded_at = locked.responded_at or clock.now()
    workflow.apply(locked, "accept", actor, to=to, note=note, fields=["responded_at"])
    return refresh(case, locked)


@transaction.atomic
def case_reject(*, actor: Actor, case: Case, reason: str) -> Case:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for rejecting.")})
    locked = lock(case)
    to = workflow.check(locked, "reject", actor)
    now = clock.now()
    locked.responded_at = locked.responded_at or now
    locked.rejection_reason = reason[:200]
    locked.closed_at = now
    locked.warn_at = locked.escalate_at = None
    workflow.apply(
        locked,
        "reject",
        actor,
        to=to,
        note=reason,
        fields=["responded_at", "rejection_reason", "closed_at", "warn_at", "escalate_at"],
    )
    return refresh(case, locked)


def check_handler(handler: User | None, handler_place: Place | None, case: Case) -> None:
    """Refuse anyone the selectors do not offer (the form's choices are the rule)."""
    if handler is None and handler_place is None:
        raise ValidationError({"handler": _("Choose a handler: a person or a unit.")})
    if handler is not None and not handler.is_active:
        raise ValidationError({"handler": _("This account is not active.")})
    if handler is not None and not eligible_handlers(case).filter(pk=handler.pk).exists():
        raise ValidationError(
            {"handler": _("Only the handlers and secretaries of the case's town can take it.")}
        )
    if handler_place is not None and not handler_place.path.startswith(case.town.path):
        raise ValidationError({"handler_place": _("The unit must belong to the case's town.")})
    if handler_place is not None and not town_units(case).filter(pk=handler_place.pk).exists():
        raise ValidationError(
            {"handler_place": _("Hand the case to the town or one of its villages.")}
        )


HANDOVER_FIELDS = ("handler_due_at", "assign_round", "assigned_by")


def _assign_fields(
    locked: Case, handler: User | None, handler_place: Place | None, actor: Actor
) -> dict:
    """Hand the case over; the new handler has one working day to take or return it."""
    before = {"handler": locked.handler_id, "handler_place": locked.handler_place_id}
    locked.handler = handler
    locked.handler_place = handler_place
    locked.handler_due_at = deadlines.handler_due(clock.now())
    locked.assign_round += 1
    locked.assigned_by = acting_user(actor)
    return {
        "from": before,
        "to": {
            "handler": getattr(handler, "pk", None),
            "handler_place": getattr(handler_place, "pk", None),
        },
        "round": locked.assign_round,
        "handler_due_at": locked.handler_due_at.isoformat(),
    }


@transaction.atomic
def case_assign(
    *,
    actor: Actor,
    case: Case,
    handler: User | None = None,
    handler_place: Place | None = None,
    note: str = "",
) -> Case:
    locked = lock(case)
    to = workflow.check(locked, "assign", actor)
    check_handler(handler, handler_place, locked)
    data = _assign_fields(locked, handler, handler_place, actor)
    locked.responded_at = locked.responded_at or clock.now()
    workflow.apply(
        locked,
        "assign",
        actor,
        to=to,
        note=note,
        data=data,
        fields=["handler", "handler_place", "responded_at", *HANDOVER_FIELDS],
    )
    send(
        locked,
        handler_recipients(locked),
        message=notices.ASSIGNED,
        key=None,
    )
    return refresh(case, locked)


@transaction.atomic
def case_transfer(
    *,
    actor: Actor,
    case: Case,
    handler: User | None = None,
    handler_place: Place | None = None,
    note: str = "",
) -> Case:
    """Hand the case to another handler; the event keeps both sides."""
    locked = lock(case)
    to = workflow.check(locked, "transfer", actor)
    check_handler(handler, handler_place, locked)
    data = _assign_fields(locked, handler, handler_place, actor)
    workflow.apply(
        locked,
        "transfer",
        actor,
        to=to,
        note=note,
        data=data,
        fields=["handler", "handler_place", *HANDOVER_FIELDS],
    )
    send(
        locked,
        handler_recipients(locked),
        message=notices.ASSIGNED,
        key=None,
    )
    return refresh(case, locked)


@transaction.atomic
def case_take(*, actor: Actor, case: Case, note: str = "") -> Case:
    locked = lock(case)
    to = workflow.check(locked, "take", actor)
    locked.handler_due_at = None  # answered in time or late: nothing left to chase
    workflow.apply(locked, "take", actor, to=to, note=note, fields=["handler_due_at"])
    return refresh(case, locked)


@transaction.atomic
def case_return(*, actor: Actor, case: Case, reason: str) -> Case:
    """The handler gives the case back; after MAX_RETURNS the town designates."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for returning the case.")})
    locked = lock(case)
    to = workflow.check(locked, "return", actor)
    locked.return_count = F("return_count") + 1
    locked.handler = None
    locked.handler_place = None
    locked.handler_due_at = None
    workflow.apply(
        locked,
        "return",
        actor,
        to=to,
        note=reason,
        fields=["return_count", "handler", "handler_place", "handler_due_at"],
    )
    locked.refresh_from_db(fields=["return_count"])
    if locked.return_count >= deadlines.MAX_RETURNS and locked.owner_place_id != locked.town_id:
        _move_to_town(locked, reason=_("Returned %(n)d times") % {"n": locked.return_count})
    return refresh(case, locked)


def _move_to_town(locked: Case, *, reason: str) -> None:
    locked.owner_place = locked.town
    locked.save(update_fields=["owner_place", "updated_at"])
    workflow.record_event(locked, "to_town", None, note=reason)
    send(
        locked,
        dispatchers_at(locked.town),
        message=notices.TO_TOWN,
        key=f"{key_prefix(locked)}:to_town:{locked.return_count}",
    )


@transaction.atomic
def case_request_suspension(*, actor: Actor, case: Case, until: dt.date, reason: str) -> Case:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the suspension.")})
    if until is None or until <= clock.today():
        raise ValidationError({"until": _("The suspension must end after today.")})
    locked = lock(case)
    to = workflow.check(locked, "request_suspension", actor)
    locked.suspension_requested = True
    locked.suspended_until = until
    locked.suspension_reason = reason[:200]
    workflow.apply(
        locked,
        "request_suspension",
        actor,
        to=to,
        note=reason,
        data={"until": until.isoformat()},
        fields=["suspension_requested", "suspended_until", "suspension_reason"],
    )
    send(
        locked,
        dispatchers_at(locked.owner_place),
        message=notices.SUSPENSION_REQUESTED,
        key=None,
    )
    return refresh(case, locked)


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@transaction.atomic
def case_approve_suspension(*, actor: Actor, case: Case, note: str = "") -> Case:
    """Stop the clock until the end date; the sweep resumes it then."""
    locked = lock(case)
    to = workflow.check(locked, "approve_suspension", actor)
    data = {
        "until": locked.suspended_until.isoformat(),
        "warn_at": locked.warn_at.isoformat() if locked.warn_at else None,
        "escalate_at": locked.escalate_at.isoformat() if locked.escalate_at else None,
    }
    locked.suspension_requested = False
    locked.suspended_at = clock.now()
    locked.warn_at = None
    locked.escalate_at = _end_of(locked.suspended_until)  # auto-resume instant
    workflow.apply(
        locked,
        "approve_suspension",
        actor,
        to=to,
        note=note,
        data=data,
        fields=["suspension_requested", "suspended_at", "warn_at", "escalate_at"],
    )
    return refresh(case, locked)


@transaction.atomic
def case_deny_suspension(*, actor: Actor, case: Case, note: str = "") -> Case:
    locked = lock(case)
    to = workflow.check(locked, "deny_suspension", actor)
    locked.suspension_requested = False
    locked.suspended_until = None
    workflow.apply(
        locked,
        "deny_suspension",
        actor,
        to=to,
        note=note,
        fields=["suspension_requested", "suspended_until"],
    )
    return refresh(case, locked)


def resume_clock(locked: Case, actor: Actor, note: str) -> None:
    """Move every deadline by the working time the case spent suspended."""
    now = clock.now()
    paused = deadlines.working_time_between(locked.suspended_at, now)
    approval = (
        CaseEvent.objects.filter(case=locked, kind="approve_suspension")
        .order_by("-at", "-id")
        .first()
    )
    saved = approval.data if approval else {}

    def restored(name: str) -> dt.datetime | None:
        value = saved.get(name)
        return deadlines.shift(dt.datetime.fromisoformat(value), paused) if value else None

    locked.response_due_at = deadlines.shift(locked.response_due_at, paused)
    locked.resolve_due_at = deadlines.shift(locked.resolve_due_at, paused)
    locked.warn_at = restored("warn_at")
    locked.escalate_at = restored("escalate_at")
    locked.suspended_at = None
    workflow.apply(
        locked,
        "resume",
        actor,
        to=Status.IN_PROGRESS,
        note=note,
        data={"paused_working_days": round(paused / deadlines.DAY, 2)},
        fields=[
            "response_due_at",
            "resolve_due_at",
            "warn_at",
            "escalate_at",
            "suspended_at",
        ],
    )


@transaction.atomic
def case_resume(*, actor: Actor, case: Case, note: str = "") -> Case:
    locked = lock(case)
    workflow.check(locked, "resume", actor)
    resume_clock(locked, actor, note)
    return refresh(case, locked)


@transaction.atomic
def case_reply(*, actor: Actor, case: Case, reply: str) -> Case:
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": _("Write the answer to the resident.")})
    locked = lock(case)
    to = workflow.check(locked, "reply", actor)
    locked.reply = reply
    locked.replied_at = clock.now()
    # The resolution clock stops at the answer; the call-back has no deadline sweep.
    locked.warn_at = locked.escalate_at = None
    # A new answer: the resident may rate it (one rating per answer, `case_rate`).
    locked.rating, locked.rating_comment = None, ""
    workflow.apply(
        locked,
        "reply",
        actor,
        to=to,
        note=reply,
        fields=["reply", "replied_at", "warn_at", "escalate_at", "rating", "rating_comment"],
    )
    recipients = []
    if locked.reporter_representative_id and locked.reporter_representative.user_id:
        recipients.append(locked.reporter_representative.user_id)
    elif locked.household and locked.household.representative_id:
        rep = locked.household.representative
        if rep.user_id:
            recipients.append(rep.user_id)
    send(
        locked,
        recipients or dispatchers_at(locked.owner_place),
        message=notices.REPLIED,
        key=None,
    )
    return refresh(case, locked)
