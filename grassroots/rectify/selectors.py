"""Reads of rectification items: colours, the ledger's counts, per-unit figures, the finder.

`colour(item, today)` is the live colour everywhere (pages, API, export): computed from
the deadline and today, whatever the sweep has sent. `colour_q(colour, today)` is the
same rule as a query, for filters and the tiles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.models import Case, Count, Min, Q, Value, When
from django.utils import timezone

from grassroots.accounts.models import RoleAssignment, User
from grassroots.core import clock
from grassroots.core.scoping import Unscoped, scope_for, unscoped
from grassroots.party.models import Organization
from grassroots.rectify.models import OPEN_STATUSES, Colour, Item, Status

GREEN_DAYS = 20
YELLOW_DAYS = 10
COLOURS = (Colour.RED, Colour.YELLOW, Colour.GREEN, Colour.NONE)


def colour_of(status: str, deadline: dt.date, today: dt.date) -> str:
    if status == Status.CLOSED:
        return Colour.NONE
    if today > deadline:
        return Colour.RED
    if today >= deadline - dt.timedelta(days=YELLOW_DAYS):
        return Colour.YELLOW
    if today >= deadline - dt.timedelta(days=GREEN_DAYS):
        return Colour.GREEN
    return Colour.NONE


def colour(item: Item, today: dt.date | None = None) -> str:
    """ "red" (overdue), "yellow" (≤ 10 days left), "green" (≤ 20 days), else "none"."""
    return colour_of(item.status, item.deadline, today or clock.today())


def colour_q(value: str, today: dt.date) -> Q:
    """The items of one colour today (closed items are "none")."""
    open_ = Q(status__in=OPEN_STATUSES)
    yellow_from = today + dt.timedelta(days=YELLOW_DAYS)
    green_from = today + dt.timedelta(days=GREEN_DAYS)
    if value == Colour.RED:
        return open_ & Q(deadline__lt=today)
    if value == Colour.YELLOW:
        return open_ & Q(deadline__gte=today, deadline__lte=yellow_from)
    if value == Colour.GREEN:
        return open_ & Q(deadline__gt=yellow_from, deadline__lte=green_from)
    return Q(status=Status.CLOSED) | Q(deadline__gt=green_from)


def colour_counts(items: models.QuerySet, today: dt.date | None = None) -> dict[str, int]:
    """{colour: count} over an already scoped queryset (one query)."""
    today = today or clock.today()
    row = items.aggregate(**{c: Count("pk", filter=colour_q(c, today)) for c in COLOURS})
    return {c: row[c] or 0 for c in COLOURS}


def eligible_people(user: Any) -> models.QuerySet:
    """Who may be named responsible person or leader: active users holding an active role
    anchored at an organisation or place the user reaches, or at the place of an
    organisation the user reaches (the form, the API and the services use this list)."""
    scope = scope_for(user)
    # The places of the organisations reached (not those merely above them): an
    # organisation officer reaches the village secretaries through their branches.
    org_places = Organization.objects.visible_to(user).filter(scope.orgs("path")).values("place_id")
    anchored = RoleAssignment.objects.filter(active=True).filter(
        scope.orgs("organization__path") | scope.places("place__path") | Q(place_id__in=org_places)
    )
    return User.objects.filter(is_active=True, pk__in=anchored.values("user_id")).order_by(
        "display_name", "username"
    )


def ledger(user: Any) -> models.QuerySet:
    """The items the user reaches: open ones first, the nearest deadline first."""
    closed_last = Case(When(status=Status.CLOSED, then=Value(1)), default=Value(0))
    return (
        Item.objects.visible_to(user)
        .select_related("organization")
        .order_by(closed_last, "deadline", "pk")
    )


def unit_counts(org_ids: Sequence[int], today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per unit id: "open" (not signed off), "overdue" (open, deadline passed), "closed"
    (signed off, ever) and "closed_this_month" (signed off since the 1st of today's month,
    town time). Every id asked for is in the answer (zeros). The caller has already
    checked that it may see these units: this read is not scoped.
    """
    today = today or clock.today()
    month_start = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time()))
    rows = (
        unscoped(Item, why=Unscoped.SYSTEM)
        .filter(organization_id__in=list(org_ids))
        .values("organization_id")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
            closed_this_month=Count(
                "pk", filter=Q(status=Status.CLOSED, closed_at__gte=month_start)
            ),
        )
        .order_by()
    )
    result = {
        org_id: {"open": 0, "overdue": 0, "closed": 0, "closed_this_month": 0} for org_id in org_ids
    }
    for row in rows:
        org_id = row.pop("organization_id")
        result[org_id] = row
    return result


def find_closed(
    org_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, tuple[int, dt.date]]:
    """The record-kind finder of `rectify.closed`: the earliest sign-off per unit in
    [start, end] (town-time dates) → {org_id: (item id, date signed off)}."""
    since = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    rows = (
        unscoped(Item, why=Unscoped.SYSTEM)
        .filter(
            organization_id__in=list(org_ids),
            status=Status.CLOSED,
            closed_at__gte=since,
            closed_at__lt=until,
        )
        .values("organization_id")
        .annotate(first=Min("closed_at"))
        .order_by()
    )
    found: dict[int, tuple[int, dt.date]] = {}
    for row in rows:
        item_id = (
            unscoped(Item, why=Unscoped.SYSTEM)
            .filter(organization_id=row["organization_id"], closed_at=row["first"])
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if item_id is not None:
            found[row["organization_id"]] = (item_id, timezone.localdate(row["first"]))
    return found
