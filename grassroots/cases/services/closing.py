"""Closing a case: the call-back (close or rework), closing without handling,
reopening, and the resident's rating."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.cases import deadlines, notices, workflow
from grassroots.cases.models import Case, CaseEvent, Closure, Status
from grassroots.cases.services.levels import escalation_chain
from grassroots.cases.services.locks import lock, refresh
from grassroots.cases.services.recipients import dispatchers_at, handler_recipients, send
from grassroots.core import clock
from grassroots.core.actors import Actor


@transaction.atomic
def case_call_back(
    *,
    actor: Actor,
    case: Case,
    solved: bool,
    satisfied: bool,
    closure: str = Closure.RESOLVED,
    note: str = "",
) -> Case:
    """回访: satisfied → closed with a closure type; not satisfied → rework."""
    locked = lock(case)
    action = "close" if satisfied else "rework"
    to = workflow.check(locked, action, actor)
    locked.solved = solved
    locked.satisfied = satisfied
    data = {"solved": solved, "satisfied": satisfied}
    fields = ["solved", "satisfied"]
    if satisfied:
        if closure not in Closure.values:
            raise ValidationError({"closure": _("Choose how the case was closed.")})
        locked.closure = closure
        locked.closed_at = clock.now()
        data["closure"] = closure
        fields += ["closure", "closed_at"]
    else:
        locked.rework_count = F("rework_count") + 1
        locked.replied_at = None
        # Back on the clock: the original deadline still holds (it may be overdue).
        locked.escalate_at = _rearm_escalation(locked)
        fields += ["rework_count", "replied_at", "escalate_at"]
        send(
            locked,
            handler_recipients(locked),
            message=notices.REWORK,
            key=None,
        )
    workflow.apply(locked, action, actor, to=to, note=note, data=data, fields=fields)
    locked.refresh_from_db(fields=["rework_count"])
    return refresh(case, locked)


def _rearm_escalation(locked: Case) -> dt.datetime | None:
    if locked.escalation_level == 0:
        return locked.resolve_due_at
    if locked.escalation_level >= len(escalation_chain(locked)):
        return None
    return deadlines.next_escalation(max(locked.resolve_due_at, clock.now()))


@transaction.atomic
def case_withdraw(*, actor: Actor, case: Case, closure: str, note: str = "") -> Case:
    """Close without handling: withdrawn, duplicate, or not our responsibility."""
    if closure not in (Closure.WITHDRAWN, Closure.DUPLICATE, Closure.NOT_OURS, Closure.EXPLAINED):
        raise ValidationError({"closure": _("Choose why the case is closed.")})
    locked = lock(case)
    to = workflow.check(locked, "withdraw", actor)
    now = clock.now()
    locked.closure = closure
    locked.closed_at = now
    locked.responded_at = locked.responded_at or now
    locked.warn_at = locked.escalate_at = locked.handler_due_at = None
    workflow.apply(
        locked,
        "withdraw",
        actor,
        to=to,
        note=note,
        data={"closure": closure},
        fields=[
            "closure",
            "closed_at",
            "responded_at",
            "warn_at",
            "escalate_at",
            "handler_due_at",
        ],
    )
    return refresh(case, locked)


@transaction.atomic
def case_reopen(*, actor: Actor, case: Case, note: str) -> Case:
    """A closed case comes back with a fresh resolution window; twice → the town."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the case is reopened.")})
    locked = lock(case)
    count = locked.reopen_count + 1
    to_town = count >= deadlines.MAX_REOPENS or (
        locked.handler_id is None and locked.handler_place_id is None
    )
    target = Status.ACCEPTED if to_town else Status.IN_PROGRESS
    to = workflow.check(locked, "reopen", actor, to=target)
    now = clock.now()
    hours, days = locked.category.limits_for(locked.priority)
    due = deadlines.compute(now, hours, days)
    locked.reopen_count = count
    locked.closed_at = None
    locked.closure = ""
    locked.replied_at = None
    locked.satisfied = locked.solved = None
    locked.resolve_due_at = due.resolve_due_at
    locked.warn_at = due.warn_at
    locked.warned_at = None
    locked.escalate_at = due.resolve_due_at
    locked.escalation_level = 0
    fields = [
        "reopen_count",
        "closed_at",
        "closure",
        "replied_at",
        "satisfied",
        "solved",
        "resolve_due_at",
        "warn_at",
        "warned_at",
        "escalate_at",
        "escalation_level",
    ]
    if to_town and count >= deadlines.MAX_REOPENS:
        locked.owner_place = locked.town
        locked.handler = None
        locked.handler_place = None
        fields += ["owner_place", "handler", "handler_place"]
    workflow.apply(locked, "reopen", actor, to=to, note=note, data={"count": count}, fields=fields)
    if to == Status.ACCEPTED:
        send(
            locked,
            dispatchers_at(locked.owner_place),
            message=notices.REOPENED_DESIGNATE,
            key=f"case:{locked.pk}:reopen:{count}",
        )
    else:
        send(
            locked,
            handler_recipients(locked),
            message=notices.REOPENED,
            key=f"case:{locked.pk}:reopen:{count}",
        )
    return refresh(case, locked)


@transaction.atomic
def case_rate(*, actor: Actor, case: Case, rating: int, comment: str = "") -> Case:
    """The resident rates the answer from the tracking page (no account), once per answer.

    A second rating of the same answer is refused and records nothing; a new
    answer (after rework or reopening) clears `rating` and may be rated again.
    The unique constraint `case_rated_once_per_reply` on the timeline holds
    the same rule in the database. Ratings count in the satisfaction rate
    (`measures.with_rate_parts`).
    """
    if rating not in (1, 2, 3, 4, 5):
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    locked = lock(case)
    if locked.status not in (Status.REPLIED, Status.CLOSED):
        raise ValidationError(_("The case can be rated once it is answered."))
    if locked.rating is not None:
        raise ValidationError(ALREADY_RATED, code="already_rated")
    answer = (
        CaseEvent.objects.filter(case=locked, kind="reply")
        .order_by("-at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    locked.rating = rating
    locked.rating_comment = (comment or "").strip()[:200]
    locked.save(update_fields=["rating", "rating_comment", "updated_at"])
    workflow.record_event(locked, "rate", actor, data={"rating": rating, "reply": answer})
    return refresh(case, locked)


ALREADY_RATED = gettext_lazy(
    "This answer has already been rated; each answer is rated once. "
    "If the case is answered again, the new answer can be rated."
)
