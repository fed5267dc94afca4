"""Open311 reads. This is the public face of cases, so it decides what leaves the building.

Without a valid API key a client sees only cases in public categories (the same
rule as the public progress board) and no free text; with a key it also gets the
description and the answer. Reporters' names and phones never leave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Max, Min, Q

from grassroots.cases.models import OPEN_STATUSES, Case, Category, clean_code
from grassroots.cases.selectors import public_similar
from grassroots.core import clock
from grassroots.core.ids import parse_id
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Household, Place

TOWN_KINDS = (Place.Kind.TOWN, Place.Kind.SUBDISTRICT)
DEFAULT_WINDOW = dt.timedelta(days=90)  # the spec's default when no dates are given
MAX_RESULTS = 1000


def towns() -> models.QuerySet:
    return unscoped(Place, why=Unscoped.PUBLIC).filter(kind__in=TOWN_KINDS)


def jurisdiction(code: str | None) -> Place | None:
    """The town for a jurisdiction_id; without one, the only town there is (or None)."""
    if code:
        return towns().filter(code=code.strip()).first()
    candidates = list(towns()[:2])
    return candidates[0] if len(candidates) == 1 else None


def categories() -> models.QuerySet:
    return Category.objects.filter(active=True).select_related("parent")


def category(code: str) -> Any:
    return categories().filter(code=code).first()


def place_by_address(
    town: Place, address_id: str = "", address_string: str = ""
) -> tuple[Place | None, Household | None]:
    """Where a request is: a household code or division code, else names in the text."""
    inside = Q(path__startswith=town.path)
    if address_id:
        household = (
            unscoped(Household, why=Unscoped.SYSTEM)
            .filter(town=town, code=address_id)
            .select_related("place")
            .first()
        )
        if household is not None:
            return household.place, household
        place = unscoped(Place, why=Unscoped.PUBLIC).filter(inside, code=address_id).first()
        return place, None
    if address_string:
        village = _named(
            unscoped(Place, why=Unscoped.PUBLIC).filter(inside, depth=town.depth + 1),
            address_string,
        )
        if village is None:
            # Only an address naming the town itself is filed at town level;
            # anything else may be outside it (the view refuses it).
            return (town, None) if town.name and town.name in address_string else (None, None)
        group = _named(
            unscoped(Place, why=Unscoped.PUBLIC).filter(
                path__startswith=village.path, depth=village.depth + 1
            ),
            address_string,
        )
        return group or village, None
    return town, None


# Around the positions known in a town, how far a request may still be (about 3 km).
EXTENT_MARGIN = Decimal("0.03")


def town_extent(town: Place) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """(south, north, west, east) of the positions recorded in the town, with a margin.

    Places carry no boundary, so the town is as far as its located households
    and cases reach; None while it has none (a position cannot then be checked).
    """
    bounds = [
        unscoped(model, why=Unscoped.SYSTEM)
        .filter(town=town, latitude__isnull=False, longitude__isnull=False)
        .aggregate(s=Min("latitude"), n=Max("latitude"), w=Min("longitude"), e=Max("longitude"))
        for model in (Household, Case)
    ]
    known = [b for b in bounds if b["s"] is not None]
    if not known:
        return None
    m = EXTENT_MARGIN
    return (
        min(b["s"] for b in known) - m,
        max(b["n"] for b in known) + m,
        min(b["w"] for b in known) - m,
        max(b["e"] for b in known) + m,
    )


def _named(candidates: Iterable[Place], text: str) -> Place | None:
    # The longest name found in the text wins ("上杉市村" over "杉市").
    found = [p for p in candidates if p.name and p.name in text]
    return max(found, key=lambda p: len(p.name)) if found else None


def requests_for(
    town: Place,
    *,
    detailed: bool,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: list[str] | None = None,
    now: dt.datetime,
) -> list[Any]:
    qs = (
        unscoped(Case, why=Unscoped.PUBLIC)
        .filter(town=town)
        # The household's position too: a published position must never be the home's.
        .select_related("category", "owner_place", "handler_place", "household")
    )
    if not detailed:
        qs = qs.filter(category__public=True)
    if ids is not None:
        # The spec: a list of ids overrides every other filter.
        numeric = [n for n in map(parse_id, ids) if n is not None]
        return list(qs.filter(pk__in=numeric).order_by("-submitted_at")[:MAX_RESULTS])
    if service_codes:
        qs = qs.filter(category__code__in=service_codes)
    if start is None and end is None:
        start = now - DEFAULT_WINDOW
    if start is not None:
        qs = qs.filter(submitted_at__gte=start)
    if end is not None:
        qs = qs.filter(submitted_at__lte=end)
    if statuses:
        wanted = set(statuses)
        if wanted == {"open"}:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif wanted == {"closed"}:
            qs = qs.exclude(status__in=OPEN_STATUSES)
    return list(qs.order_by("-submitted_at")[:MAX_RESULTS])


def request_by_id(town: Place, request_id: str, *, detailed: bool) -> Any:
    if parse_id(request_id) is None:
        return None
    found = requests_for(town, detailed=detailed, ids=[request_id], now=clock.now())
    return found[0] if found else None


def request_by_token(town: Place, token: str) -> Any:
    return unscoped(Case, why=Unscoped.PUBLIC).filter(town=town, code=clean_code(token)).first()


def place_names(cases: Iterable[Any], town: Place) -> dict[str, str]:
    """ "明月村一组" for each case's place path, from one query for all rows."""
    paths: set[str] = set()
    for case in cases:
        path = case.place_path
        paths.update(
            path[:i] for i in range(len(town.path) + Place.steplen, len(path) + 1, Place.steplen)
        )
    names = dict(
        unscoped(Place, why=Unscoped.PUBLIC).filter(path__in=paths).values_list("path", "name")
    )
    result = {}
    for case in cases:
        path = case.place_path
        parts = [
            names.get(path[:i], "")
            for i in range(len(town.path) + Place.steplen, len(path) + 1, Place.steplen)
        ]
        result[path] = "".join(parts) or town.name
    return result


def similar_requests(case: Case) -> list[Any]:
    """Open requests of the case's village like it, as the public may list them (public categories)."""
    return public_similar(case.text, case.place, exclude=case.pk)
