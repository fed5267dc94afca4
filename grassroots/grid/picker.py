"""The drill-down place picker: town → village or community → villager group.

`<c-picker>` (grassroots/templates/cotton/picker.html) draws a field's plain select (what
works without JavaScript) and asks this view, through htmx, for the drill-down that replaces
it: the chosen path as chips, the children of the chosen place as large buttons, and a
hidden input named like the field holding the chosen id.

GET /grid/picker/?name=<field>&parent=<place id>

Public and read-only: the resident's report form uses it, and place names are not
personal data (a read of `Unscoped.PUBLIC`). Only places from town level down are shown;
a missing, malformed or out-of-range id is a 404, a bad field name a 404 too. Each caller
gets a generous number of taps a minute (core.ratelimit), then 429.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grassroots.core import ratelimit
from grassroots.core.ids import parse_id
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place

TOWN_KINDS = (Place.Kind.TOWN, Place.Kind.SUBDISTRICT)
VILLAGE_KINDS = (Place.Kind.VILLAGE, Place.Kind.COMMUNITY)
# What a picker can hold as its value (a town is only a step on the way).
CHOSEN_KINDS = (*VILLAGE_KINDS, Place.Kind.GROUP)
PICKER_KINDS = (*TOWN_KINDS, *CHOSEN_KINDS)
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
RATE = "place-picker"
RATE_LIMIT = 300  # taps a minute per address: far above a person, well below a scraper
RATE_WINDOW = 60


def places() -> QuerySet:
    return unscoped(Place, why=Unscoped.PUBLIC).filter(kind__in=PICKER_KINDS)


def children_of(place: Place | None) -> QuerySet:
    """The picker's options under a place; the towns when there is none."""
    if place is None:
        return places().filter(kind__in=TOWN_KINDS).order_by("path")
    return places().filter(path__startswith=place.path, depth=place.depth + 1).order_by("path")


def path_to(place: Place) -> list[Place]:
    """The place and its ancestors from town level down (for the chips)."""
    prefixes = [
        place.path[:end] for end in range(Place.steplen, len(place.path) + 1, Place.steplen)
    ]
    return list(places().filter(path__in=prefixes).order_by("depth"))


def picker_state(parent_id: int | None) -> dict[str, Any]:
    """What the widget shows when `parent_id` is chosen (None: the start)."""
    chosen = None
    if parent_id is not None:
        chosen = places().filter(pk=parent_id).first()
        if chosen is None:
            raise Http404("place")
    options = list(children_of(chosen))
    if chosen is None and len(options) == 1:
        # One town: start inside it, a resident need not tap its name first.
        chosen, options = options[0], list(children_of(options[0]))
    leaf = chosen is not None and not options
    if leaf and chosen is not None:
        # A group has no children: offer its siblings, so changing it takes one tap.
        parent_path = chosen.path[: -Place.steplen]
        options = list(
            places().filter(path__startswith=parent_path, depth=chosen.depth).order_by("path")
        )
    return {
        "chosen": chosen,
        "value": chosen.pk if chosen is not None and chosen.kind in CHOSEN_KINDS else "",
        "path": path_to(chosen) if chosen is not None else [],
        "options": options,
        "leaf": leaf,
    }


@require_GET
def picker(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("name", "")
    if not FIELD_NAME.fullmatch(name):
        raise Http404("field")
    raw = request.GET.get("parent", "")
    parent_id = parse_id(raw) if raw else None
    if raw and parent_id is None:
        raise Http404("place")
    ip = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not ratelimit.hit(RATE, ip, limit=RATE_LIMIT, window=RATE_WINDOW):
        return HttpResponse(status=429)
    context = {"name": name, **picker_state(parent_id)}
    return render(request, "kit/picker.html", context)
