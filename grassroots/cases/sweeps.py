"""Periodic sweeps: 80 % warnings, overdue escalation, handlers who have not
taken or returned an assigned case within one working day, and new cases not
yet announced to their dispatchers (decision 0007; the worker also polls that
part every two seconds).

Each sweep first reads the due ids with one indexed range query
((status, warn_at), (status, escalate_at), the partial (status,
handler_due_at) or the partial unannounced index); with nothing due that query
returns nothing and the sweep is done, whatever the number of open cases.
Then, per case, one short transaction claims the row with a conditional UPDATE
(it still must be due and at the level we read), writes the event and records
the notices. The claim, the event and the notice commit together: a worker
killed before the commit leaves the row due and nothing recorded, so the next
run does it once; a second worker racing on the same row claims nothing.
Notices carry keys (`case:<id>:warn`, `case:<id>:escalate:<level>`,
`case:<id>:handler-late:<assignment round>`), and the notify app's unique
(recipient, key) is a second guard.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.cases import deadlines, notices, services, workflow
from grassroots.cases.models import CLOCK_STATUSES, Case, Status
from grassroots.core import clock

ESCALATE_STATUSES = (*CLOCK_STATUSES, Status.SUSPENDED)
BATCH = 500


def due_for_warning(now: dt.datetime) -> list[int]:
    return list(
        Case.objects.filter(status__in=CLOCK_STATUSES, warn_at__lte=now)
        .order_by()
        .values_list("pk", flat=True)[:BATCH]
    )


def due_for_escalation(now: dt.datetime) -> list[tuple[int, int]]:
    return list(
        Case.objects.filter(status__in=ESCALATE_STATUSES, escalate_at__lte=now)
        .order_by()
        .values_list("pk", "escalation_level")[:BATCH]
    )


def due_for_handler(now: dt.datetime) -> list[tuple[int, int]]:
    return list(
        Case.objects.filter(status=Status.ASSIGNED, handler_due_at__lte=now)
        .order_by()
        .values_list("pk", "assign_round")[:BATCH]
    )


def _load(pk: int) -> Case:
    return Case.objects.select_related(
        "town", "owner_place", "handler", "handler_place", "household", "category"
    ).get(pk=pk)


def handle_warning(case: Case, now: dt.datetime) -> None:
    workflow.record_event(
        case,
        "warn",
        None,
        data={"resolve_due_at": case.resolve_due_at.isoformat()},
    )
    services.send(
        case,
        services.handler_recipients(case),
        message=notices.WARNING,
        params={"due": case.resolve_due_at},
        key=f"{services.key_prefix(case)}:warn",
    )


def sweep_warnings(now: dt.datetime | None = None) -> int:
    now = now or clock.now()
    done = 0
    for pk in due_for_warning(now):
        with transaction.atomic():
            claimed = Case.objects.filter(
                pk=pk, status__in=CLOCK_STATUSES, warn_at__lte=now
            ).update(warn_at=None, warned_at=now)
            if not claimed:
                continue  # another worker took it
            handle_warning(_load(pk), now)
            done += 1
    return done


def handle_escalation(case: Case, level: int, now: dt.datetime) -> None:
    """`level` is the new level (1 = first level above the handler)."""
    chain = services.escalation_chain(case)
    place = chain[min(level, len(chain)) - 1]
    recipients: list[Any] = services.dispatchers_at(place)
    if level == 1:
        recipients += services.handler_recipients(case)
    workflow.record_event(
        case,
        "escalate",
        None,
        data={"level": level, "place": place.pk, "place_name": place.name},
    )
    services.send(
        case,
        recipients,
        message=notices.OVERDUE,
        params={"level": level},
        key=f"{services.key_prefix(case)}:escalate:{level}",
    )


def sweep_escalations(now: dt.datetime | None = None) -> int:
    now = now or clock.now()
    done = 0
    for pk, level in due_for_escalation(now):
        with transaction.atomic():
            case = _load(pk)
            if case.status == Status.SUSPENDED:
                # The escalate_at of a suspended case is its end date: resume it.
                claimed = Case.objects.filter(
                    pk=pk, status=Status.SUSPENDED, escalate_at__lte=now
                ).update(escalate_at=None)
                if claimed:
                    services.resume_clock(_load(pk), None, _("Suspension ended"))
                    done += 1
                continue
            chain_len = len(services.escalation_chain(case))
            new_level = level + 1
            following = (
                deadlines.next_escalation(case.escalate_at) if new_level < chain_len else None
            )
            claimed = Case.objects.filter(
                pk=pk,
                status__in=CLOCK_STATUSES,
                escalate_at__lte=now,
                escalation_level=level,
            ).update(escalation_level=new_level, escalate_at=following, supervised=True)
            if not claimed:
                continue
            case.escalation_level = new_level
            case.supervised = True
            handle_escalation(case, new_level, now)
            done += 1
    return done


def handle_handler_late(case: Case, round_: int, now: dt.datetime) -> None:
    """Tell whoever assigned the case, and the dispatchers of its level."""
    recipients: list[Any] = services.dispatchers_at(case.owner_place)
    if case.assigned_by_id:
        recipients.append(case.assigned_by_id)
    who = str(case.handler or case.handler_place or "")
    workflow.record_event(
        case,
        "handler_late",
        None,
        data={"round": round_, "handler": case.handler_id, "handler_place": case.handler_place_id},
    )
    services.send(
        case,
        sorted(set(recipients)),
        message=notices.HANDLER_LATE,
        params={"handler": who},
        key=f"case:{case.pk}:handler-late:{round_}",
    )


def sweep_handler_late(now: dt.datetime | None = None) -> int:
    now = now or clock.now()
    done = 0
    for pk, round_ in due_for_handler(now):
        with transaction.atomic():
            # Still assigned, still due, and the same assignment we read.
            claimed = Case.objects.filter(
                pk=pk, status=Status.ASSIGNED, handler_due_at__lte=now, assign_round=round_
            ).update(handler_due_at=None)
            if not claimed:
                continue
            handle_handler_late(_load(pk), round_, now)
            done += 1
    return done


def due_for_announcement(now: dt.datetime) -> list[int]:
    return list(
        Case.objects.filter(announced_at__isnull=True, submitted_at__lte=now)
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:BATCH]
    )


def sweep_announcements(now: dt.datetime | None = None) -> int:
    """New cases not yet announced: what the worker's poller runs every two seconds."""
    now = now or clock.now()
    return sum(services.case_announce(pk, now) for pk in due_for_announcement(now))


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or clock.now()
    return {
        "announced": sweep_announcements(now),
        "warned": sweep_warnings(now),
        "escalated": sweep_escalations(now),
        "handler_late": sweep_handler_late(now),
    }
