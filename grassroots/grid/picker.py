"""The drill-down place picker: … → town → village or community → villager group.

`<c-picker>` (grassroots/templates/cotton/picker.html) draws a field's plain select (what
works without JavaScript) and asks this view, through htmx, for the drill-down that replaces
it: the chosen path as chips, the children of the chosen place as large buttons, and a
hidden input named like the field holding the chosen id.

GET /grid/picker/?name=<field>&parent=<place id>

Public and read-only: the resident's report form uses it, and place names are not
personal data (a read of `Unscoped.PUBLIC`). The start is the first level with a choice:
levels holding one place are stepped through (a town's grid starts at its villages, a
county's at its towns, a province's at its cities), so a province's start is a dozen
cities, not three thousand towns. Places above village level are steps, never the value,
and one with nothing under it is not offered. A missing, malformed or out-of-range id is a
404, a bad field name a 404 too. Each caller gets a generous number of taps a minute
(core.ratelimit), then 429.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grassroots.core import ratelimit
from grassroots.core.ids import parse_id
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.grid.selectors import subtree_q

VILLAGE_KINDS = (Place.Kind.VILLAGE, Place.Kind.COMMUNITY)
# What a picker can hold as its value (a town, a county… is only a step on the way).
CHOSEN_KINDS = (*VILLAGE_KINDS, Place.Kind.GROUP)
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
RATE = "place-picker"
RATE_LIMIT = 300  # taps a minute per address: far above a person, well below a scraper
RATE_WINDOW = 60


def places() -> QuerySet:
    # A step (a place above village level) with nothing under it leads nowhere.
    return (
        unscoped(Place, why=Unscoped.PUBLIC)
        .exclude(~Q(kind__in=CHOSEN_KINDS), numchild=0)
        .only("id", "path", "depth", "numchild", "kind", "name")
    )


def children_of(place: Place | None) -> list[Place]:
    """The picker's options under a place; the roots when there is none."""
    if place is None:
        return list(places().filter(depth=1).order_by("path"))
    rows = places().filter(subtree_q("path", place.path), depth=place.depth + 1)
    return list(rows.order_by("path"))


def start() -> tuple[Place | None, list[Place]]:
    """The first level with a choice, and the place it lies in (None: the roots).

    One query a level; a grid is at most five levels deep."""
    anchor, options = None, children_of(None)
    while len(options) == 1 and options[0].numchild:
        anchor, options = options[0], children_of(options[0])
    return anchor, options


def path_to(place: Place, anchor: Place | None) -> list[Place]:
    """The place and its ancestors from the start's anchor down (for the chips)."""
    top = anchor.depth if anchor is not None else 1
    prefixes = [
        place.path[:end] for end in range(top * Place.steplen, len(place.path) + 1, Place.steplen)
    ]
    return list(places().filter(path__in=prefixes).order_by("depth"))


def picker_state(parent_id: int | None) -> dict[str, Any]:
    """What the widget shows when `parent_id` is chosen (None: the start)."""
    anchor, options = start()
    chosen = anchor
    if parent_id is not None:
        place = places().filter(pk=parent_id).first()
        if place is None:
            raise Http404("place")
        # A place the start steps through (or above it) is the start itself.
        if anchor is None or not anchor.path.startswith(place.path):
            chosen, options = place, children_of(place)
    leaf = chosen is not None and not options
    if leaf and chosen is not None:
        # A group has no children: offer its siblings, so changing it takes one tap.
        parent_path = chosen.path[: -Place.steplen]
        siblings = places().filter(subtree_q("path", parent_path), depth=chosen.depth)
        options = list(siblings.order_by("path"))
    return {
        "chosen": chosen,
        "value": chosen.pk if chosen is not None and chosen.kind in CHOSEN_KINDS else "",
        "path": path_to(chosen, anchor) if chosen is not None else [],
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
