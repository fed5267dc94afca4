"""The secretary's side of an assignment, the reviewer's, and completion by records.

States: not started → done (or submitted → done / returned with a reason, when the
version asks for a reviewer); returned → done / submitted again; done or submitted →
reopened (not started). `TRANSITIONS` is the table; a refused move names what may be
done instead. Every change updates the branch's prepared figure in the same
transaction (`figures.apply`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core import audit, clock, records
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.core.services import require_visible, visible_text
from grassroots.duties import evidence as evidence_files
from grassroots.duties import figures, notices
from grassroots.duties.models import Assignment, Evidence
from grassroots.duties.services.generation import record_day
from grassroots.notify.services import notify

S = Assignment.Status
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "toggle_step": (S.NOT_STARTED, S.RETURNED),
    "complete": (S.NOT_STARTED, S.RETURNED),
    "review": (S.SUBMITTED,),
    "reopen": (S.DONE, S.SUBMITTED),
}
MOVE_NAMES = {
    "toggle_step": gettext_lazy("tick a step"),
    "complete": gettext_lazy("mark it done"),
    "review": gettext_lazy("confirm or return it"),
    "reopen": gettext_lazy("reopen it"),
}
NOTE_MAX = 500
REASON_MAX = 300


def allowed_moves(status: str) -> list[str]:
    return [move for move, states in TRANSITIONS.items() if status in states]


def _check_move(a: Assignment, move: str) -> None:
    if a.status in TRANSITIONS[move]:
        return
    allowed = ", ".join(str(MOVE_NAMES[m]) for m in allowed_moves(a.status)) or "—"
    raise ValidationError(
        {
            "status": _("This duty is %(status)s: you cannot %(move)s. Allowed now: %(allowed)s")
            % {"status": a.get_status_display(), "move": MOVE_NAMES[move], "allowed": allowed}
        }
    )


def _locked(actor: Actor, assignment: Assignment, *caps: str) -> Assignment:
    """The assignment, locked, once the actor holds one of `caps` and reaches it."""
    if not any(scope_for(actor).can(cap) for cap in caps):
        raise PermissionDenied(_("You do not have permission to do this."))
    require_visible(actor, assignment)
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("version")
        .get(pk=assignment.pk)
    )


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def step_toggle(*, actor: Actor, assignment: Assignment, index: int) -> Assignment:
    a = _locked(actor, assignment, Cap.DO_DUTIES)
    _check_move(a, "toggle_step")
    if not isinstance(index, int) or not 0 <= index < len(a.steps):
        raise ValidationError({"index": _("There is no such step.")})
    steps = [dict(s) for s in a.steps]
    steps[index]["done"] = not steps[index].get("done", False)
    a.steps = steps
    a.save(update_fields=["steps"])
    audit.record(
        actor=actor,
        action=Action.DUTIES_STEP_TOGGLED,
        obj=a,
        data={"index": index, "done": steps[index]["done"]},
    )
    return a


def _auto_refusal(a: Assignment) -> ValidationError:
    kind = records.get(a.version.completes_on)
    label = kind.label if kind else a.version.completes_on
    return ValidationError(
        {"status": _("This duty completes itself when %(record)s is recorded.") % {"record": label}}
    )


@transaction.atomic
def assignment_complete(
    *, actor: Actor, assignment: Assignment, note: str = "", evidence: Any = None
) -> Assignment:
    """Tick a duty off: done, or submitted when the item asks for a reviewer."""
    a = _locked(actor, assignment, Cap.DO_DUTIES)
    _check_move(a, "complete")
    version = a.version
    if version.completes_on:
        raise _auto_refusal(a)
    if evidence is not None and version.evidence == Evidence.NONE:
        raise ValidationError({"evidence": _("This duty takes no file.")})
    if evidence is None and version.evidence == Evidence.REQUIRED and not a.evidence:
        raise ValidationError({"evidence": _("Attach one file (a document or a scan) to finish.")})
    before = figures.contribution(a)
    fields = ["status", "note", "done_at", "done_by", "submitted_at", "returned_reason"]
    if evidence is not None:
        a.evidence.save(evidence_files.checked_name(evidence), evidence, save=False)
        fields.append("evidence")
    a.note = visible_text(note)[:NOTE_MAX] or a.note
    now = clock.now()
    if version.review_required:
        a.status, a.submitted_at, a.done_at, a.done_by = S.SUBMITTED, now, None, None
        action = Action.DUTIES_ASSIGNMENT_SUBMITTED
    else:
        a.status, a.done_at, a.done_by = S.DONE, now, _user(actor)
        action = Action.DUTIES_ASSIGNMENT_COMPLETED
    a.save(update_fields=fields)
    figures.apply(a, before)
    audit.record(actor=actor, action=action, obj=a, data={"file": bool(evidence)})
    return a


@transaction.atomic
def assignment_review(
    *, actor: Actor, assignment: Assignment, approve: bool, reason: str = ""
) -> Assignment:
    """Confirm a submitted duty (done) or send it back with a reason (returned)."""
    a = _locked(actor, assignment, Cap.REVIEW_DUTIES)
    _check_move(a, "review")
    reason = visible_text(reason)[:REASON_MAX]
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the duty is returned.")})
    before = figures.contribution(a)
    if approve:
        a.status, a.done_at, a.done_by = S.DONE, a.submitted_at or clock.now(), _user(actor)
        a.returned_reason = ""
        action = Action.DUTIES_ASSIGNMENT_APPROVED
    else:
        a.status, a.returned_reason = S.RETURNED, reason
        action = Action.DUTIES_ASSIGNMENT_RETURNED
    a.save(update_fields=["status", "done_at", "done_by", "returned_reason"])
    figures.apply(a, before)
    audit.record(actor=actor, action=action, obj=a, reason=reason)
    if not approve and a.secretary_id:
        notify(
            recipients=[a.secretary_id],
            message=notices.RETURNED,
            params={"title": a.version.title, "reason": reason},
            key=f"duties:{a.pk}:returned:{a.submitted_at.isoformat() if a.submitted_at else ''}",
            obj=a,
        )
    return a


@transaction.atomic
def assignment_reopen(*, actor: Actor, assignment: Assignment) -> Assignment:
    """Undo a tick (the secretary's undo) or reopen for a reviewer: back to not started."""
    a = _locked(actor, assignment, Cap.DO_DUTIES, Cap.REVIEW_DUTIES, Cap.MANAGE_DUTIES)
    _check_move(a, "reopen")
    if a.record_kind:
        raise ValidationError(
            {"status": _("A record completed this duty; it cannot be reopened by hand.")}
        )
    before = figures.contribution(a)
    a.status, a.done_at, a.done_by, a.submitted_at = S.NOT_STARTED, None, None, None
    a.save(update_fields=["status", "done_at", "done_by", "submitted_at"])
    figures.apply(a, before)
    audit.record(actor=actor, action=Action.DUTIES_ASSIGNMENT_REOPENED, obj=a)
    return a


def complete_from_record(*, kind: str, organization_id: int, on: dt.date, record_id: int) -> int:
    """`Event.BRANCH_RECORD`: the branch's open duties this record completes are done.

    Runs inside the transaction that made the record (`Phase.IN_TRANSACTION`), so the
    duty and its figure commit or roll back with the record.
    """
    open_ = (
        Assignment.objects.select_for_update()
        .filter(
            organization_id=organization_id,
            version__completes_on=kind,
            period_start__lte=on,
            period_end__gte=on,
        )
        .exclude(status=S.DONE)
    )
    done = 0
    for a in open_:
        before = figures.contribution(a)
        a.status, a.record_kind, a.record_id = S.DONE, kind, record_id
        a.done_at, a.done_by = record_day(on), None
        a.save(update_fields=["status", "record_kind", "record_id", "done_at", "done_by"])
        figures.apply(a, before)
        audit.record(
            actor=None,
            action=Action.DUTIES_ASSIGNMENT_RECORDED,
            obj=a,
            data={"kind": kind, "record_id": record_id},
        )
        done += 1
    return done


def sweep_overdue(*, today: dt.date | None = None, batch: int = 500) -> int:
    """Mark once each open assignment whose due day has passed; bump its figure."""
    today = today or clock.today()
    marked = 0
    while True:
        with transaction.atomic():
            rows = list(
                Assignment.objects.select_for_update(skip_locked=True)
                .filter(overdue=False, due_on__lt=today)
                .exclude(status=S.DONE)
                .order_by()
                .values_list("pk", "organization_id", "cadence", "period")[:batch]
            )
            if not rows:
                return marked
            # The conditional UPDATE claims the rows: a racing sweep finds them taken.
            Assignment.objects.filter(pk__in=[r[0] for r in rows], overdue=False).update(
                overdue=True
            )
            counts: dict[figures.Key, int] = {}
            for _pk, org_id, cadence, period in rows:
                counts[(org_id, cadence, period)] = counts.get((org_id, cadence, period), 0) + 1
            figures.bump_overdue(counts)
            audit.record(
                actor=None,
                action=Action.DUTIES_OVERDUE_MARKED,
                object_type="duties.assignment",
                data={"on": today.isoformat(), "count": len(rows)},
            )
            marked += len(rows)
