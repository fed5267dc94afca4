"""The deadline warning sweep (hourly in the worker, `rectify.tasks`).

Per open item, the level due today (`selectors.colour`: green from 20 days before the
deadline, yellow from 10 days before, red once it has passed) is compared with `warned`,
the highest level already announced for the current deadline. When it is higher, one
short transaction claims the row with a conditional UPDATE (still open, same deadline,
same `warned` we read), writes the timeline event and the audit row and records the
notices. Claim, event and notices commit together: a worker killed before the commit
leaves the item due and nothing recorded, so the next run does it once; a second worker
racing on the row claims nothing. An item that reaches a level without the one below
(registered 5 days before its deadline) gets only the current level's notice.

Recipients: green → the responsible person (the unit's secretaries if the item names no
user); yellow → + the responsible leader; red → + the unit's secretaries. Notice keys
`rectify:<id>:<level>` (with `:<n>` after the n-th approved extension, which resets
`warned` so the warnings run again for the new deadline) are a second guard.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from grassroots.core import audit, clock
from grassroots.core.audit import Action
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.rectify import notices, workflow
from grassroots.rectify.models import LEVELS, OPEN_STATUSES, Colour, Item
from grassroots.rectify.selectors import GREEN_DAYS, YELLOW_DAYS, colour_of
from grassroots.rectify.services import recipients

BATCH = 500


def due(today: dt.date) -> list[tuple[int, str, dt.date, str]]:
    """(id, warned, deadline, status) of the open items owed a warning, one range query."""
    q = (
        Q(warned=Colour.NONE, deadline__lte=today + dt.timedelta(days=GREEN_DAYS))
        | Q(
            warned__in=(Colour.NONE, Colour.GREEN),
            deadline__lte=today + dt.timedelta(days=YELLOW_DAYS),
        )
        | (~Q(warned=Colour.RED) & Q(deadline__lt=today))
    )
    return list(
        unscoped(Item, why=Unscoped.SYSTEM)
        .filter(q, status__in=OPEN_STATUSES)
        .order_by("deadline", "pk")
        .values_list("pk", "warned", "deadline", "status")[:BATCH]
    )


def notice_key(item: Item, level: str) -> str:
    round_ = item.extensions.filter(approved=True).count()
    return f"rectify:{item.pk}:{level}" + (f":{round_}" if round_ else "")


def warn(item: Item, level: str) -> None:
    """The event, the audit row and the notices of one claimed warning."""
    data = {"level": level, "deadline": item.deadline.isoformat()}
    workflow.record_event(item, "warn", None, data=data)
    audit.record(actor=None, action=Action.RECTIFY_ITEM_WARNED, obj=item, data=data)
    recipients.send(
        item,
        recipients.warning_recipients(item, level),
        message=notices.WARNINGS[level],
        key=notice_key(item, level),
        due=item.deadline.isoformat(),
    )


def sweep_warnings(today: dt.date | None = None) -> int:
    """Every warning due today, batch after batch (each row claimed in its own transaction)."""
    today = today or clock.today()
    done = 0
    while True:
        claimed = _sweep_batch(due(today), today)
        done += claimed
        if not claimed:
            return done


def _sweep_batch(rows: list[tuple[int, str, dt.date, str]], today: dt.date) -> int:
    done = 0
    for pk, warned, deadline, status in rows:
        level = colour_of(status, deadline, today)
        if LEVELS[Colour(level)] <= LEVELS[Colour(warned)]:
            continue
        with transaction.atomic():
            claimed = (
                unscoped(Item, why=Unscoped.SYSTEM)
                .filter(pk=pk, status__in=OPEN_STATUSES, warned=warned, deadline=deadline)
                .update(warned=level)
            )
            if not claimed:
                continue  # another worker took it, or the item moved on
            item = unscoped(Item, why=Unscoped.SYSTEM).select_related("organization").get(pk=pk)
            warn(item, level)
            done += 1
    return done


def sweep(today: dt.date | None = None) -> dict[str, int]:
    return {"warned": sweep_warnings(today)}
